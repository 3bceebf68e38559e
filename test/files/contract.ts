// The file-store contract: every driver (local folder, PostgreSQL chunks, S3) passes this suite
// unchanged. A harness says how to make a job the store may keep files for and how to count what
// the driver really holds for a job (files, temporaries, chunks, objects), so "leaves nothing
// behind" is checked on the driver's own storage, not only through its interface.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { InvalidRequestError } from '../../src/domain/index.js';
import { type FileRange, type FileStore, FileTooLargeError, InvalidFileNameError } from '../../src/files/index.js';

/** FileStoreHarness is one driver under test. */
export interface FileStoreHarness {
  files: FileStore;
  /** newJobId makes a job whose files the store may keep (a row, where the driver needs one). */
  newJobId(): Promise<string>;
  /** held counts what the driver holds for the job: files plus any temporary, chunk or part. */
  held(jobId: string): Promise<number>;
  /** bigBytes is a size that spans several of the driver's chunks or parts. */
  bigBytes: number;
  /**
   * inFlight, where the driver's storage shows a write in progress, counts the bytes it has
   * stored so far for the job (a temporary file, chunk rows), and `unitBytes` is the most it may
   * hold back (one chunk). S3 keeps the parts of an upload out of sight until it completes.
   */
  inFlight?: { bytes(jobId: string): Promise<number>; unitBytes: number };
}

/** OpenHarness opens one harness per test; its close runs after the test. */
export type OpenHarness = () => Promise<FileStoreHarness & { close(): Promise<void> }>;

/** bytesOf reads a stream to its end. */
export async function bytesOf(stream: Readable | null): Promise<Buffer> {
  assert.ok(stream, 'expected a file, got null');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** pattern is `size` bytes that differ from one offset to the next, so a misplaced slice shows. */
export function pattern(size: number, seed = 0): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return out;
}

