/** Worker: the runtime that claims jobs and runs their handlers, and the store's upkeep (retention, the lease reaper). */
export { WorkerPool, type WorkerPoolOptions } from './workerPool.js';
export { attemptFiles, runAttempt, type RunningAttempt, type StopReason } from './runAttempt.js';
export { RetentionSweep, type RetentionSweepOptions } from './retentionSweep.js';
export { LeaseReaper, type LeaseReaperOptions } from './leaseReaper.js';
