/**
 * The compatibility dialects (issue 19) and the `--compat` choice of which to mount.
 */
import { cleariflow } from './cleariflow/index.js';
import { cloudlayer } from './cloudlayer/index.js';
import { platform } from './platform/index.js';
import { productai } from './productai/index.js';
import { vydra } from './vydra/index.js';
import type { Dialect } from './dialect.js';

export type { Dialect } from './dialect.js';
export { answerInDialect, mountDialects } from './mount.js';

/** DIALECTS are every dialect, by name. */
export const DIALECTS: readonly Dialect[] = [cloudlayer, cleariflow, platform, productai, vydra];

/** DIALECT_NAMES are what `--compat` may list. */
export const DIALECT_NAMES: readonly string[] = DIALECTS.map((d) => d.name);

/**
 * parseCompat reads `--compat` (`LONGRUN_COMPAT`): `all`, `none`, or names joined by commas.
 * Throws an Error naming an unknown dialect.
 */
export function parseCompat(text: string): string[] {
  const given = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (given.length === 0 || (given.length === 1 && given[0] === 'all')) return [...DIALECT_NAMES];
  if (given.length === 1 && given[0] === 'none') return [];
  const unknown = given.find((name) => !DIALECT_NAMES.includes(name));
  if (unknown !== undefined) throw new Error(`unknown dialect ${JSON.stringify(unknown)}; choose all, none, or some of ${DIALECT_NAMES.join(', ')}`);
  return [...new Set(given)];
}

/** dialectsNamed picks the dialects to mount; undefined means all of them. */
export function dialectsNamed(names: readonly string[] | undefined): Dialect[] {
  return DIALECTS.filter((d) => names === undefined || names.includes(d.name));
}
