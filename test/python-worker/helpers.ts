// Python worker test plumbing: whether python3 is here (the suites skip plainly when not), and a
// real `python3` process running a worker script with the library from the checkout.
import { spawnSync } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LongrunProcess, spawnCommand } from '../helpers/processes.js';

const root = new URL('../..', import.meta.url).pathname;

/** PYTHON is the interpreter the tests run (LONGRUN_TEST_PYTHON, else python3 on the PATH). */
export const PYTHON = process.env.LONGRUN_TEST_PYTHON ?? 'python3';

/** pythonSkipReason is why the Python suites cannot run here (no python3, or one older than 3.9), else false. */
export function pythonSkipReason(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import sys; print(sys.version_info[0] * 100 + sys.version_info[1])'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `skipped, because ${PYTHON} was not found (install Python 3.9 or later, or set LONGRUN_TEST_PYTHON)`;
  const version = Number(probe.stdout.trim());
  if (version < 309) return `skipped, because ${PYTHON} is Python ${Math.floor(version / 100)}.${version % 100} and the library needs 3.9 or later`;
  return false;
}

/** CLIENT_DIR is the Python package's folder in the checkout. */
export const CLIENT_DIR = `${root}clients/python`;

/**
 * spawnPythonWorker runs test/python-worker/fixtures/worker.py (or `script`) with the library from
 * the checkout on PYTHONPATH and `env` added; its stdin is a pipe the test writes to.
 */
export function spawnPythonWorker(name: string, env: Record<string, string>, script = `${root}test/python-worker/fixtures/worker.py`): LongrunProcess {
  return spawnCommand(name, PYTHON, ['-u', script], { PYTHONPATH: `${CLIENT_DIR}/src`, PYTHONDONTWRITEBYTECODE: '1', ...env }, { stdin: true });
}

/** within rejects with `what` if `promise` has not settled after `ms`: a bound on a wait for an event, never a pause. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** RecordingProxy forwards every request to a server and remembers what passed, as `METHOD path → status`. */
export interface RecordingProxy {
  url: string;
  /** seen holds one line per answered request, e.g. `POST /v1/worker/jobs/job_…/heartbeat → 409`. */
  seen: string[];
  close(): Promise<void>;
}

/**
 * startRecordingProxy listens on 127.0.0.1 and streams each request to `target` and the answer
 * back, untouched: the tests see which calls a Python worker made (the server's own code paths
 * cannot tell a refused complete from one never sent).
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const seen: string[] = [];
  const upstream = new URL(target);
  const server = createServer((request, response) => {
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        seen.push(`${request.method} ${request.url} → ${answer.statusCode}`);
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    // A worker that goes away (killed mid long-poll) must look gone to the server too, or the
    // server would hand the next job to a claim nobody reads.
    response.on('close', () => {
      if (!response.writableFinished) forwarded.destroy();
    });
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
