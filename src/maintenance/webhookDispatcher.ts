/**
 * The webhook dispatcher: claims due deliveries and sends them, a bounded number at a time. It
 * wakes when a committed job change made a delivery (the event bus, fed across processes by the
 * store's change feed) or a redelivery was asked, and otherwise on a slow safety sweep, which
 * also picks up retries as they come due and deliveries whose sender died. Never polls on the hot
 * path. Several dispatchers (processes) may share a store: a claim is a lease.
 */
import { hostname } from 'node:os';
import { type Delivery, type Timers, systemTimers } from '../domain/index.js';
import { type Logger, redactText, redactUrl, silentLogger } from '../log/index.js';
import { PeriodicPass, SlotFiller } from '../loops/index.js';
import { type RecordedDeliveryAttempt, type ServiceDeps, attemptDelivery, claimDeliveries } from '../service/index.js';
import { type LookupFn, timedLookup } from '../egress/index.js';
import { sendWebhook } from '../webhooks/sender.js';

/** WebhookDispatcherOptions configure one dispatcher. */
export interface WebhookDispatcherOptions {
  /** concurrency is how many deliveries are sent at once (default 8). */
  concurrency?: number;
  /** sweepMs is the safety sweep (default 1000). */
  sweepMs?: number;
  /** leaseMs is how long a claim lasts: well over an attempt's timeout (default timeout × 6). */
  leaseMs?: number;
  /** timers run the attempts' deadlines and the safety sweep; tests pass their ManualClock. */
  timers?: Timers;
  /** lookup resolves webhook hosts (default: deps.lookup, else the system resolver, 2 s per lookup). */
  lookup?: LookupFn;
  /** onError is told of errors the dispatcher survives (default: logged at warn). */
  onError?: (error: unknown, context: string) => void;
}

let dispatcherCount = 0;

/** WebhookDispatcher sends the store's due webhook deliveries; see the file comment. */
export class WebhookDispatcher {
  /** name identifies the dispatcher in logs. */
  readonly name = `webhooks-${hostname()}-${process.pid}-${++dispatcherCount}`;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly timers: Timers;
  private readonly lookup: LookupFn;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly log: Logger;
  private readonly sending = new Set<Promise<void>>();
  private readonly slots: SlotFiller;
  private readonly sweep: PeriodicPass;
  private started = false;
  private stopListening: (() => void)[] = [];

  constructor(private readonly deps: ServiceDeps, options: WebhookDispatcherOptions = {}) {
    this.concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new Error('concurrency must be a whole number ≥ 1');
    this.leaseMs = options.leaseMs ?? deps.config.webhookTimeoutMs * 6;
    this.timers = options.timers ?? systemTimers;
    this.lookup = options.lookup ?? deps.lookup ?? timedLookup();
    this.log = deps.log ?? silentLogger;
    this.onError = options.onError ?? ((error, context) => this.log.warn({ err: error, dispatcher: this.name }, `webhooks: ${context} failed`));
    this.slots = new SlotFiller({
      free: () => this.concurrency - this.sending.size,
      busy: () => this.sending.size,
      claim: async () => (await this.claimAndLaunch()).length,
      onError: (error) => this.onError(error, 'claiming deliveries'),
    });
    // A poke never throws (the slot filler reports its own errors), so this pass cannot fail.
    this.sweep = new PeriodicPass(async () => this.poke(), options.sweepMs ?? 1000, () => undefined, this.timers);
  }

  /** start begins sending: at once, whenever a delivery is made or redelivered, and on each sweep. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.slots.start();
    this.stopListening = [
      this.deps.bus.onSignal((signal) => {
        if (signal.webhook) this.poke();
      }),
      this.deps.bus.onDeliveriesDue(() => this.poke()),
    ];
    this.sweep.start(); // its first pass pokes at once
  }

  /** stop stops claiming and waits for the attempts under way (each ends within its timeout). */
  async stop(): Promise<void> {
    this.started = false;
    await this.sweep.stop();
    for (const stop of this.stopListening) stop();
    this.stopListening = [];
    await this.slots.stop();
    await Promise.all([...this.sending]);
  }

  /** idle resolves once nothing is being sent or claimed. For tests and shutdown. */
  idle(): Promise<void> {
    return this.slots.idle();
  }

  /** sendingCount is how many attempts are under way. */
  get sendingCount(): number {
    return this.sending.size;
  }

  /** poke asks the dispatcher to fill its free slots; calls that arrive while it is claiming coalesce. */
  poke(): void {
    this.slots.poke();
  }

  /**
   * runOnce claims due deliveries for the free slots, sends them, and resolves with how many once
   * every one of them is recorded. For tests, which drive it on a ManualClock.
   */
  async runOnce(): Promise<number> {
    const started = await this.claimAndLaunch();
    await Promise.all(started);
    return started.length;
  }

  private async claimAndLaunch(): Promise<Promise<void>[]> {
    const free = this.concurrency - this.sending.size;
    if (free <= 0) return [];
    const claimed = await claimDeliveries(this.deps, { leaseMs: this.leaseMs, limit: free });
    return claimed.map((delivery) => {
      const attempt = this.attempt(delivery)
        .catch((error: unknown) => this.onError(error, `delivering ${delivery.id}`))
        .finally(() => {
          this.sending.delete(attempt);
          // A slot is free: anything else due goes out now rather than on the next sweep.
          this.poke();
          this.slots.settled();
        });
      this.sending.add(attempt);
      return attempt;
    });
  }

  /** attempt sends one claimed delivery through the service's attemptDelivery, then counts and logs what it recorded. */
  private async attempt(delivery: Delivery): Promise<void> {
    const { clock, config } = this.deps;
    const recorded = await attemptDelivery(this.deps, delivery, (headers) =>
      sendWebhook({
        url: delivery.url,
        body: delivery.payload,
        headers,
        allowPrivate: config.allowPrivateTargets,
        timeoutMs: config.webhookTimeoutMs,
        clock,
        timers: this.timers,
        lookup: this.lookup,
      }),
    );
    if (!recorded) return; // our lease was lost: the attempt is not ours to report
    const { attempt, next } = recorded;
    this.deps.metrics?.webhookAttempt({ outcome: next.state === 'pending' ? 'retrying' : next.state, durationMs: attempt.durationMs });
    if (next.state !== 'succeeded') this.logFailure(delivery, attempt, next);
  }

  /** logFailure writes a failed attempt at warn: the receiver is down, refusing, or unreachable. */
  private logFailure(delivery: Delivery, result: RecordedDeliveryAttempt['attempt'], next: RecordedDeliveryAttempt['next']): void {
    this.log.warn(
      {
        deliveryId: delivery.id,
        jobId: delivery.jobId,
        accountId: delivery.accountId,
        event: delivery.eventType,
        url: redactUrl(delivery.url),
        attempt: delivery.attempts + 1,
        statusCode: result.statusCode,
        // A refused redirect quotes its Location, which may carry a secret like the URL itself.
        error: result.error === null ? null : redactText(result.error),
        durationMs: result.durationMs,
        next: next.state,
        nextAttemptAt: next.state === 'pending' ? next.at.toISOString() : undefined,
      },
      next.state === 'pending' ? 'webhook attempt failed, will retry' : 'webhook delivery failed',
    );
  }
}
