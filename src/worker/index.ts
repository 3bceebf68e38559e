/** Worker: the runtime that claims jobs and runs their handlers. Upkeep (reaping, retention) lives in src/maintenance. */
export { WorkerPool, type WorkerPoolOptions } from './workerPool.js';
export { attemptFiles, runAttempt, type RunningAttempt, type StopReason } from './runAttempt.js';
