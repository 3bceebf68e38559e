// Python worker test plumbing: whether python3 is here (the suites skip plainly when not), and a
// real `python3` process running a worker script with the library from the checkout.
import { spawnSync } from 'node:child_process';
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
