/** Worker: the runtime that claims jobs and runs their handlers. */
export { WorkerPool, type WorkerPoolOptions } from './workerPool.js';
export { attemptFiles, runAttempt, type RunningAttempt, type StopReason } from './runAttempt.js';
