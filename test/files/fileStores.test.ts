// The file-store contract (contract.ts) on every driver: the local folder, chunks in PostgreSQL
// (small chunks, so every read and write crosses several) and S3 against a local s3rver (a body
// over one part, so writes go through multipart uploads). PostgreSQL needs
// LONGRUN_TEST_POSTGRES_URL; without it that suite says it was skipped.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { newId } from '../../src/domain/index.js';
import { LocalFileStore, MIN_PART_BYTES, S3FileStore } from '../../src/files/index.js';
import { makeJob } from '../helpers/factories.js';
import { postgresFixtures } from '../helpers/postgres.js';
import { type LocalS3, startLocalS3 } from '../helpers/s3Server.js';
import { describeFileStoreContract } from './contract.js';

describeFileStoreContract('local', async () => {
  const root = await mkdtemp(join(tmpdir(), 'longrun-files-contract-'));
  return {
    files: new LocalFileStore(root),
    newJobId: async () => newId('job'),
    // Every entry in the job's folder: files, type notes and temporaries alike.
    held: async (jobId) => (await readdir(join(root, jobId)).catch(() => [])).length,
    bigBytes: 200_000,
    inFlight: {
      // The temporary file an unfinished write fills (a dot name), by its size on disk.
      bytes: async (jobId) => {
        const names = (await readdir(join(root, jobId)).catch(() => [])).filter((name) => name.endsWith('.tmp'));
        return (await Promise.all(names.map(async (name) => (await stat(join(root, jobId, name))).size))).reduce((a, b) => a + b, 0);
      },
      unitBytes: 1000,
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
});

const url = process.env.LONGRUN_TEST_POSTGRES_URL;
const pg = postgresFixtures(url);
after(() => pg.dropContractSchema());
describeFileStoreContract(
  'postgres',
  async () => {
    const store = await pg.openFresh();
    const chunkBytes = 4096;
    return {
      files: store.databaseFiles({ chunkBytes }),
      newJobId: async () => (await makeJob(store)).id,
      // Chunks are what a file is made of; a chunk no file points at is a leftover.
      held: async (jobId) => Number((await store.pool.query('SELECT count(*) AS n FROM job_file_chunks WHERE job_id = $1', [jobId])).rows[0].n),
      bigBytes: chunkBytes * 12 + 5,
      inFlight: {
        bytes: async (jobId) => Number((await store.pool.query('SELECT coalesce(sum(length(data)), 0) AS n FROM job_file_chunks WHERE job_id = $1', [jobId])).rows[0].n),
        unitBytes: chunkBytes,
      },
      close: () => store.close(),
    };
  },
  url ? {} : { skip: 'LONGRUN_TEST_POSTGRES_URL is not set' },
);

let s3: LocalS3;
before(async () => {
  s3 = await startLocalS3();
});
after(() => s3?.stop());
describeFileStoreContract('s3', async () => {
  // Each test keeps its files under a prefix of its own, so counts see only its objects.
  const prefix = `t${newId('job').slice(4).toLowerCase()}/`;
  const settings = { ...s3.settings, prefix };
  const files = new S3FileStore(settings);
  return {
    files,
    newJobId: async () => newId('job'),
    held: async (jobId) => {
      const list = await fetch(`${settings.endpoint}/${settings.bucket}?list-type=2&prefix=${prefix}${jobId}/`);
      return [...(await list.text()).matchAll(/<Key>/g)].length;
    },
    bigBytes: MIN_PART_BYTES + 1000,
    close: () => files.deleteJobFiles(newId('job')),
  };
});
