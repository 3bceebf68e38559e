// A worker process for the concurrency-cap test (capConcurrency.test.ts): opens a PostgresStore on
// the test's schema, prints `ready`, waits for `go` on its standard input, then claims, holds each
// job for a random but bounded number of event-loop turns and completes it, printing
// `completed <id>` for each, until `stop` arrives. It runs no handler: the store is what is tested.
// Input: one JSON argument {url, schema, workerId, types, limit, maxHoldTurns}.
import { createInterface } from 'node:readline';
import type { Job } from '../../src/domain/index.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { webhookDeliveries } from '../helpers/store.js';

interface Input {
  url: string;
  schema: string;
  workerId: string;
  types: string[];
  limit: number;
  maxHoldTurns: number;
}

const input = JSON.parse(process.argv[2]!) as Input;
const store = await openPostgres(input.url, { schema: input.schema, webhookDeliveries });
const lines = createInterface({ input: process.stdin });
let stopping = false;
const go = new Promise<void>((resolve) =>
  lines.on('line', (line) => {
    if (line === 'go') resolve();
    if (line === 'stop') stopping = true;
  }),
);
console.log('ready');
await go;

/** turns yields to the event loop `n` times: the job stays running while other work goes on. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** hold keeps one claimed job running for a while, then completes it under its lease. */
async function hold(job: Job): Promise<void> {
  await turns(Math.floor(Math.random() * (input.maxHoldTurns + 1)));
  await store.jobComplete({ id: job.id, leaseToken: job.leaseToken!, now: new Date(), output: null, size: 0, processTime: 1 });
  console.log(`completed ${job.id}`);
}

while (!stopping) {
  const claimed = await store.jobClaim({ workerId: input.workerId, types: input.types, now: new Date(), leaseMs: 600_000, limit: input.limit });
  // Nothing to take (all done, or every account left at its cap): let `stop` and others' completes in.
  if (claimed.length === 0) await turns(1);
  await Promise.all(claimed.map(hold));
}
lines.close();
await store.close();
