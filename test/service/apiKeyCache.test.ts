// The cache of verified API keys: a known key is authenticated without a store read, and a key
// leaves the cache when it is revoked here, announced revoked from elsewhere, or when anything may
// have changed unheard. Counts store reads through a wrapper on the real (in-memory SQLite) store.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { UnauthorizedError } from '../../src/domain/index.js';
import { ApiKeyCache, type ServiceDeps, authenticate, createAccount, createApiKey, revokeApiKey } from '../../src/service/index.js';
import { memoryDeps } from '../helpers/deps.js';

describe('ApiKeyCache', () => {
  let deps: ServiceDeps | undefined;
  afterEach(async () => deps?.store.close());

  /** setup gives deps with a cache and a count of the store's key reads. */
  const setup = (max?: number) => {
    const base = memoryDeps();
    const reads = { count: 0 };
    const read = base.store.apiKeyGet.bind(base.store);
    base.store.apiKeyGet = (p) => (reads.count++, read(p));
    deps = { ...base, apiKeys: new ApiKeyCache(base.bus, max) };
    return { deps, reads };
  };

  it('authenticates a known key without reading it again, and checks the secret every time', async () => {
    const { deps, reads } = setup();
    const { apiKey } = await createAccount(deps, { name: 'a', credits: null });
    const first = await authenticate(deps, apiKey.key);
    const second = await authenticate(deps, apiKey.key);
    assert.deepEqual(second, first);
    assert.equal(reads.count, 1);
    // A wrong secret for the cached key's id is refused from the cache too.
    const forged = `${apiKey.key.slice(0, -4)}AAAA`;
    await assert.rejects(authenticate(deps, forged), UnauthorizedError);
    assert.equal(reads.count, 1);
  });

  it('refuses a key revoked in this process at the next request', async () => {
    const { deps } = setup();
    const { apiKey } = await createAccount(deps, { name: 'a', credits: null });
    await authenticate(deps, apiKey.key);
    await revokeApiKey(deps, apiKey.id);
    await assert.rejects(authenticate(deps, apiKey.key), /not valid/);
  });

  it('forgets a key revoked elsewhere when the bus says so, and every key when anything may have changed unheard', async () => {
    const { deps, reads } = setup();
    const { apiKey } = await createAccount(deps, { name: 'a', credits: null });
    await authenticate(deps, apiKey.key);
    deps.bus.keysChanged();
    await authenticate(deps, apiKey.key);
    assert.equal(reads.count, 2, 'read again after keysChanged');
    // Revoked by "another process": the row changes, and the relay tells this bus.
    await deps.store.apiKeyRevoke({ id: apiKey.id, now: deps.clock.now() });
    await authenticate(deps, apiKey.key); // still cached: nobody said
    deps.bus.keyRevoked(apiKey.id);
    await assert.rejects(authenticate(deps, apiKey.key), /not valid/);
  });

  it('does not cache a read that was under way when a key was forgotten', async () => {
    const base = memoryDeps();
    deps = base;
    const cache = new ApiKeyCache(base.bus);
    const { apiKey } = await createAccount(base, { name: 'a', credits: null });
    const live = await base.store.apiKeyGet({ id: apiKey.id });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reading = cache.get(apiKey.id, async () => (await gate, live));
    base.bus.keyRevoked(apiKey.id); // the revoke lands while the (stale) read is under way
    release();
    assert.equal((await reading)?.id, apiKey.id);
    assert.equal(cache.size, 0);
  });

  it('keeps at most `max` keys, dropping the least recently used', async () => {
    const { deps, reads } = setup(2);
    const { account, apiKey: a } = await createAccount(deps, { name: 'a', credits: null });
    const b = await createApiKey(deps, account.id);
    const c = await createApiKey(deps, account.id);
    await authenticate(deps, a.key);
    await authenticate(deps, b.key);
    await authenticate(deps, a.key); // a is now the most recent
    await authenticate(deps, c.key); // evicts b
    assert.equal(deps.apiKeys!.size, 2);
    const before = reads.count;
    await authenticate(deps, a.key);
    assert.equal(reads.count, before);
    await authenticate(deps, b.key);
    assert.equal(reads.count, before + 1);
  });
});
