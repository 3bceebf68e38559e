#!/usr/bin/env node
// Runs every test file under test/ with Node's own test runner, TypeScript loaded through tsx.
// Node 20's `--test` takes no glob, so the files are found here. Extra arguments narrow the run
// to files whose path contains one of them: `npm test -- store http`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

const filters = process.argv.slice(2);
const files = findTests(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((word) => f.includes(word)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

if (!process.env.LONGRUN_TEST_POSTGRES_URL) {
  console.log('PostgreSQL tests: skipped, because LONGRUN_TEST_POSTGRES_URL is not set (.ci/run sets it).');
}

const reportDir = mkdtempSync(join(tmpdir(), 'longrun-test-report-'));
const skippedReport = join(reportDir, 'skipped-suites.ndjson');
const result = spawnSync(
  process.execPath,
  [
    // A test (or a whole suite) still running after 10 minutes has hung: fail it rather than the
    // whole run waiting forever (a wait on a job state that never comes did that once).
    '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/skippedSuitesReporter.mjs')}`, `--test-reporter-destination=${skippedReport}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
printSkippedSuites(skippedReport);
rmSync(reportDir, { recursive: true, force: true });
process.exit(result.status ?? 1);

/** printSkippedSuites says which suites were skipped whole: their tests are in no count above. */
function printSkippedSuites(path) {
  let lines = [];
  try {
    lines = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  } catch {
    return; // the runner died before writing; its own output says why
  }
  if (lines.length === 0) return;
  console.log(`ℹ skipped suites ${lines.length} (whole suites: their tests did not run and are not counted above)`);
  for (const { name, reason, file } of lines) console.log(`ℹ   ${relative(root, file ?? '')}: "${name}"${reason ? ` — ${reason}` : ''}`);
}
