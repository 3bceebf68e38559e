/**
 * Runtime: turns a config into a running Longrun process. openRuntime opens the store, the file
 * store (openFileStore), the job types, the bus and the relay of other processes' changes;
 * startServer adds the HTTP API, workers and maintenance; startWorker adds workers and
 * maintenance alone; startRemoteWorker runs workers over the HTTP worker protocol, with no store. The CLI, the tests and the benchmark all start Longrun through here.
 */
export type { ListenAddress, RemoteWorkerConfig, RuntimeConfig, ServeConfig, WorkerConfig } from './config.js';
export { loadHandlers } from './handlers.js';
export { type MetricsListener, startMetricsListener } from './metricsListener.js';
export { FILE_DRIVERS, type FilesChoice, openFileStore } from './openFileStore.js';
export { type Runtime, type RuntimeDeps, openRuntime } from './openRuntime.js';
export { installShutdown } from './shutdown.js';
export { type RunningServer, startServer } from './startServer.js';
export { NothingToRunError, type RunningRemoteWorker, TypeOutsideKeyError, WorkerKeyRefusedError, startRemoteWorker } from './startRemoteWorker.js';
export { type RunningWorker, UnservableJobTypeError, startWorker } from './startWorker.js';
export { packageVersion } from './version.js';