/** pieces streams `data` in uneven pieces (7, 1000, 13, … bytes), as a socket would. */
async function* pieces(data: Buffer, fail?: Error): AsyncGenerator<Uint8Array> {
  const sizes = [7, 1000, 13, 65_536, 1];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield data.subarray(at, at + size);
    at += size;
  }
  if (fail) throw fail;
}

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** describeFileStoreContract runs the contract against the harnesses `open` makes. */
export function describeFileStoreContract(name: string, open: OpenHarness, options: { skip?: string } = {}): void {
  describe(`file store contract: ${name}`, options.skip ? { skip: options.skip } : {}, () => {
    const test = (title: string, body: (h: FileStoreHarness) => Promise<void>) =>
      it(title, async (t) => {
        const harness = await open();
        t.after(() => harness.close());
        await body(harness);
      });

    test('stores a file whole, describes it and replaces it on a second write', async ({ files, newJobId }) => {
      const jobId = await newJobId();
      assert.deepEqual(await files.filePut({ jobId, name: 'a.pdf', data: Buffer.from('first') }), { name: 'a.pdf', contentType: 'application/pdf', size: 5 });
      assert.deepEqual(await files.fileStat({ jobId, name: 'a.pdf' }), { name: 'a.pdf', contentType: 'application/pdf', size: 5 });
      await files.filePut({ jobId, name: 'a.pdf', data: Buffer.from('second!') });
      assert.equal((await bytesOf(await files.fileRead({ jobId, name: 'a.pdf' }))).toString(), 'second!');
      assert.equal((await files.fileStat({ jobId, name: 'a.pdf' }))?.size, 7);
    });

    test('streams a body larger than its chunks in and out unchanged, and keeps no more than the file', async ({ files, newJobId, held, bigBytes }) => {
      const jobId = await newJobId();
      const data = pattern(bigBytes, 1);
      const stored = await files.fileWrite({ jobId, name: 'video.mp4', body: pieces(data) });
      assert.deepEqual(stored, { name: 'video.mp4', contentType: 'application/octet-stream', size: bigBytes });
      assert.equal(sha(await bytesOf(await files.fileRead({ jobId, name: 'video.mp4' }))), sha(data));
      const before = await held(jobId);
      await files.fileWrite({ jobId, name: 'video.mp4', body: pieces(pattern(bigBytes, 2)) });
      assert.equal(await held(jobId), before, 'the replaced file left nothing behind');
    });

    test('stores the body as it arrives, holding back at most one chunk of it', async ({ files, newJobId, inFlight, bigBytes }) => {
      if (!inFlight) return; // the driver's storage does not show a write in progress
      const jobId = await newJobId();
      const data = pattern(bigBytes * 4, 4);
      let given = 0;
      const checks: number[] = [];
      async function* body(): AsyncGenerator<Uint8Array> {
        for (let at = 0; at < data.length; at += 1000) {
          // Asked for more: what was given before must be stored by now, but for one chunk.
          if (given >= inFlight!.unitBytes) {
            const stored = await inFlight!.bytes(jobId);
            assert.ok(stored >= given - inFlight!.unitBytes, `${stored} bytes stored after ${given} were given`);
            checks.push(stored);
          }
          const piece = data.subarray(at, at + 1000);
          given += piece.length;
          yield piece;
        }
      }
      await files.fileWrite({ jobId, name: 'stream.bin', body: body() });
      assert.ok(checks.some((stored) => stored > 0), 'the store wrote before the body ended');
      assert.ok(checks.length > 3);
    });

    test('serves byte ranges: inside one chunk, across chunks, the last byte and the whole', async ({ files, newJobId, bigBytes }) => {
      const jobId = await newJobId();
      const data = pattern(bigBytes, 3);
      await files.fileWrite({ jobId, name: 'r.bin', body: pieces(data) });
      const ranges: FileRange[] = [
        { start: 0, end: 0 },
        { start: 3, end: 9 },
        { start: 5, end: bigBytes - 6 },
        { start: Math.floor(bigBytes / 2) - 3, end: Math.floor(bigBytes / 2) + 3 },
        { start: bigBytes - 1, end: bigBytes - 1 },
        { start: 0, end: bigBytes - 1 },
      ];
      for (const range of ranges) {
        const got = await bytesOf(await files.fileRead({ jobId, name: 'r.bin', range }));
        assert.ok(got.equals(data.subarray(range.start, range.end + 1)), `range ${range.start}-${range.end}`);
      }
    });

    test('stores an empty file', async ({ files, newJobId }) => {
      const jobId = await newJobId();
      assert.equal((await files.fileWrite({ jobId, name: 'empty.txt', body: pieces(Buffer.alloc(0)) })).size, 0);
      assert.equal((await files.fileStat({ jobId, name: 'empty.txt' }))?.size, 0);
      assert.equal((await bytesOf(await files.fileRead({ jobId, name: 'empty.txt' }))).length, 0);
    });

    test('keeps the content type it is given, and refuses one that is not a media type', async ({ files, newJobId }) => {
      const jobId = await newJobId();
      await files.fileWrite({ jobId, name: 'out.bin', body: Buffer.from('{}'), contentType: 'application/json' });
      assert.equal((await files.fileStat({ jobId, name: 'out.bin' }))?.contentType, 'application/json');
      await files.fileWrite({ jobId, name: 'out.bin', body: Buffer.from('x') });
      assert.equal((await files.fileStat({ jobId, name: 'out.bin' }))?.contentType, 'application/octet-stream', 'a rewrite without a type takes the extension\'s');
      for (const bad of ['text', 'text/plain\r\nX-Evil: 1', '/x', 'a/b'.repeat(100)]) {
        await assert.rejects(files.fileWrite({ jobId, name: 'bad.txt', body: Buffer.from('x'), contentType: bad }), InvalidRequestError, bad);
      }
      assert.equal(await files.fileStat({ jobId, name: 'bad.txt' }), null);
    });

    test('stops a body over maxBytes with FileTooLargeError and keeps nothing of it', async ({ files, newJobId, held, bigBytes }) => {
      const jobId = await newJobId();
      const error = await files.fileWrite({ jobId, name: 'big.bin', body: pieces(pattern(bigBytes)), maxBytes: bigBytes - 1 }).catch((e: unknown) => e);
      assert.ok(error instanceof FileTooLargeError, String(error));
      assert.equal(error.status, 413);
      assert.equal(error.code, 'payload_too_large');
      assert.equal(await files.fileStat({ jobId, name: 'big.bin' }), null);
      assert.equal(await held(jobId), 0, 'nothing of the refused body is kept');
      // Exactly the limit is allowed.
      assert.equal((await files.fileWrite({ jobId, name: 'big.bin', body: pieces(pattern(bigBytes)), maxBytes: bigBytes })).size, bigBytes);
    });

    test('a body that fails or passes its limit leaves the earlier file of that name as it was', async ({ files, newJobId, held, bigBytes }) => {
      const jobId = await newJobId();
      await files.filePut({ jobId, name: 'keep.txt', data: Buffer.from('the original') });
      const before = await held(jobId);
      await assert.rejects(files.fileWrite({ jobId, name: 'keep.txt', body: pieces(pattern(bigBytes), new Error('socket closed')) }), /socket closed/);
      await assert.rejects(files.fileWrite({ jobId, name: 'keep.txt', body: pieces(pattern(bigBytes)), maxBytes: 10 }), FileTooLargeError);
      assert.equal((await bytesOf(await files.fileRead({ jobId, name: 'keep.txt' }))).toString(), 'the original');
      assert.equal(await held(jobId), before, 'the failed bodies left nothing behind');
    });

    test('answers null for a missing file and deletes a job\'s files together, no one else\'s', async ({ files, newJobId, held }) => {
      const jobId = await newJobId();
      const other = await newJobId();
      assert.equal(await files.fileStat({ jobId, name: 'none.png' }), null);
      assert.equal(await files.fileRead({ jobId, name: 'none.png' }), null);
      await files.filePut({ jobId, name: 'a.png', data: Buffer.from('x') });
      await files.filePut({ jobId, name: 'b.png', data: Buffer.from('y') });
      await files.filePut({ jobId: other, name: 'a.png', data: Buffer.from('z') });
      await files.deleteJobFiles(jobId);
      assert.equal(await files.fileStat({ jobId, name: 'a.png' }), null);
      assert.equal(await files.fileStat({ jobId, name: 'b.png' }), null);
      assert.equal(await held(jobId), 0);
      assert.equal((await bytesOf(await files.fileRead({ jobId: other, name: 'a.png' }))).toString(), 'z');
      await files.deleteJobFiles(jobId); // again: not an error
    });

    test('refuses names and ids that could leave their place', async ({ files, newJobId }) => {
      const jobId = await newJobId();
      for (const name of ['../x', '..', '.hidden', 'a/b', 'a\\b', '', 'x'.repeat(200), 'a..b', 'a?b', 'a%2Fb']) {
        await assert.rejects(files.filePut({ jobId, name, data: Buffer.from('x') }), InvalidFileNameError, name);
      }
      await assert.rejects(files.fileStat({ jobId: '../job', name: 'a.pdf' }), InvalidFileNameError);
      await assert.rejects(files.deleteJobFiles('job_/../../x'), InvalidFileNameError);
    });
  });
}
