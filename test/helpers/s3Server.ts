// A local S3-compatible server for the tests: s3rver (npm) on 127.0.0.1 and a free port, with
// its data in a temporary folder, and one bucket made at start. s3rver does not verify
// signatures (test/files/sigv4.test.ts checks the signer against AWS's own vectors instead).
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Settings } from '../../src/files/index.js';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

/** LocalS3 is a running s3rver: the settings that reach its bucket, and stop. */
export interface LocalS3 {
  settings: S3Settings;
  /** stop closes the server and removes its data. */
  stop(): Promise<void>;
}

/** startLocalS3 starts s3rver with the bucket `bucket`; call stop() after. */
export async function startLocalS3(bucket = 'longrun-test'): Promise<LocalS3> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const directory = await mkdtemp(join(tmpdir(), 'longrun-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    settings: {
      endpoint: `http://127.0.0.1:${port}`,
      bucket,
      region: 'us-east-1',
      // s3rver's documented default credentials (it does not check them).
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      pathStyle: true,
    },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
