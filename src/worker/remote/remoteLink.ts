import { type AccountJob, type AccountJobPage, JobFailure, type OutputFile } from '../../jobtypes/index.js';
import type { ClaimedJob, LeasedAttempt, WorkerLink } from '../workerLink.js';
import { type ProtocolClientOptions, WorkerApiError, protocolClient } from './protocolClient.js';

/** MAX_CLAIM = the protocol's largest `max`: a claim for more free slots asks for this many. */
const MAX_CLAIM = 32;

/** WRITE_TIMEOUT_MS bounds one try of a heartbeat, report or end of an attempt. */
const WRITE_TIMEOUT_MS = 30_000;

/** RemoteLinkOptions configure a link to an API node's worker protocol. */
export interface RemoteLinkOptions extends ProtocolClientOptions {
  /** waitSeconds is how long a claim long-polls when nothing is due (0–20, default 20). */
  waitSeconds?: number;
  /** concurrency and host are shown to operators (`GET /v1/admin/workers`). */
  concurrency?: number;
  host?: string;
  /** uploadTimeoutMs bounds one try of a file upload (default 10 minutes). */
  uploadTimeoutMs?: number;
}

/** WorkerKeyInfo is what the API says of the worker key: its name and the types it may claim. */
export interface WorkerKeyInfo {
  id: string;
  name: string;
  types: string[];
}

/** The claim's answer, as the protocol sends it: each job as ClaimedJob, the lease time given once for all. */
interface ClaimAnswer {
  workerId: string;
  leaseMs: number;
  jobs: Omit<ClaimedJob, 'leaseMs' | 'eventSeq'>[];
}

/**
 * remoteLink is the WorkerLink of a worker with no database: every call is a request of the HTTP
 * worker protocol (/v1/worker/*) with a worker key. A claim long-polls (`waitSeconds`), so the
 * pool needs no bus; a cancel or reclaim reaches the attempt as `409 lease_lost` on its next
 * heartbeat or write (LeaseLostError, with the reason), which stops it. Process time, `size`
 * and the handing back of a retry's earlier files are the API's business, so those are not sent.
 */
