/**
 * Service: the use cases. HTTP routes, the worker runtime and the CLI call these; nothing here
 * knows about HTTP, and nothing here writes SQL.
 */
export * from './deps.js';
export * from './apiKeys.js';
export * from './apiKeyCache.js';
export * from './accounts.js';
export * from './claimWakeups.js';
export * from './scheduling.js';
export * from './listAccounts.js';
export * from './createJob.js';
export * from './createJobs.js';
export * from './jobTypes.js';
export * from './readJobs.js';
export * from './jobFilterRequest.js';
export * from './cancelJob.js';
export * from './rerunJob.js';
export * from './bulkJobs.js';
export * from './attempts.js';
export * from './attemptFiles.js';
export * from './attemptReads.js';
export * from './reapExpired.js';
export * from './startDeadline.js';
export * from './jobDependencies.js';
export * from './usage.js';
export * from './stats.js';
export * from './purgeExpired.js';
export * from './deliveries.js';
export * from './deliveryAttempts.js';
export * from './webhookDeliveries.js';
export * from './jobFiles.js';
export * from './jobAliases.js';
export * from './fileLinks.js';
export * from './purgeJob.js';
export * from './workerKeys.js';
export * from './remoteAttempts.js';
export * from './remoteClaim.js';
