// The Python worker library's own unit tests (clients/python/tests, unittest against a fake API
// over real sockets), run from `npm test`, and a check that the package builds and installs
// without network. Where python3 is missing the suite says it was skipped, and why.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCommand } from '../helpers/processes.js';
import { CLIENT_DIR, PYTHON, pythonSkipReason, within } from './helpers.js';

const skip = pythonSkipReason();

/**
 * python runs `python3 args…` to its end and returns its exit code and output. One that has not
 * ended within 2 minutes has hung: it gets SIGABRT, on which faulthandler (`-X faulthandler`)
 * prints every thread's stack, and then SIGKILL, and the failure shows those stacks; nothing is
 * left running to hold up the rest of the run.
 */
async function python(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawnCommand(`${PYTHON} ${args.join(' ')}`, PYTHON, ['-X', 'faulthandler', ...args], { PYTHONDONTWRITEBYTECODE: '1', ...env });
  try {
    const { code } = await within(120_000, child.name, child.exited);
    return { code, output: child.output(200) };
  } catch (error) {
    child.child.kill('SIGABRT');
    await within(5_000, `${child.name} ends on SIGABRT`, child.exited).catch(() => child.child.kill('SIGKILL'));
    throw new Error(`${(error as Error).message}; its threads when it was stopped:\n${child.output(200)}`);
  }
}

/**
 * whyNoBuild says why this Python cannot build the package without network (no setuptools, or one
 * older than 61, which reads no [project] table), else null. `pip install` with network is not
 * held back by either: its isolated build fetches a current setuptools.
 */
async function whyNoBuild(): Promise<string | null> {
  const probe = await python(['-c', 'import setuptools; print("setuptools", setuptools.__version__)']);
  const version = /setuptools (\d+)/.exec(probe.output);
  if (probe.code !== 0 || !version) return `skipped, because ${PYTHON} has no setuptools to build with offline`;
  if (Number(version[1]) < 61) return `skipped, because ${PYTHON} has setuptools ${version[1]}, older than the 61 that reads pyproject.toml's [project]`;
  return null;
}

describe('Python worker library (clients/python)', { skip }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'longrun-python-'));
  let noBuild: string | null = null;
  before(async () => {
    noBuild = await whyNoBuild();
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes its unittest suite', async () => {
    const run = await python(['-m', 'unittest', 'discover', '-s', `${CLIENT_DIR}/tests`, '-v'], { PYTHONPATH: `${CLIENT_DIR}/src:${CLIENT_DIR}/tests` });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /\nOK/, run.output);
  });

  it('builds a source distribution holding the module and its py.typed marker', async (t) => {
    if (noBuild) return t.skip(noBuild);
    // build_sdist needs setuptools alone (a wheel may also need the `wheel` package, below).
    const script = [
      'import os, sys, tarfile',
      `os.chdir(${JSON.stringify(CLIENT_DIR)})`,
      'from setuptools import build_meta',
      `name = build_meta.build_sdist(${JSON.stringify(scratch)})`,
      `print("\\n".join(tarfile.open(os.path.join(${JSON.stringify(scratch)}, name)).getnames()))`,
    ].join('\n');
    const built = await python(['-c', script]);
    assert.equal(built.code, 0, built.output);
    for (const file of ['longrun_worker/__init__.py', 'longrun_worker/worker.py', 'longrun_worker/job.py', 'longrun_worker/py.typed', 'pyproject.toml', 'README.md']) {
      assert.ok(built.output.includes(file), `${file} is in the sdist:\n${built.output}`);
    }
    rmSync(join(CLIENT_DIR, 'src/longrun_worker.egg-info'), { recursive: true, force: true });
  });

  it('installs with pip without network, and the installed module imports', async (t) => {
    if (noBuild) return t.skip(noBuild);
    const target = join(scratch, 'site');
    const install = await python(['-m', 'pip', 'install', '--no-index', '--no-build-isolation', '--target', target, CLIENT_DIR]);
    rmSync(join(CLIENT_DIR, 'build'), { recursive: true, force: true });
    rmSync(join(CLIENT_DIR, 'src/longrun_worker.egg-info'), { recursive: true, force: true });
    if (/No module named pip/.test(install.output)) return t.skip(`skipped, because ${PYTHON} has no pip`);
    if (/invalid command 'bdist_wheel'/.test(install.output)) {
      // setuptools before 70.1 builds wheels only with the `wheel` package; with network, pip fetches both.
      return t.skip(`skipped, because this Python's setuptools cannot build a wheel without the 'wheel' package (setuptools 70.1 or later can)`);
    }
    assert.equal(install.code, 0, install.output);
    const imported = await python(['-c', 'import longrun_worker, sys; print(longrun_worker.__file__); print(longrun_worker.Worker.__doc__ is not None)'], { PYTHONPATH: target });
    assert.equal(imported.code, 0, imported.output);
    assert.match(imported.output, new RegExp(`${target}/longrun_worker/__init__.py`));
  });
});
