import type { Job, JobEventKind } from '../domain/index.js';

/** JobChangeKind names what happened to a job. */
export type JobChangeKind = JobEventKind;

/** JobChange is one committed change of a job, as subscribers see it. */
export interface JobChange {
  kind: JobChangeKind;
  job: Job;
  /** relayed is true for a change another process committed (see startStoreFeed). */
  relayed?: boolean;
}

type Listener = (change: JobChange) => void;

/**
 * EventBus delivers committed job changes to whoever listens in this process: long-polls and
 * streams (by job or by account) and idle workers (every change). It is the seam that a
 * cross-process feed (PostgreSQL's LISTEN/NOTIFY) plugs into. Publishing happens only after the
 * change is committed, so a listener never sees a change that could still roll back.
 */
export class EventBus {
  private readonly byJob = new Map<string, Set<Listener>>();
  private readonly byAccount = new Map<string, Set<Listener>>();
  private readonly all = new Set<Listener>();
  private readonly deliveryListeners = new Set<() => void>();
  private readonly revokedKeyListeners = new Set<(keyId: string) => void>();

  /** publish hands a committed change to its listeners; a listener that throws cannot stop the others. */
  publish(change: JobChange): void {
    const deliver = (listener: Listener) => {
      try {
        listener(change);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    };
    this.byJob.get(change.job.id)?.forEach(deliver);
    this.byAccount.get(change.job.accountId)?.forEach(deliver);
    this.all.forEach(deliver);
  }

  /** onJob listens to one job's changes; the returned function stops listening. */
  onJob(jobId: string, listener: Listener): () => void {
    return add(this.byJob, jobId, listener);
  }

  /** onAccount listens to every change of one account's jobs. */
  onAccount(accountId: string, listener: Listener): () => void {
    return add(this.byAccount, accountId, listener);
  }

  /** onAny listens to every change. */
  onAny(listener: Listener): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }

  /**
   * deliveriesDue tells this process's webhook dispatchers that a delivery became due without a
   * job change (a redelivery). Other processes' dispatchers find it on their safety sweep.
   */
  deliveriesDue(): void {
    for (const listener of this.deliveryListeners) listener();
  }

  /** onDeliveriesDue listens to deliveriesDue; the returned function stops listening. */
  onDeliveriesDue(listener: () => void): () => void {
    this.deliveryListeners.add(listener);
    return () => this.deliveryListeners.delete(listener);
  }

  /**
   * keyRevoked tells this process that an API key was revoked, so streams opened with it end at
   * once. Streams re-check their key on every ping for keys revoked by other processes.
   */
  keyRevoked(keyId: string): void {
    for (const listener of [...this.revokedKeyListeners]) listener(keyId);
  }

  /** onKeyRevoked listens to keyRevoked; the returned function stops listening. */
  onKeyRevoked(listener: (keyId: string) => void): () => void {
    this.revokedKeyListeners.add(listener);
    return () => this.revokedKeyListeners.delete(listener);
  }

  /** listenerCount counts listeners of all kinds (for tests and metrics). */
  listenerCount(): number {
    let n = this.all.size;
    for (const set of this.byJob.values()) n += set.size;
    for (const set of this.byAccount.values()) n += set.size;
    return n;
  }
}

function add(map: Map<string, Set<Listener>>, key: string, listener: Listener): () => void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(listener);
  return () => {
    const current = map.get(key);
    if (!current) return;
    current.delete(listener);
    if (current.size === 0) map.delete(key);
  };
}
