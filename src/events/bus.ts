import { type Job, type JobEventKind, webhookEventFor } from '../domain/index.js';
import type { ChangeSignal } from '../store/index.js';

/** JobChangeKind names what happened to a job. */
export type JobChangeKind = JobEventKind;

/** JobChange is one committed change of a job, as subscribers see it. */
export interface JobChange {
  kind: JobChangeKind;
  job: Job;
  /** relayed is true for a change another process committed (see startStoreFeed). */
  relayed?: boolean;
}

/**
 * JobSignal is what every change tells the listeners that need no more than the job's identity,
 * type and state: idle workers, claim waiters, webhook dispatchers. Another process's changes
 * arrive as signals straight from the database's notification (the store's ChangeSignal), with
 * no read behind them; `relayed` marks those.
 */
export type JobSignal = ChangeSignal & { relayed?: boolean };

type Listener = (change: JobChange) => void;
type SignalListener = (signal: JobSignal) => void;

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
  private readonly signalListeners = new Set<SignalListener>();
  private readonly deliveryListeners = new Set<() => void>();
  private readonly revokedKeyListeners = new Set<(keyId: string) => void>();
  private readonly keysChangedListeners = new Set<() => void>();

  /**
   * publish hands a committed change to its listeners, and its signal to signal listeners unless
   * `signalled` (the relay already signalled it); a listener that throws cannot stop the others.
   */
  publish(change: JobChange, options: { signalled?: boolean } = {}): void {
    const deliver = (listener: Listener) => call(listener, change);
    this.byJob.get(change.job.id)?.forEach(deliver);
    this.byAccount.get(change.job.accountId)?.forEach(deliver);
    this.all.forEach(deliver);
    if (options.signalled || this.signalListeners.size === 0) return;
    const { job } = change;
    this.signal({
      kind: change.kind, jobId: job.id, accountId: job.accountId, type: job.type, priority: job.priority, status: job.status,
      eventSeq: job.eventSeq, runAt: job.runAt, webhook: webhookEventFor(job, change.kind) !== null, dependents: job.hasDependents,
      relayed: change.relayed,
    });
  }

  /** signal hands a change's signal to the signal listeners only (another process's change, not read). */
  signal(signal: JobSignal): void {
    for (const listener of this.signalListeners) call(listener, signal);
  }

  /** onSignal listens to the signal of every change, this process's and others'. */
  onSignal(listener: SignalListener): () => void {
    this.signalListeners.add(listener);
    return () => this.signalListeners.delete(listener);
  }

  /** follows says whether anyone here listens to this job's changes by job or by account (then the relay reads it). */
  follows(jobId: string, accountId: string): boolean {
    return this.byJob.has(jobId) || this.byAccount.has(accountId);
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

  /**
   * keysChanged tells this process that keys may have been revoked elsewhere without a word (the
   * relay lost its connection, or the store cannot say what changed): what it verified is stale.
   */
  keysChanged(): void {
    for (const listener of [...this.keysChangedListeners]) listener();
  }

  /** onKeysChanged listens to keysChanged; the returned function stops listening. */
  onKeysChanged(listener: () => void): () => void {
    this.keysChangedListeners.add(listener);
    return () => this.keysChangedListeners.delete(listener);
  }

  /** listenerCount counts listeners of all kinds (for tests and metrics). */
  listenerCount(): number {
    let n = this.all.size + this.signalListeners.size;
    for (const set of this.byJob.values()) n += set.size;
    for (const set of this.byAccount.values()) n += set.size;
    return n;
  }
}

/** call runs one listener; one that throws is reported without stopping the others. */
function call<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
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
