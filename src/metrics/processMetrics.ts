/**
 * The process's Prometheus metrics, in one registry made where the process starts: the process
 * itself, the queue as the store sees it, webhook attempts and browser launches. The HTTP app adds
 * its request metrics to the same registry and serves it (see http/metrics.ts).
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import type { Store } from '../store/index.js';
import { watchAccountQueues } from './accountQueueMetrics.js';
import { scrapedGauges, waitedSeconds } from './scrapedGauges.js';

/** WebhookOutcome is what an attempt led to: delivered, to be retried, or given up. */
export type WebhookOutcome = 'succeeded' | 'retrying' | 'failed';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** ProcessMetrics holds one process's registry and the instruments the runtime feeds. */
export class ProcessMetrics {
  /** registry is what /metrics serves. */
  readonly registry = new Registry();
  private readonly webhookAttempts: Counter<'outcome'>;
  private readonly webhookSeconds: Histogram<'outcome'>;
  private readonly browserLaunches: Counter<'outcome'>;
  private readonly browserLaunchSeconds: Histogram;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'longrun_' });
    this.webhookAttempts = new Counter({
      name: 'longrun_webhook_attempts_total',
      help: 'Webhook attempts this process made, by outcome: succeeded, retrying (failed, another attempt is due) or failed (given up).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.webhookSeconds = new Histogram({
      name: 'longrun_webhook_attempt_duration_seconds',
      help: 'Time of one webhook attempt, DNS to the last byte of the answer, by outcome.',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.browserLaunches = new Counter({
      name: 'longrun_render_browser_launches_total',
      help: 'Chromium launches for render jobs, by outcome: started or failed.',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.browserLaunchSeconds = new Histogram({
      name: 'longrun_render_browser_launch_duration_seconds',
      help: 'Time to launch Chromium, successful launches only.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [this.registry],
    });
    // Every outcome shows from the start, so a rate() of failures is 0 rather than absent.
    for (const outcome of ['succeeded', 'retrying', 'failed']) this.webhookAttempts.inc({ outcome }, 0);
    for (const outcome of ['started', 'failed']) this.browserLaunches.inc({ outcome }, 0);
  }

  /**
   * countJobChanges counts the job changes this process commits, by kind, and the jobs that
   * failed for good by type (a render type's failures show there). Changes relayed from other
   * processes are theirs to count. Returns a function that stops counting.
   */
  countJobChanges(bus: EventBus, knownTypes: readonly string[]): () => void {
    const changes = new Counter({
      name: 'longrun_job_changes_total',
      help: 'Job changes committed by this process, by kind (created, started, completed, failed, …).',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    const failed = new Counter({
      name: 'longrun_jobs_failed_total',
      help: 'Jobs this process saw fail for good (no attempt left, or not retryable), by type.',
      labelNames: ['type'],
      registers: [this.registry],
    });
    for (const type of knownTypes) failed.inc({ type }, 0);
    return bus.onAny((change) => {
      if (change.relayed) return;
      changes.inc({ kind: change.kind });
      if (change.kind === 'failed') failed.inc({ type: change.job.type });
    });
  }

  /** webhookAttempt counts one recorded webhook attempt and its duration. */
  webhookAttempt(p: { outcome: WebhookOutcome; durationMs: number }): void {
    this.webhookAttempts.inc({ outcome: p.outcome });
    this.webhookSeconds.observe({ outcome: p.outcome }, p.durationMs / 1000);
  }

  /** browserLaunch counts one Chromium launch, and times the ones that started. */
  browserLaunch(p: { ok: boolean; durationMs: number }): void {
    this.browserLaunches.inc({ outcome: p.ok ? 'started' : 'failed' });
    if (p.ok) this.browserLaunchSeconds.observe(p.durationMs / 1000);
  }

  /**
   * watchQueue adds the queue gauges, read from the store at each scrape (Store.jobQueueStats:
   * counters and one index seek per type, the same cost at any queue depth). Every process on a
   * store reports the same cluster-wide values; `knownTypes` show as 0 before their first job.
   * The same by account (accountQueueMetrics.ts).
   */
  watchQueue(store: Store, clock: Clock, knownTypes: readonly string[]): void {
    watchAccountQueues(this.registry, store, clock);
    const readRows = async () => {
      const stats = await store.jobQueueStats();
      const now = clock.now().getTime();
      return stats.map((stat) => ({ stat, now }));
    };
    const gauge = scrapedGauges(this.registry, 'type', readRows, (row) => row.stat.type, knownTypes);
    gauge('longrun_queue_pending_jobs', 'Jobs waiting to run (all accounts), by type; scheduled ones included.', ({ stat }) => stat.pending);
    gauge(
      'longrun_queue_oldest_pending_seconds',
      'How long the longest-due pending job of the type has waited since its runAt; 0 when none is due.',
      ({ stat, now }) => (stat.earliestRunAt === null ? 0 : waitedSeconds(now, stat.earliestRunAt)),
    );
    gauge('longrun_running_jobs', 'Jobs running now (all workers, all accounts), by type.', ({ stat }) => stat.running);
  }
}
