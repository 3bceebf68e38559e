/** Worker: the runtime that claims jobs and runs their handlers. Upkeep (reaping, retention) lives in src/maintenance. */
export { type LinkedPoolDeps, WorkerPool, type WorkerPoolOptions } from './workerPool.js';
export { type AttemptHost, attemptFiles, runAttempt, runClaimedAttempt, type RunningAttempt, type StopReason } from './runAttempt.js';
export type { ClaimedJob, LeasedAttempt, WorkerLink } from './workerLink.js';
export { claimedFromJob, localLink } from './localLink.js';
export { DEFAULT_RETRY_POLICY, type RemoteLinkOptions, type RetryPolicy, WorkerApiError, type WorkerKeyInfo, fetchWorkerKey, remoteLink } from './remote/index.js';
