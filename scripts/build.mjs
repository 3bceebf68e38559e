#!/usr/bin/env node
// Compiles src/ to dist/ (with .d.ts files, for the public entry dist/index.js) and copies the files tsc does not (SQL migrations). Run by `npm install`
// through `prepare`, so a fresh clone is ready to `npm start`.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(`${root}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
for (const driver of ['sqlite', 'postgres']) {
  cpSync(`${root}src/store/${driver}/migrations`, `${root}dist/store/${driver}/migrations`, { recursive: true });
}
chmodSync(`${root}dist/cli/index.js`, 0o755);
