#!/usr/bin/env node
// Compiles src/ to dist/ (with .d.ts files, for the public entry dist/index.js) and copies the files tsc does not (SQL migrations, the dashboard's browser files). Run by `npm install`
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
// The dashboard's browser files are plain ES modules served as they are (src/http/routes/dashboard.ts).
cpSync(`${root}src/dashboard/public`, `${root}dist/dashboard/public`, { recursive: true });
chmodSync(`${root}dist/cli/index.js`, 0o755);
