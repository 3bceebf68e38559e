import { readFileSync } from 'node:fs';

/** packageVersion is the version in package.json, two folders up from both src/runtime and dist/runtime. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
