// openJobFile, the use case behind a file download: it takes the byte range asked for (the HTTP
// layer reads the Range header) and resolves it against the file's size.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Job, NotFoundError, RangeNotSatisfiableError } from '../../src/domain/index.js';
import { LocalFileStore } from '../../src/files/index.js';
import { JobTypeRegistry } from '../../src/jobtypes/index.js';
import { type ByteRangeRequest, type Principal, type ServiceDeps, openJobFile } from '../../src/service/index.js';
import { makeAccount, makeJob } from '../helpers/factories.js';
import { memoryDeps } from '../helpers/deps.js';

const TEXT = '0123456789';

describe('openJobFile', () => {
  let dir: string;
  let deps: ServiceDeps;
  let job: Job;
  let owner: Principal;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'longrun-openjobfile-test-'));
    deps = memoryDeps({
      registry: new JobTypeRegistry([]),
      files: new LocalFileStore(dir),
    });
    job = await makeJob(deps.store, { status: 'completed' });
    owner = { accountId: job.accountId, apiKeyId: null, apiKeyUsed: null };
    await deps.files!.filePut({ jobId: job.id, name: 'digits.txt', data: Buffer.from(TEXT) });
  });
  after(async () => {
    await deps.store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const open = (range: ByteRangeRequest | null) => openJobFile(deps, owner, { jobId: job.id, name: 'digits.txt', range });
  async function text(body: NodeJS.ReadableStream | null): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of body!) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  }

  it('sends the whole file without a range', async () => {
    const download = await open(null);
    assert.deepEqual([download.file.size, download.range, await text(download.body)], [10, null, TEXT]);
  });

  it('resolves start-end, start- and -suffix against the size, clamping to the last byte', async () => {
    for (const [asked, range, bytes] of [
      [{ start: 1, end: 4 }, { start: 1, end: 4 }, '1234'],
      [{ start: 7, end: null }, { start: 7, end: 9 }, '789'],
      [{ start: 8, end: 99 }, { start: 8, end: 9 }, '89'],
      [{ suffix: 3 }, { start: 7, end: 9 }, '789'],
      [{ suffix: 50 }, { start: 0, end: 9 }, TEXT],
    ] as const) {
      const download = await open(asked);
      assert.deepEqual(download.range, range, JSON.stringify(asked));
      assert.equal(await text(download.body), bytes, JSON.stringify(asked));
    }
  });

  it('refuses a range that starts past the end, or an empty suffix, naming the size', async () => {
    for (const asked of [{ start: 10, end: null }, { suffix: 0 }]) {
      await assert.rejects(open(asked), (error: unknown) => {
        assert.ok(error instanceof RangeNotSatisfiableError, JSON.stringify(asked));
        assert.equal(error.size, 10);
        return true;
      });
    }
  });

  it('answers the facts without the bytes when asked for metadata only', async () => {
    const download = await openJobFile(deps, owner, { jobId: job.id, name: 'digits.txt', range: { start: 2, end: 3 }, metadataOnly: true });
    assert.deepEqual([download.file.name, download.range, download.body], ['digits.txt', { start: 2, end: 3 }, null]);
  });

  it("does not show another account's file", async () => {
    const stranger = await makeAccount(deps.store);
    const other = { accountId: stranger.id, apiKeyId: null, apiKeyUsed: null };
    await assert.rejects(openJobFile(deps, other, { jobId: job.id, name: 'digits.txt' }), NotFoundError);
  });
});
