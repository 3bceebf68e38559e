// `longrun …` run in this test process: the CLI's own runCli (the function the bin calls) with
// console.log and console.error captured. A spawned CLI pays 3–6 s of tsx start-up per command; this
// pays none, so suites with dozens of commands run them here and keep a few through a real process
// (test/helpers/processes.ts) so the bin's own path stays tested.
import { format } from 'node:util';
import { runCli } from '../../src/cli/main.js';

let running = false;

/**
 * runLongrunInProcess runs `longrun <args>` in this process and returns what runLongrun returns for
 * a child: the exit code (runCli's, or the process.exitCode the command set, which is then put
 * back) and the lines printed on stdout and stderr, joined by newlines. `env` is set in
 * process.env for the command's length, as runLongrun adds it to the child's. One at a time: the
 * capture swaps the global console methods.
 */
export async function runLongrunInProcess(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  if (running) throw new Error('runLongrunInProcess: one command at a time (it captures the global console)');
  running = true;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const { log, error } = console;
  const exitCodeBefore = process.exitCode;
  const envBefore = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  process.exitCode = undefined;
  console.log = (...parts: unknown[]) => void stdout.push(format(...parts));
  console.error = (...parts: unknown[]) => void stderr.push(format(...parts));
  try {
    const code = await runCli(args);
    return { code: code !== 0 ? code : Number(process.exitCode ?? 0), stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = exitCodeBefore;
    for (const [name, value] of Object.entries(envBefore)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    running = false;
  }
}
