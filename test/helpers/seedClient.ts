// Runs client code copied from a seed document (test/compat/seeds) against a test server: the
// text's base URL, key and placeholder ids are replaced, nothing else, and the script runs as a
// user would run it (`node` for .mjs, `python3` for .py, `bash` for the curl examples in .sh). Python tests skip, saying why, where
// python3 or its `requests` package is missing.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const seeds = new URL('../compat/seeds/', import.meta.url).pathname;

/** SeedRun is how a seed script ended. */
export interface SeedRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** seedSource is a seed script's text with each `replacements` key replaced (every occurrence) by its value. */
export function seedSource(file: string, replacements: Record<string, string>): string {
  let text = readFileSync(join(seeds, file), 'utf8');
  for (const [from, to] of Object.entries(replacements)) {
    if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)} to replace`);
    text = text.split(from).join(to);
  }
  return text;
}

/** runSeed runs a seed script with the replacements; it is killed after `timeoutMs` (a hang is a failure, not a wait). */
export async function runSeed(file: string, replacements: Record<string, string>, timeoutMs = 60_000): Promise<SeedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'longrun-seed-'));
  const path = join(dir, file);
  writeFileSync(path, seedSource(file, replacements));
  const command = file.endsWith('.py') ? 'python3' : file.endsWith('.sh') ? 'bash' : process.execPath;
  try {
    return await new Promise<SeedRun>((resolve) => {
      execFile(command, [path], { timeout: timeoutMs, env: { ...process.env, NO_PROXY: '*', no_proxy: '*' } }, (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : null) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pythonSkip is why Python seed tests cannot run here (a test's `skip` option), or false when they can. */
export const pythonSkip: string | false = (() => {
  try {
    execFileSync('python3', ['-c', 'import requests'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3 with the requests package is not installed (pip install requests), so the seed documents\u2019 Python clients are not run';
  }
})();
