import { hostname } from 'node:os';
import { type Clock, type Timers, systemTimers } from '../domain/index.js';
import type { JobTypeRegistry } from '../jobtypes/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import { PeriodicPass, SlotFiller } from '../loops/index.js';
import type { ServiceDeps } from '../service/index.js';
import { localLink } from './localLink.js';
import { type AttemptHost, type RunningAttempt, runClaimedAttempt } from './runAttempt.js';
import type { ClaimedJob, WorkerLink } from './workerLink.js';

/** LinkedPoolDeps run a pool over a WorkerLink of its own (a remote worker: no store, no bus). */
export interface LinkedPoolDeps {
  registry: JobTypeRegistry;
  clock: Clock;
  link: WorkerLink;
  log?: Logger;
}

/** WorkerPoolOptions configure one pool of in-process workers. */
export interface WorkerPoolOptions {
  /** concurrency is how many jobs run at once. */
  concurrency: number;
  /** types the pool serves; by default every type this process has a handler for. */
  types?: readonly string[];
  /** workerId names the pool in `job.worker`; `worker-<host>-<pid>-<n>` by default. */
  workerId?: string;
  /** sweepMs is the safety sweep: claim jobs whose `runAt` came due, or whose wakeup was lost (default 1000). */
  sweepMs?: number;
  /** timers run the safety sweep (default Node's); tests pass a ManualClock. */
  timers?: Timers;
  /** heartbeatMs is how often a running job's lease is renewed (default a third of the job's lease). */
  heartbeatMs?: number;
  /** onError is told of errors the pool survives (default: logged at warn). */
  onError?: (error: unknown, context: string) => void;
  /** onWarn is told of each deferred attempt (default: logged at warn). */
  onWarn?: (message: string) => void;
}

let poolCount = 0;

/**
 * WorkerPool claims jobs and runs them, up to `concurrency` at a time. Given ServiceDeps it works
 * on this process's store (localLink): it wakes at once when a job is created in this process (the
 * event bus) and otherwise on a slow safety sweep, which also claims jobs whose `runAt` came due.
 * Given LinkedPoolDeps it works through that link; a link that long-polls (the HTTP protocol) is
 * asked again as soon as a claim answers while slots are free. Never polls on the hot path. It
 * does not reap expired leases: the process's LeaseReaper (src/maintenance) does, so a process
 * reaps once however many pools it runs (a remote worker leaves that to the API nodes).
 */
export class WorkerPool {
  readonly workerId: string;
  private readonly running = new Map<string, RunningAttempt>();
  readonly types: readonly string[];
  private readonly concurrency: number;
  private readonly heartbeatMs: number | undefined;
  private readonly host: AttemptHost;
  /** claiming aborts a long-polling claim when the pool stops. */
  private claiming = new AbortController();
  private readonly onError: (error: unknown, context: string) => void;
  private readonly onWarn: (message: string) => void;
  private readonly slots: SlotFiller;
  private readonly sweep: PeriodicPass;
  private started = false;
  private stopListening: (() => void) | null = null;
  /**
   * mayHaveMore is false after a claim that got fewer jobs than it asked for: the queue held no
   * more for this pool, so a finished attempt does not claim again (an empty claim per job under a
   * light load); the next job is announced by a signal, its due timer or the sweep. A signal that
   * came while every slot was taken was dropped, but then the last claim got all it asked for.
   */
  private mayHaveMore = true;
  /** due is the poke waiting for the earliest job heard of that was not yet due (see pokeAt). */
  private due: { at: number; cancel: () => void } | null = null;
  private readonly timers: Timers;

