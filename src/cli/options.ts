import { parseArgs } from 'node:util';

/** UsageError is a bad flag or value: the CLI prints its message on one line and exits 2. */
export class UsageError extends Error {}

/** FlagSpec describes one flag: its environment variable, default and kind. */
export interface FlagSpec {
  env?: string;
  default?: string;
  kind: 'string' | 'int' | 'boolean';
  /** min and max bound an int. */
  min?: number;
  max?: number;
  /** choices bound a string. */
  choices?: readonly string[];
  description: string;
}

/** Flags maps flag names (without `--`) to their spec. */
export type Flags = Record<string, FlagSpec>;

/** ParsedFlags holds each flag's value: from the command line, else its variable, else its default. */
export type ParsedFlags = Record<string, string | number | boolean | undefined>;

/**
 * wantsHelp tells whether `args` ask for help: `--help` or `-h` anywhere, or `help` as the
 * action. Commands check it before anything else, so help never needs a key, a store or a server.
 */
export function wantsHelp(args: readonly string[]): boolean {
  return args[0] === 'help' || args.some((arg) => arg === '--help' || arg === '-h');
}

/** parseFlags reads `args` against `flags`; throws UsageError on anything unknown or out of range. */
export function parseFlags(args: string[], flags: Flags, env: NodeJS.ProcessEnv = process.env): ParsedFlags {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      Object.entries(flags).map(([name, spec]) => [name, { type: spec.kind === 'boolean' ? ('boolean' as const) : ('string' as const) }]),
    );
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const out: ParsedFlags = {};
  for (const [name, spec] of Object.entries(flags)) {
    const raw = values[name] ?? (spec.env ? env[spec.env] : undefined) ?? spec.default;
    const source = values[name] !== undefined ? `--${name}` : spec.env && env[spec.env] !== undefined ? spec.env : `--${name}`;
    if (raw === undefined) continue;
    if (spec.kind === 'boolean') {
      out[name] = raw === true || raw === 'true' || raw === '1';
    } else if (spec.kind === 'int') {
      const text = String(raw).trim();
      const n = Number(text);
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new UsageError(`${source} must be a whole number, not ${JSON.stringify(raw)}`);
      if (spec.min !== undefined && n < spec.min) throw new UsageError(`${source} must be at least ${spec.min}, not ${n}`);
      if (spec.max !== undefined && n > spec.max) throw new UsageError(`${source} must be at most ${spec.max}, not ${n}`);
      out[name] = n;
    } else {
      const text = String(raw);
      if (spec.choices && !spec.choices.includes(text)) throw new UsageError(`${source} must be one of ${spec.choices.join(', ')}, not ${JSON.stringify(text)}`);
      out[name] = text;
    }
  }
  return out;
}

/** flagHelp lists the flags for `--help`. */
export function flagHelp(flags: Flags): string {
  return Object.entries(flags)
    .map(([name, spec]) => {
      const extra = [spec.env, spec.default !== undefined ? `default ${spec.default}` : undefined].filter(Boolean).join(', ');
      return `  --${name.padEnd(14)} ${spec.description}${extra ? ` (${extra})` : ''}`;
    })
    .join('\n');
}
