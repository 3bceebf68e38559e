import type { ApiKey } from '../domain/index.js';
import type { EventBus } from '../events/index.js';

/**
 * ApiKeyCache keeps the live API keys this process has read, so a request with a known key is
 * authenticated without a store read (on PostgreSQL, a round trip per request). The secret is
 * still checked against the stored hash on every request; only the read is saved.
 *
 * A key leaves the cache the moment it is revoked: here (the service announces it on the bus),
 * on another process (PostgreSQL's notification, relayed onto the bus), or possibly unheard (the
 * relay lost its connection, or the store cannot say what changed: everything is forgotten). A
 * read that was under way when anything was forgotten is not cached, so a key revoked during the
 * read cannot come back as live.
 */
export class ApiKeyCache {
  private readonly keys = new Map<string, ApiKey>();
  /** generation moves on whenever something is forgotten (see load). */
  private generation = 0;

  /** @param max bounds the cache; the key used least recently goes first. */
  constructor(bus: EventBus, private readonly max = 10_000) {
    bus.onKeyRevoked((keyId) => this.forget(keyId));
    bus.onKeysChanged(() => this.forgetAll());
  }

  /** get returns the live key `id`, from the cache when it is there, else through `read`. */
  async get(id: string, read: () => Promise<ApiKey | null>): Promise<ApiKey | null> {
    const cached = this.keys.get(id);
    if (cached) {
      // Map keeps insertion order: moving the key to the end makes the first the least recent.
      this.keys.delete(id);
      this.keys.set(id, cached);
      return cached;
    }
    const generation = this.generation;
    const key = await read();
    if (key && key.revokedAt === null && generation === this.generation) {
      this.keys.set(id, key);
      if (this.keys.size > this.max) this.keys.delete(this.keys.keys().next().value!);
    }
    return key;
  }

  /** size is how many keys are cached (for tests and metrics). */
  get size(): number {
    return this.keys.size;
  }

  private forget(id: string): void {
    this.generation++;
    this.keys.delete(id);
  }

  private forgetAll(): void {
    this.generation++;
    this.keys.clear();
  }
}
