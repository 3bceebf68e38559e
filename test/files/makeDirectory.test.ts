// makeDirectory makes missing folders one at a time, so a path the kernel refuses (under /proc)
// is an error at once; Node 20's recursive mkdir never returns there.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeDirectory, makeDirectorySync } from '../../src/files/makeDirectory.js';

describe('makeDirectory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'longrun-mkdir-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a folder and its missing parents, and accepts one that exists', async () => {
    await makeDirectory(join(dir, 'a/b/c'));
    makeDirectorySync(join(dir, 'x/y'));
    await makeDirectory(join(dir, 'a/b/c'));
    makeDirectorySync(join(dir, 'x/y'));
    assert.ok(statSync(join(dir, 'a/b/c')).isDirectory());
    assert.ok(statSync(join(dir, 'x/y')).isDirectory());
  });

  it('throws, naming the folder, where the system refuses one (under /proc)', { timeout: 10_000 }, async () => {
    await assert.rejects(makeDirectory('/proc/longrun-test/files'), /^Error: cannot make the folder \/proc\/longrun-test \(ENOENT\)$/);
    assert.throws(() => makeDirectorySync('/proc/longrun-test'), /^Error: cannot make the folder \/proc\/longrun-test \(ENOENT\)$/);
  });
});
