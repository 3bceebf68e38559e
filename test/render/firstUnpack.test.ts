// The npm package's Chromium is unpacked into the temp dir on the first render. Two processes
// (two workers, or a worker beside the server) that start their first render together on an
// empty temp dir must both render: the unpack is shared and atomic, so neither runs a file the
// other is still writing (that was `spawn ETXTBSY`, and the job failed for good). A staging
// directory left by a process killed mid-unpack is removed by the next one.
import assert from 'node:assert/strict';
import { existsSync, watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { unpackBundledChromium } from '../../src/jobtypes/render/bundledChromium.js';
import { type LongrunProcess, spawnTsx } from '../helpers/processes.js';

const started: LongrunProcess[] = [];
const dirs: string[] = [];
let unpacked: string | undefined;
after(async () => {
  await Promise.all(started.map((child) => child.kill()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the first unpack of the bundled Chromium', { skip: process.env.LONGRUN_CHROMIUM ? 'LONGRUN_CHROMIUM is set' : false }, () => {
  it('lets two processes that start their first render together on an empty temp dir both render', async () => {
    const temp = await mkdtemp(join(tmpdir(), 'longrun-first-unpack-'));
    dirs.push(temp);
    const children = ['first', 'second'].map((name) => spawnTsx(name, ['test/helpers/firstRender.ts'], { TMPDIR: temp }, { stdin: true }));
    started.push(...children);
    await Promise.all(children.map((child) => child.waitForLine(/^ready$/)));
    // The second starts once the first has begun to unpack: the moment the race is widest (it
    // finds files on disk that are still being written).
    const unpacking = waitForEntry(temp, /chromium/);
    children[0]!.child.stdin!.write('go\n');
    await unpacking;
    children[1]!.child.stdin!.write('go\n');
    const results = await Promise.all(children.map(async (child) => JSON.parse((await child.waitForLine(/^result (.*)$/))[1]!)));
    assert.deepEqual(results, [{ ok: true, pages: 1 }, { ok: true, pages: 1 }]);
    await Promise.all(children.map((child) => child.exited));
    // One unpacked browser is left, and no half-written copy beside it.
    const left = (await readdir(temp)).filter((name) => name.includes('chromium'));
    assert.equal(left.length, 1, `the temp dir holds ${left.join(', ')}`);
    unpacked = join(temp, left[0]!);
  });

  it('removes the staging directory of a process killed mid-unpack, and leaves a live one alone', async () => {
    assert.ok(unpacked, 'the test above unpacked a browser');
    const [stale, live] = [`${unpacked}.partial-killed`, `${unpacked}.partial-live`];
    for (const dir of [stale, live]) await mkdir(dir);
    await writeFile(join(stale, 'chromium'), 'half of it');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(stale, hourAgo, hourAgo);
    const bundled = await unpackBundledChromium(dirname(unpacked));
    assert.equal(bundled.executablePath, join(unpacked, 'chromium'));
    assert.equal(existsSync(stale), false, 'the stale staging directory is gone');
    assert.equal(existsSync(live), true, 'a recent one may be a live unpack and stays');
  });
});

/** waitForEntry resolves once `dir` holds an entry whose name matches `pattern` (an fs event, no polling). */
async function waitForEntry(dir: string, pattern: RegExp): Promise<void> {
  await new Promise<void>((resolve) => {
    const watcher = watch(dir, (_event, name) => {
      if (name && pattern.test(name)) {
        watcher.close();
        resolve();
      }
    });
    // An entry made before the watch began is on disk already.
    readdir(dir).then((names) => {
      if (names.some((name) => pattern.test(name))) {
        watcher.close();
        resolve();
      }
    });
  });
}
