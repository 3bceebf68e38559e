// Child processes of the bench: Longrun through its real CLI, the baselines, the peers and the
// load generators each run in their own process. Every child has a hard time limit, and the
// runner kills whatever is left when it exits, so nothing outlives a run.
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

/** BENCH_ROOT is the checkout the bench runs in. */
export const BENCH_ROOT = new URL('../..', import.meta.url).pathname;

/** Child is one running process and what it printed. */
export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** exited settles with the exit code (null after a signal). */
  exited: Promise<number | null>;
  /** waitForLine resolves with the first stdout line matching `pattern`; rejects on exit or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** send writes one line to the child's stdin. */
  send(line: string): void;
  /** stop sends SIGTERM, then SIGKILL after `graceMs`, and waits for the exit. */
  stop(graceMs?: number): Promise<void>;
  /** tail is the last lines of its output, for error messages. */
  tail(lines?: number): string;
}

const live = new Set<Child>();

/** killAllChildren kills every child still running (the runner calls it on exit). */
export function killAllChildren(): void {
  for (const child of live) child.process.kill('SIGKILL');
  live.clear();
}

/**
 * spawnNode starts `node <args>` in the checkout. It is killed after `maxMs` whatever happens;
 * `tsx` loads a TypeScript entry point.
 */
export function spawnNode(name: string, args: string[], options: { env?: Record<string, string>; maxMs: number; tsx?: boolean; nodeOptions?: string[] }): Child {
  const argv = [...(options.nodeOptions ?? []), ...(options.tsx ? ['--import', 'tsx'] : []), ...args];
  return spawnProgram(name, process.execPath, argv, options);
}

/** spawnProgram starts any program (`python3 …`, say) in the checkout, watched and bounded like spawnNode's children. */
export function spawnProgram(name: string, command: string, argv: string[], options: { env?: Record<string, string>; maxMs: number }): Child {
  const proc = spawn(command, argv, {
    cwd: BENCH_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`${name}: did not start`);
  const lines = new EventEmitter();
  lines.setMaxListeners(100);
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    stdout.push(line);
    if (stdout.length > 2000) stdout.splice(0, 1000);
    lines.emit('line', line);
  });
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 2000) stderr.splice(0, 1000);
  });
  proc.stdin!.on('error', () => undefined);
  let done = false;
  const killer = setTimeout(() => proc.kill('SIGKILL'), options.maxMs);
  killer.unref();
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      done = true;
      clearTimeout(killer);
      live.delete(child);
      // The exit can overtake the last lines in the pipe; let them arrive first.
      setImmediate(() => {
        lines.emit('exit');
        resolve(code);
      });
    });
  });
  const tail = (n = 20) => [`--- ${name} stdout`, ...stdout.slice(-n), `--- ${name} stderr`, ...stderr.slice(-n)].join('\n');
  const child: Child = {
    name,
    pid: proc.pid,
    process: proc,
    stdout,
    stderr,
    exited,
    tail,
    send(line) {
      if (!done) proc.stdin!.write(`${line}\n`);
    },
    waitForLine(pattern, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        for (const line of stdout) {
          const match = pattern.exec(line);
          if (match) return resolve(match);
        }
        if (done) return reject(new Error(`${name} exited before printing ${pattern}\n${tail()}`));
        const timer = setTimeout(() => {
          off();
          reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms\n${tail()}`));
        }, timeoutMs);
        const onLine = (line: string) => {
          const match = pattern.exec(line);
          if (!match) return;
          off();
          resolve(match);
        };
        const onExit = () => {
          off();
          reject(new Error(`${name} exited before printing ${pattern}\n${tail()}`));
        };
        const off = () => {
          clearTimeout(timer);
          lines.off('line', onLine);
          lines.off('exit', onExit);
        };
        lines.on('line', onLine);
        lines.on('exit', onExit);
      });
    },
    async stop(graceMs = 15_000) {
      if (done) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(child);
  return child;
}

/**
 * runTool runs one of the bench's own children (`bench/children/<script>.ts`) to its end and
 * returns the JSON it printed on its `RESULT ` line.
 */
export async function runTool<T>(script: string, input: unknown, options: { maxMs: number; env?: Record<string, string> }): Promise<T> {
  const child = spawnNode(script, [`bench/children/${script}.ts`, JSON.stringify(input)], { ...options, tsx: true });
  const code = await child.exited;
  const line = child.stdout.find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) throw new Error(`${script} failed (exit ${code})\n${child.tail()}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

/** startTool starts one of the bench's own children and leaves it running (a server, a swarm). */
export function startTool(script: string, input: unknown, options: { maxMs: number; env?: Record<string, string> }): Child {
  return spawnNode(script, [`bench/children/${script}.ts`, JSON.stringify(input)], { ...options, tsx: true });
}

/** rssKb reads a process's resident set size from /proc, in KiB. */
export async function rssKb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}