export function remoteLink(options: RemoteLinkOptions): WorkerLink {
  const client = protocolClient(options);
  const waitSeconds = options.waitSeconds ?? 20;
  const beating = new Set<string>();
  const leased = (attempt: LeasedAttempt, action: string) => ({
    path: `/v1/worker/jobs/${encodeURIComponent(attempt.id)}/${action}`,
    lease: attempt,
    timeoutMs: WRITE_TIMEOUT_MS,
  });
  return {
    longPolls: waitSeconds > 0,
    async claim(p) {
      let answer: ClaimAnswer;
      try {
        answer = await client.send<ClaimAnswer>({
          method: 'POST',
          path: '/v1/worker/claim',
          json: { workerId: p.workerId, types: p.types, max: Math.min(p.limit, MAX_CLAIM), waitSeconds, concurrency: options.concurrency, host: options.host },
          signal: p.signal,
          // The API answers by the end of the wait; the margin covers a slow network.
          timeoutMs: (waitSeconds + 10) * 1000,
        });
      } catch (error) {
        if (p.signal?.aborted) return []; // the pool is stopping: the API hands back whatever it claimed after we left
        throw error;
      }
      return answer.jobs.map((job) => ({ ...job, leaseMs: answer.leaseMs }) satisfies ClaimedJob);
    },
    onClaimable: () => () => undefined, // the long-poll claim is the wakeup
    watch: () => () => undefined, // a cancel arrives as the next heartbeat's 409 lease_lost `cancelled`
    begin: async () => undefined,
    async heartbeat(attempt) {
      // While the API is unreachable one heartbeat may retry for longer than the period: the next
      // ones wait for it rather than pile up behind it.
      if (beating.has(attempt.id)) return;
      beating.add(attempt.id);
      try {
        await client.send({ method: 'POST', ...leased(attempt, 'heartbeat'), json: {} });
      } finally {
        beating.delete(attempt.id);
      }
    },
    async progress(attempt, p) {
      await client.send({ method: 'POST', ...leased(attempt, 'heartbeat'), json: { progress: clampProgress(p.progress), statusMessage: p.message === undefined ? undefined : p.message === null ? null : String(p.message).slice(0, 500) } });
    },
    async storeFile(attempt, p) {
      return client.send<OutputFile>({
        method: 'PUT',
        ...leased(attempt, `files/${encodeURIComponent(p.name)}`),
        // A retried upload sends the same bytes again, so chunks are gathered first.
        bytes: p.data instanceof Uint8Array ? p.data : await gather(p.data),
        timeoutMs: options.uploadTimeoutMs ?? 10 * 60_000,
      });
    },
    async readJobFile(attempt, p) {
      try {
        return await client.send<Buffer>({
          method: 'GET',
          ...leased(attempt, `inputs/${encodeURIComponent(p.fromJob)}/files/${encodeURIComponent(p.name)}?maxBytes=${p.maxBytes}`),
          binary: true,
          timeoutMs: options.uploadTimeoutMs ?? 10 * 60_000,
        });
      } catch (error) {
        // The API says why the file cannot be had; the attempt fails as a local one would (409: not yet).
        if (error instanceof WorkerApiError && (error.code === 'input_file_missing' || error.code === 'input_too_large')) {
          throw new JobFailure(error.code, error.message, error.status === 409);
        }
        throw error;
      }
    },
    async listAccountJobs(attempt, p) {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(p)) if (value !== undefined && value !== null) query.set(name, String(value));
      const page = await client.send<AccountJobPage>({ method: 'GET', ...leased(attempt, `account-jobs?${query}`) });
      return { ...page, jobs: page.jobs.map(withDates) };
    },
    async complete(attempt, p) {
      await client.send({ method: 'POST', ...leased(attempt, 'complete'), json: { output: p.output } });
    },
    async fail(attempt, p) {
      await client.send({ method: 'POST', ...leased(attempt, 'fail'), json: { error: p.error, retryable: p.retryable } });
    },
    async release(attempt, defer) {
      // The protocol hands a job back at once; a job that must wait for its machine (a deferral)
      // would come straight back to this worker, so it fails retryably instead and waits out the backoff.
      if (defer) await client.send({ method: 'POST', ...leased(attempt, 'fail'), json: { error: defer.error, retryable: true } });
      else await client.send({ method: 'POST', ...leased(attempt, 'release') });
    },
  };
}

/** fetchWorkerKey asks the API which worker key this is and which types it may claim (`GET /v1/worker/key`). */
export function fetchWorkerKey(options: ProtocolClientOptions, signal?: AbortSignal): Promise<WorkerKeyInfo> {
  return protocolClient(options).send<WorkerKeyInfo>({ method: 'GET', path: '/v1/worker/key', signal, timeoutMs: WRITE_TIMEOUT_MS });
}

// The times of a job, which JSON carries as RFC 3339 strings: every Date field of AccountJob (a
// record over their names, so a time added to the job that is not listed here fails to compile).
type JobTime = { [K in keyof AccountJob]-?: NonNullable<AccountJob[K]> extends Date ? K : never }[keyof AccountJob];
const JOB_TIMES: Record<JobTime, true> = {
  runAt: true, startBy: true, createdAt: true, startedAt: true, completedAt: true, failedAt: true, cancelledAt: true, updatedAt: true, leaseExpiresAt: true,
};

/** withDates turns a listed job's times back into Dates, as a local worker's handler gets them. */
function withDates(job: AccountJob): AccountJob {
  const copy: Record<string, unknown> = { ...job };
  for (const name of Object.keys(JOB_TIMES)) if (typeof copy[name] === 'string') copy[name] = new Date(copy[name] as string);
  return copy as AccountJob;
}

async function gather(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** clampProgress keeps a handler's report within what the protocol takes (0–100). */
function clampProgress(progress: number): number {
  return Number.isFinite(progress) ? Math.max(0, Math.min(100, progress)) : 0;
}


