// Child-process plumbing for tests that run the real CLI: spawn `longrun …` through tsx from the
// checkout, wait for a line it prints (an event, never a timer), kill it and wait for its exit, and
// find which TCP connections it holds (so a test can cut exactly its database sessions).
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';

const root = new URL('../..', import.meta.url).pathname;

/** LongrunProcess is one running `longrun …` child and what it has printed so far. */
export interface LongrunProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** stdout holds every line printed on stdout so far. */
  stdout: string[];
  /** stderr holds every line printed on stderr so far. */
  stderr: string[];
  /** exited settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * waitForLine resolves with the match of the first stdout line (already printed or still to come)
   * that matches `pattern`; rejects, with the output so far, if the process exits first.
   */
  waitForLine(pattern: RegExp): Promise<RegExpExecArray>;
  /** kill sends `signal` (SIGKILL by default) unless it has exited, and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** output is the last lines of stdout and stderr, for failure messages. */
  output(lines?: number): string;
}

/**
 * spawnLongrun starts `node --import tsx src/cli/index.ts <args>` in the checkout, as an operator
 * would run `longrun`, with `env` added to this process's environment.
 */
export function spawnLongrun(name: string, args: string[], env: Record<string, string> = {}): LongrunProcess {
  return spawnTsx(name, ['src/cli/index.ts', ...args], env);
}

/**
 * spawnTsx starts `node --import tsx <args>` in the checkout with `env` added to this process's
 * environment; with `stdin: true` the test can write to the child's standard input.
 */
export function spawnTsx(name: string, args: string[], env: Record<string, string> = {}, p: { stdin?: boolean } = {}): LongrunProcess {
  return spawnCommand(name, process.execPath, ['--import', 'tsx', ...args], env, p);
}

/**
 * spawnCommand starts any program (`python3 worker.py`, say) in the checkout with `env` added to
 * this process's environment, watched like a `longrun` child; `stdin: true` as for spawnTsx.
 */
export function spawnCommand(name: string, command: string, args: string[], env: Record<string, string> = {}, p: { stdin?: boolean } = {}): LongrunProcess {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: [p.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: the process did not start`);
  const lines = new EventEmitter();
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout.push(line);
    lines.emit('line', line);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  let exitedNow = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedNow = true;
      lines.emit('exit');
      resolve({ code, signal });
    });
  });

  const output = (n = 40) =>
    [`--- ${name} stdout (last ${n} lines)`, ...stdout.slice(-n), `--- ${name} stderr (last ${n} lines)`, ...stderr.slice(-n)].join('\n');

  const waitForLine = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      for (const line of stdout) {
        const match = pattern.exec(line);
        if (match) return resolve(match);
      }
      if (exitedNow) return reject(new Error(`${name} exited before printing ${pattern}\n${output()}`));
      const onLine = (line: string) => {
        const match = pattern.exec(line);
        if (!match) return;
        stop();
        resolve(match);
      };
      const onExit = () => {
        stop();
        // The exit can overtake the last lines in the pipe; give them one turn to arrive.
        setImmediate(() => reject(new Error(`${name} exited before printing ${pattern}\n${output()}`)));
      };
      const stop = () => {
        lines.off('line', onLine);
        lines.off('exit', onExit);
      };
      lines.on('line', onLine);
      lines.on('exit', onExit);
    });

  return {
    name,
    child,
    pid: child.pid,
    stdout,
    stderr,
    exited,
    waitForLine,
    output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (exitedNow) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** runLongrun runs `longrun <args>` to its end and returns its exit code and output. */
export async function runLongrun(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnLongrun(`longrun ${args.join(' ')}`, args, env);
  const { code } = await child.exited;
  return { code, stdout: child.stdout.join('\n'), stderr: child.stderr.join('\n') };
}

/**
 * tcpLocalPorts lists the local ports of the TCP sockets process `pid` holds open (Linux: its
 * socket inodes under /proc/<pid>/fd, matched in /proc/net/tcp{,6}). A PostgreSQL backend's
 * `pg_stat_activity.client_port` is one of these exactly when the process holds that session.
 */
export function tcpLocalPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed while we looked
    }
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      const port = Number.parseInt(fields[1]!.split(':')[1]!, 16);
      if (Number.isInteger(port)) ports.push(port);
    }
  }
  return ports;
}
