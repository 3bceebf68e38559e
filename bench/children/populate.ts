// Pre-inserts pending jobs through the service's createJob (what a POST runs), in concurrent
// batches so the store's group commit applies. Makes the account on a fresh store.
import { openRuntime } from '../../src/runtime/index.js';
import { createJob, ensureDefaultAccount } from '../../src/service/index.js';
import { childInput, exitWithParent, main, report } from '../lib/child.js';

interface Input {
  db: string;
  durability: 'full' | 'relaxed';
  count: number;
  type: string;
  priority?: number;
  key?: string;
}

main(async () => {
  exitWithParent(20 * 60_000);
  const input = childInput<Input>();
  const runtime = await openRuntime({ db: input.db, durability: input.durability, handlers: 'bench/handlers.mjs' });
  const { deps } = runtime;
  try {
    let key = input.key;
    if (!key) {
      const created = await ensureDefaultAccount(deps, { adminKeyConfigured: false });
      if (!created) throw new Error('the store already has accounts; pass the key of one');
      key = created.apiKey.key;
    }
    const keyId = `key_${key.split('_')[1]}`;
    const apiKey = await deps.store.apiKeyGet({ id: keyId });
    if (!apiKey) throw new Error(`no key ${keyId}`);
    const principal = { accountId: apiKey.accountId, apiKeyId: apiKey.id, apiKeyUsed: `key_…${apiKey.last4}` };
    const started = performance.now();
    const batch = deps.store.driver === 'sqlite' ? 1000 : 200;
    const sampleEvery = Math.max(1, Math.floor(input.count / 200));
    const sampleIds: string[] = [];
    for (let done = 0; done < input.count; ) {
      const size = Math.min(batch, input.count - done);
      const jobs = await Promise.all(
        Array.from({ length: size }, (_, i) =>
          createJob(deps, principal, { type: input.type, input: { n: done + i }, priority: input.priority ?? 0 }),
        ),
      );
      for (let i = 0; i < jobs.length; i++) if ((done + i) % sampleEvery === 0) sampleIds.push(jobs[i]!.job.id);
      done += size;
    }
    const seconds = (performance.now() - started) / 1000;
    report({ accountId: apiKey.accountId, key, inserted: input.count, perSec: input.count / seconds, sampleIds });
  } finally {
    await runtime.close();
  }
});
