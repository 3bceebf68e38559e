// The continuous mode's producer: keeps about `target` jobs pending by creating more through the
// service whenever the count (from the store's counters, as a list page's total) falls below it.
import { openRuntime } from '../../src/runtime/index.js';
import { createJob } from '../../src/service/index.js';
import { childInput, exitWithParent, main, onStdinLine, report } from '../lib/child.js';

interface Input {
  db: string;
  durability: 'full' | 'relaxed';
  key: string;
  target: number;
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(10 * 60_000);
  let stopping = false;
  onStdinLine((line) => {
    if (line === 'stop') stopping = true;
  });
  const runtime = await openRuntime({ db: input.db, durability: input.durability, handlers: 'bench/handlers.mjs' });
  const { deps } = runtime;
  try {
    const apiKey = await deps.store.apiKeyGet({ id: `key_${input.key.split('_')[1]}` });
    if (!apiKey) throw new Error('unknown key');
    const principal = { accountId: apiKey.accountId, apiKeyId: apiKey.id, apiKeyUsed: `key_…${apiKey.last4}` };
    let created = 0;
    let minPending = Number.POSITIVE_INFINITY;
    let ready = false;
    while (!stopping) {
      const { total: pending } = await deps.store.jobList({ accountId: apiKey.accountId, statuses: ['pending'], type: 'bench/noop', limit: 1 });
      if (ready) minPending = Math.min(minPending, pending);
      const missing = input.target - pending;
      if (missing <= 0) {
        if (!ready) {
          ready = true;
          console.log('READY');
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      const n = Math.min(missing, 500);
      await Promise.all(Array.from({ length: n }, () => createJob(deps, principal, { type: 'bench/noop', input: {} })));
      created += n;
    }
    report({ created, minPending });
  } finally {
    await runtime.close();
  }
});
