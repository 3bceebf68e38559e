import type { Job } from '../domain/index.js';
import type { QueuePlace } from '../service/index.js';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * jobView is a job as the API shows it (`GET /v1/jobs/:id`) and as a webhook payload carries it:
 * private input, lease and key id left out, times in ISO 8601, and links to what a client can do
 * next. The service's webhook delivery policy (service/webhookDeliveries.ts) is given it by the
 * runtime, so a stored payload holds the job exactly as this view showed it at the event.
 * `waits` is what the jobs of a read still wait for (service/jobDependencies.ts waitingForOf).
 */
export function jobView(job: Job, waits?: ReadonlyMap<string, readonly string[]>) {
  const self = `/v1/jobs/${job.id}`;
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    progress: job.progress,
    statusMessage: job.statusMessage,
    priority: job.priority,
    input: job.input,
    output: job.output,
    error: job.error,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    timeoutMs: job.timeoutMs,
    accountId: job.accountId,
    apiKeyUsed: job.apiKeyUsed,
    worker: job.worker,
    size: job.size,
    processTime: job.processTime,
    creditsCharged: job.creditsCharged,
    creditsRefunded: job.creditsRefunded,
    originalJobId: job.originalJobId,
    webhookUrl: job.webhookUrl,
    webhookEvents: job.webhookEvents,
    metadata: job.metadata,
    runAt: job.runAt.toISOString(),
    startBy: iso(job.startBy),
    after: job.after,
    waitingFor: waitingFor(job, waits),
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    completedAt: iso(job.completedAt),
    failedAt: iso(job.failedAt),
    cancelledAt: iso(job.cancelledAt),
    updatedAt: job.updatedAt.toISOString(),
    _links: { self, events: `${self}/events`, cancel: `${self}/cancel`, rerun: `${self}/rerun` },
  };
}

/**
 * waitingFor is the jobs of `after` a job still waits for: null for a job created without
 * `after`; none once it is no longer pending (it started, or ended); for a pending job, what the
 * read found (`waits`), or, where nothing was read (an event of the job's stream), `after` as created.
 */
function waitingFor(job: Job, waits: ReadonlyMap<string, readonly string[]> | undefined): readonly string[] | null {
  if (job.after === null) return null;
  if (job.status !== 'pending') return [];
  return waits ? (waits.get(job.id) ?? []) : job.after;
}

/** queueView is a pending job's place in its queue as the API shows it. */
export function queueView(place: QueuePlace) {
  return { position: place.position, positionIsLowerBound: place.positionIsLowerBound, estimatedStartAt: iso(place.estimatedStartAt) };
}

/** jobViewInQueue is jobView of a single job's read, with where a pending job stands in its queue (`queue`) when it has a place. */
export function jobViewInQueue(job: Job, place: QueuePlace | null, waits?: ReadonlyMap<string, readonly string[]>) {
  const view = jobView(job, waits);
  return place ? { ...view, queue: queueView(place) } : view;
}
