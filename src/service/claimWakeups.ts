import type { JobEventKind } from '../domain/index.js';
import type { ChangeSignal } from '../store/index.js';
import type { ServiceDeps } from './deps.js';
import { cappedAccountsOf } from './scheduling.js';

// The changes that make a job pending: a new job, a hand-back, a retry.
const QUEUEING: ReadonlySet<JobEventKind> = new Set(['created', 'released', 'retrying']);
// The changes that end an attempt, freeing a slot under its account's caps.
const ENDING: ReadonlySet<JobEventKind> = new Set(['completed', 'failed', 'cancelled', 'retrying', 'released']);

/**
 * claimWakeup says when a worker serving `types` should claim because of a change, or null: when
 * a job of those types became pending, from its runAt; at once when an attempt of a capped
 * account ended, since that frees a slot for jobs a claim passed over (of any type, for an
 * account-wide cap), which no new job announces; and at once when a job that others were created
 * `after` completed, since that may let them start (their types are not in the signal: every
 * idle worker looks once). The one rule for in-process pools and for the HTTP claim's long poll.
 */
export function claimWakeup(deps: ServiceDeps, signal: ChangeSignal, types: readonly string[]): Date | null {
  if (QUEUEING.has(signal.kind) && types.includes(signal.type)) return signal.runAt;
  if (ENDING.has(signal.kind) && cappedAccountsOf(deps.store).has(signal.accountId)) return deps.clock.now();
  if (signal.kind === 'completed' && signal.dependents) return deps.clock.now();
  return null;
}