  constructor(deps: ServiceDeps | LinkedPoolDeps, options: WorkerPoolOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error('concurrency must be a whole number ≥ 1');
    this.concurrency = options.concurrency;
    this.types = options.types ?? deps.registry.runnableNames();
    for (const type of this.types) deps.registry.handler(type); // an unknown or handler-less type fails here, at start
    this.workerId = options.workerId ?? `worker-${hostname()}-${process.pid}-${++poolCount}`;
    this.heartbeatMs = options.heartbeatMs;
    this.host = { registry: deps.registry, clock: deps.clock, link: 'link' in deps ? deps.link : localLink(deps) };
    const log = deps.log ?? silentLogger;
    this.onError = options.onError ?? ((error, context) => log.warn({ err: error, workerId: this.workerId }, `worker: ${context} failed`));
    this.onWarn = options.onWarn ?? ((message) => log.warn({ workerId: this.workerId }, `worker: ${message}`));
    this.slots = new SlotFiller({
      free: () => this.concurrency - this.running.size,
      busy: () => this.running.size,
      claim: () => this.runOnce(),
      onError: (error) => this.onError(error, 'claiming jobs'),
    });
    // A poke never throws (the slot filler reports its own errors), so this pass cannot fail.
    this.timers = options.timers ?? systemTimers;
    this.sweep = new PeriodicPass(async () => this.poke(), options.sweepMs ?? 1000, () => undefined, this.timers);
  }

  /** start begins claiming: at once, on every new job, and on each sweep. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.slots.start();
    this.claiming = new AbortController();
    this.stopListening = this.host.link.onClaimable(this.types, (runAt) => this.pokeAt(runAt));
    this.sweep.start(); // its first pass pokes at once
  }

  /** runningCount is how many attempts are in flight. */
  get runningCount(): number {
    return this.running.size;
  }

  /** poke asks the pool to fill its free slots; calls that arrive while it is claiming coalesce. */
  poke(): void {
    this.slots.poke();
  }

  /**
   * pokeAt pokes now for a job that is due, and when it comes due for one that is not yet: made to
   * run later, retried, or created a moment ago by a process whose database clock reads a little
   * ahead of this one's. One timer, for the earliest such job; the sweep stays the safety net.
   */
  private pokeAt(runAt: Date): void {
    const at = runAt.getTime();
    const inMs = at - this.host.clock.now().getTime();
    if (inMs <= 0) return this.poke();
    if (this.due && this.due.at <= at) return;
    this.due?.cancel();
    this.due = {
      at,
      cancel: this.timers.setTimeout(() => {
        this.due = null;
        this.poke();
      }, inMs),
    };
  }

  /** runOnce claims for the free slots once and starts what it got; returns how many. For tests. */
  async runOnce(): Promise<number> {
    const free = this.concurrency - this.running.size;
    if (free <= 0) return 0;
    const { link } = this.host;
    const jobs = await link.claim({ workerId: this.workerId, types: this.types, limit: free, signal: this.claiming.signal });
    this.mayHaveMore = jobs.length === free;
    for (const job of jobs) this.launch(job);
    // A long-polling claim is the wait itself: while slots are free, ask again (the poke coalesces into the slot filler's next round).
    if (link.longPolls && this.started && !this.claiming.signal.aborted) this.poke();
    return jobs.length;
  }

  /** idle resolves once nothing runs and no claim is under way. For tests and shutdown (never, while a long-polling link waits for work). */
  idle(): Promise<void> {
    return this.slots.idle();
  }

  /**
   * stop stops claiming, lets running jobs finish for up to `graceMs`, then stops the rest and
   * hands them back (pending again, the attempt not counted).
   */
  async stop(p: { graceMs: number } = { graceMs: 10_000 }): Promise<void> {
    this.started = false;
    this.claiming.abort();
    await this.sweep.stop();
    this.stopListening?.();
    this.due?.cancel();
    this.due = null;
    await this.slots.stop();
    const settled = Promise.all([...this.running.values()].map((a) => a.done));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, p.graceMs)));
    await Promise.race([settled, graceOver]);
    clearTimeout(timer);
    for (const attempt of this.running.values()) attempt.stop('shutdown');
    await Promise.all([...this.running.values()].map((a) => a.done));
  }

  private launch(job: ClaimedJob): void {
    const heartbeatMs = this.heartbeatMs ?? Math.max(10, Math.floor(job.leaseMs / 3));
    const attempt = runClaimedAttempt(this.host, job, { heartbeatMs, onError: this.onError, onWarn: this.onWarn });
    this.running.set(job.id, attempt);
    void attempt.done.finally(() => {
      this.running.delete(job.id);
      if (this.mayHaveMore) this.poke();
      this.slots.settled();
    });
  }
}
