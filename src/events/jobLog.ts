/** The job log: one structured line per job change this process committed. */
import { type Logger, redactText } from '../log/index.js';
import type { EventBus, JobChange, JobChangeKind } from './bus.js';

// A job's life at info; an attempt or a job that failed at warn, since someone should look;
// progress at debug, since a chatty job would drown the rest.
const LINES: Record<JobChangeKind, { level: 'debug' | 'info' | 'warn'; message: string }> = {
  created: { level: 'info', message: 'job created' },
  started: { level: 'info', message: 'job started' },
  progress: { level: 'debug', message: 'job progress' },
  completed: { level: 'info', message: 'job completed' },
  retrying: { level: 'warn', message: 'job attempt failed, will retry' },
  failed: { level: 'warn', message: 'job failed' },
  released: { level: 'info', message: 'job handed back' },
  cancelled: { level: 'info', message: 'job cancelled' },
};

/** jobLogFields are the structured fields of a job change's log line. */
function jobLogFields(change: JobChange): Record<string, unknown> {
  const { job } = change;
  const fields: Record<string, unknown> = {
    jobId: job.id,
    type: job.type,
    accountId: job.accountId,
    workerId: job.worker,
    attempt: job.attempts,
    status: job.status,
  };
  if (change.kind === 'progress') fields.progress = job.progress;
  if (change.kind === 'retrying') fields.retryAt = job.runAt.toISOString();
  // A message may quote a URL the client gave (the page that failed to load), query secrets and all.
  if ((change.kind === 'failed' || change.kind === 'retrying') && job.error) {
    fields.error = job.error.message === undefined ? job.error : { ...job.error, message: redactText(job.error.message) };
  }
  return fields;
}

/**
 * logJobChanges writes one line per job change this process committed (those relayed from other
 * processes are theirs to log, so a cluster logs each change once). Returns a function that stops.
 */
export function logJobChanges(bus: EventBus, log: Logger): () => void {
  return bus.onAny((change) => {
    if (change.relayed) return;
    const { level, message } = LINES[change.kind];
    if (log.isLevelEnabled(level)) log[level](jobLogFields(change), message);
  });
}
