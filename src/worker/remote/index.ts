/** The worker's HTTP link: the worker protocol (/v1/worker/*) spoken with a worker key, for a worker with no database. */
export { DEFAULT_RETRY_POLICY, type ProtocolClientOptions, type RetryPolicy, WorkerApiError, protocolClient } from './protocolClient.js';
export { type RemoteLinkOptions, type WorkerKeyInfo, fetchWorkerKey, remoteLink } from './remoteLink.js';
