// Contract: databaseFiles. A store that many machines share (capabilities.sharedClock) keeps jobs'
// files in its database for them, and a store on one machine has none (null: files stay in a
// folder). Files kept in the database go with their job however it is deleted, by its owner
// (jobPurge) or by retention (jobDelete), even when no one called deleteJobFiles first; the file
// store's own behaviour is the file-store contract's (test/files/contract.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

export function describeFiles(open: OpenStore): void {
  describe('databaseFiles', () => {
    const store = useFreshStore(open);

    it('is offered exactly by a store many machines share', () => {
      assert.equal(store().databaseFiles() !== null, store().capabilities.sharedClock);
    });

    it('keeps files that go with their job, whether its owner purges it or retention deletes it', async () => {
      const files = store().databaseFiles({ chunkBytes: 3 });
      if (!files) return; // a store on one machine: the case above checked it offers none
      const purged = await makeJob(store(), { status: 'completed', completedAt: at(10) });
      const expired = await makeJob(store(), { status: 'completed', completedAt: at(10) });
      const kept = await makeJob(store(), { status: 'completed', completedAt: at(10) });
      for (const job of [purged, expired, kept]) await files.filePut({ jobId: job.id, name: 'out.txt', data: Buffer.from('ten bytes!') });

      await store().jobPurge({ id: purged.id, accountId: purged.accountId });
      await store().jobDelete({ ids: [expired.id], finishedBefore: at(86_400_000) });
      assert.equal(await files.fileStat({ jobId: purged.id, name: 'out.txt' }), null);
      assert.equal(await files.fileStat({ jobId: expired.id, name: 'out.txt' }), null);
      assert.equal((await files.fileStat({ jobId: kept.id, name: 'out.txt' }))?.size, 10);
    });

    it('refuses a file for a job that does not exist, keeping nothing', async () => {
      const files = store().databaseFiles();
      if (!files) return;
      await assert.rejects(files.filePut({ jobId: 'job_01J0000000000000000000000Z', name: 'a.txt', data: Buffer.from('x') }), { status: 404 });
      assert.equal(await files.fileStat({ jobId: 'job_01J0000000000000000000000Z', name: 'a.txt' }), null);
    });
  });
}
