/**
 * Domain: the words of Longrun, free of HTTP and SQL.
 *
 * Glossary
 * - job: one unit of work of a registered type, created by a client, run by a worker.
 * - job type: a name (`demo/sleep`), an input schema, a cost and a `run` function.
 * - attempt: one run of a job by a worker; `attempts` counts them, `maxAttempts` bounds them.
 * - lease: a worker's claim on a running job, with a token that fences every report it makes
 *   and an expiry that the worker's heartbeat pushes forward.
 * - event: one change of a job (status, progress, message), numbered per job by `eventSeq`.
 * - ledger: the account's credit movements; a charge per job, at most one refund per job.
 * - final status: completed, failed or cancelled; a final job never changes again.
 */
export * from './job.js';
export * from './jobFilter.js';
export * from './ids.js';
export * from './clock.js';
export * from './account.js';
export * from './errors.js';
export * from './schemaProblem.js';
export * from './rateBucket.js';
export * from './delivery.js';
export * from './idempotency.js';
export * from './credits.js';
export * from './webhookSecrets.js';
export * from './jobRefusals.js';
export * from './claimOrder.js';
export * from './jsonLimits.js';
export * from './worker.js';
export * from './declaredJobType.js';
export * from './dependencies.js';
