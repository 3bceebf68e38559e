/**
 * The encoder: which ffmpeg this process runs, and one run of it bounded by the job. ffmpeg runs in
 * a process group of its own, so killing the group (cancel, the job's timeout, shutdown: the
 * attempt's signal) leaves nothing of it behind; its progress comes from its own `-progress`
 * report, not from guessing.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { JobFailure } from '../define.js';

/** FfmpegFound is the encoder a process runs, and where it came from. */
export type FfmpegFound = { path: string; origin: 'system' | 'npm' | 'configured' };

/** FFMPEG_PACKAGE is the optional npm package whose static ffmpeg is used when the system has none. */
export const FFMPEG_PACKAGE = '@ffmpeg-installer/linux-x64';

/**
 * findFfmpeg picks the encoder: `configured` when given (a path, or `false` for none), else an
 * `ffmpeg` on `searchPath` (Debian's, `apt-get install ffmpeg`), else the static binary inside the
 * optional npm package FFMPEG_PACKAGE. Returns why not when there is none.
 */
export function findFfmpeg(p: { configured?: string | false; searchPath?: string }): FfmpegFound | { path: null; reason: string } {
  if (p.configured === false) return { path: null, reason: 'ffmpeg is turned off in this process\'s configuration' };
  if (p.configured !== undefined) {
    return isExecutable(p.configured) ? { path: p.configured, origin: 'configured' } : { path: null, reason: `the configured ffmpeg ${p.configured} is not an executable file` };
  }
  for (const dir of (p.searchPath ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, 'ffmpeg'))) return { path: join(dir, 'ffmpeg'), origin: 'system' };
  }
  const bundled = bundledFfmpeg();
  if (bundled && isExecutable(bundled)) return { path: bundled, origin: 'npm' };
  return {
    path: null,
    reason: `no ffmpeg: none on PATH (Debian: apt-get install ffmpeg) and the optional npm package ${FFMPEG_PACKAGE} (Linux x64 only) is not installed`,
  };
}

function bundledFfmpeg(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve(`${FFMPEG_PACKAGE}/package.json`)), 'ffmpeg');
  } catch {
    return null;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** FfmpegRun is one run of ffmpeg: its arguments, the attempt's signal, and who hears of its progress. */
export interface FfmpegRun {
  path: string;
  args: string[];
  signal: AbortSignal;
  /** onProgress hears the output's time so far, in ms, from each `-progress` report (about twice a second). */
  onProgress(outMs: number): void;
  /** onStart hears ffmpeg's pid as soon as it runs (its process group has the same id). */
  onStart?(pid: number): void;
}

const STDERR_KEPT = 4096;

/**
 * runFfmpeg runs ffmpeg to its end. It resolves when ffmpeg exits 0; an abort of `signal` kills
 * ffmpeg's whole process group at once and rejects with the signal's reason, and only after ffmpeg
 * is gone, so nothing of an attempt outlives it. Any other end fails with `encode_failed`
 * (retryable: a machine short of memory may do better next time) and ffmpeg's last words.
 */
export function runFfmpeg(run: FfmpegRun): Promise<void> {
  if (run.signal.aborted) return Promise.reject(run.signal.reason);
  return new Promise((resolve, reject) => {
    // detached: ffmpeg leads a process group of its own, which one kill ends whole.
    const child = spawn(run.path, run.args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let report = '';
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    run.signal.addEventListener('abort', kill, { once: true });
    child.once('spawn', () => child.pid !== undefined && run.onStart?.(child.pid));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      report += text;
      const lines = report.split('\n');
      report = lines.pop()!;
      for (const line of lines) {
        // out_time_ms is in microseconds, despite its name; newer ffmpeg also writes out_time_us.
        const match = /^out_time_(?:ms|us)=(\d+)$/.exec(line.trim());
        if (match) run.onProgress(Number(match[1]) / 1000);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_KEPT);
    });
    child.once('error', (error) => {
      run.signal.removeEventListener('abort', kill);
      reject(new JobFailure('encode_failed', `ffmpeg (${run.path}) could not be started: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      run.signal.removeEventListener('abort', kill);
      if (run.signal.aborted) return reject(run.signal.reason);
      if (code === 0) return resolve();
      const last = stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
      reject(new JobFailure('encode_failed', `ffmpeg ended with ${code !== null ? `exit code ${code}` : signal}: ${last || 'no message'}`));
    });
  });
}
