import { type Clock, type Job, type JsonValue, LeaseLostError, MAX_STORED_DEPTH, jsonValueTooDeep } from '../domain/index.js';
import { JobDeferral, JobFailure, type JobContext, type JobFiles, type JobTypeRegistry, isJobFailure } from '../jobtypes/index.js';
import { type Attempt, type ServiceDeps, storeAttemptFile } from '../service/index.js';
import { claimedFromJob, localLink } from './localLink.js';
import type { ClaimedJob, LeasedAttempt, WorkerLink } from './workerLink.js';

/** StopReason says why an attempt was stopped before its handler finished. */
export type StopReason = 'cancelled' | 'timeout' | 'lease_lost' | 'shutdown';

/** RunningAttempt is one attempt in flight; `stop` fires its signal. */
export interface RunningAttempt {
  job: ClaimedJob;
  stop(reason: StopReason): void;
  /** done settles once the attempt's outcome is written (or discarded). */
  done: Promise<void>;
}

/** AttemptOptions tune one attempt. */
export interface AttemptOptions {
  heartbeatMs: number;
  onError: (error: unknown, context: string) => void;
  /** onWarn is told of each deferred attempt: a job that waits for its machine, not for itself. */
  onWarn: (message: string) => void;
}

/** AttemptHost is what running an attempt needs besides its link: the handlers and a clock for its process time. */
export interface AttemptHost {
  registry: JobTypeRegistry;
  clock: Clock;
  link: WorkerLink;
}

type Outcome = { ok: true; output: unknown; size: number } | { ok: false; error: unknown };

/** runAttempt runs one job claimed from this process's store (runClaimedAttempt over localLink). */
export function runAttempt(deps: ServiceDeps, job: Job, options: AttemptOptions): RunningAttempt {
  return runClaimedAttempt({ registry: deps.registry, clock: deps.clock, link: localLink(deps) }, claimedFromJob(job, deps.config.leaseMs), options);
}

/**
 * runClaimedAttempt runs one claimed job's handler with an AbortSignal, heartbeats its lease,
 * enforces its timeout and writes the outcome through the link. Once the signal fires (cancel,
 * timeout, lost lease, shutdown) the runtime stops waiting for the handler, and nothing the
 * handler reports afterwards reaches the job: its reports are dropped here, and the store (or the
 * API) refuses its stale lease anyway.
 */
export function runClaimedAttempt(host: AttemptHost, job: ClaimedJob, options: AttemptOptions): RunningAttempt {
  const { link } = host;
  const attempt: LeasedAttempt = { id: job.id, leaseToken: job.leaseToken };
  const controller = new AbortController();
  let reason: StopReason | null = null;
  const stop = (why: StopReason) => {
    if (reason !== null) return;
    reason = why;
    controller.abort(new Error(`attempt stopped: ${why}`));
  };
  const stopped = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  /** leaseLost stops the attempt when a write learns it lost the lease (a cancel says so by its reason); true when it did. */
  const leaseLost = (error: unknown): boolean => {
    if (!(error instanceof LeaseLostError)) return false;
    stop(error.reason === 'cancelled' ? 'cancelled' : 'lease_lost');
    return true;
  };

  const stopWatching = link.watch(job, stop);
  const timeout = setTimeout(() => stop('timeout'), job.timeoutMs);
  const heartbeat = setInterval(() => {
    link.heartbeat(attempt).catch((error) => {
      if (!leaseLost(error)) options.onError(error, `heartbeat of ${job.id}`);
    });
  }, options.heartbeatMs);
  heartbeat.unref();

  const startedAt = host.clock.now().getTime();
  const elapsed = () => Math.max(0, host.clock.now().getTime() - startedAt);

  const done = (async () => {
    try {
      const outcome = await Promise.race([runHandler(host, job, attempt, controller.signal, () => reason === null, leaseLost, options), stopped.then(() => null)]);
      stopWatching(); // our own outcome below is not a reason to stop
      if (reason !== null || outcome === null) return await afterStop(reason ?? 'lease_lost');
      if (outcome.ok) await finishOk(outcome.output, outcome.size);
      else await finishFailed(outcome.error);
    } catch (error) {
      if (!(error instanceof LeaseLostError)) options.onError(error, `finishing ${job.id}`);
    } finally {
      clearTimeout(timeout);
      clearInterval(heartbeat);
      stopWatching();
    }
  })();

  async function afterStop(why: StopReason): Promise<void> {
    if (why === 'timeout') {
      await link.fail(attempt, {
        error: { code: 'timeout', message: `The attempt ran past its timeout of ${job.timeoutMs} ms` },
        retryable: true,
        processTime: elapsed(),
      });
    } else if (why === 'shutdown') {
      await link.release(attempt);
    } // cancelled or lease lost: the job has moved on without us
  }

  async function finishOk(output: unknown, size: number): Promise<void> {
    const json = toJson(output);
    if (json === undefined || jsonValueTooDeep(json)) {
      const message = json === undefined ? 'The handler returned a value that is not JSON' : `The handler's output nests objects and arrays deeper than ${MAX_STORED_DEPTH} levels`;
      await link.fail(attempt, { error: { code: 'invalid_output', message }, retryable: false, processTime: elapsed() });
      return;
    }
    await link.complete(attempt, { output: json, size, processTime: elapsed() });
  }

  async function finishFailed(error: unknown): Promise<void> {
    if (error instanceof JobDeferral) {
      options.onWarn(`job ${job.id} deferred ${error.delayMs} ms, its attempt not counted: ${error.code}: ${error.message}`);
      await link.release(attempt, { error: { code: error.code, message: error.message.slice(0, 2000) }, delayMs: error.delayMs });
      return;
    }
    const failure = isJobFailure(error) ? error : null;
    await link.fail(attempt, {
      error: {
        code: failure?.code ?? 'handler_error',
        message: (error instanceof Error ? error.message : String(error)).slice(0, 2000),
      },
      retryable: failure?.retryable ?? true,
      processTime: elapsed(),
    });
  }

  return { job, stop, done };
}

async function runHandler(
  host: AttemptHost,
  job: ClaimedJob,
  attempt: LeasedAttempt,
  signal: AbortSignal,
  live: () => boolean,
  leaseLost: (error: unknown) => boolean,
  options: AttemptOptions,
): Promise<Outcome> {
  try {
    const run = host.registry.handler(job.type);
    const prepared = host.registry.prepareInput(job.type, job.input);
    if (!prepared.ok) throw new JobFailure('invalid_input', 'The stored input no longer matches the job type', false);
    const files = countedFiles((name, data) => host.link.storeFile(attempt, { name, data }));
    const ctx: JobContext = {
      job: { id: job.id, type: job.type, attempt: job.attempt, maxAttempts: job.maxAttempts, metadata: job.metadata },
      input: prepared.input,
      signal,
      async progress(percent, message) {
        if (!live()) return; // reports after the signal fired are discarded
        try {
          await host.link.progress(attempt, { progress: percent, message });
        } catch (error) {
          if (!leaseLost(error)) options.onError(error, `progress of ${job.id}`);
        }
      },
      files,
      readJobFile: (ref, p) => host.link.readJobFile(attempt, { fromJob: ref.fromJob, name: ref.file, maxBytes: p.maxBytes }),
      accountJobs: (p) => host.link.listAccountJobs(attempt, p),
    };
    await host.link.begin(job);
    const output = await run(ctx);
    return { ok: true, output, size: files.size() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * attemptFiles is a handler's `files`: it stores through the service and keeps the count of the
 * attempt's bytes for `job.size` (a file put again counts once, at its last size).
 */
export function attemptFiles(deps: Pick<ServiceDeps, 'files' | 'links'>, attempt: Pick<Attempt, 'id'>): JobFiles & { size(): number } {
  return countedFiles((name, data) => storeAttemptFile(deps, attempt, { name, data }));
}

/** countedFiles is a handler's `files` over `put`, counting the attempt's bytes (a file put again counts once, at its last size). */
function countedFiles(put: JobFiles['put']): JobFiles & { size(): number } {
  const sizes = new Map<string, number>();
  return {
    async put(name, data) {
      const stored = await put(name, data);
      sizes.set(name, stored.size);
      return stored;
    },
    size: () => [...sizes.values()].reduce((sum, size) => sum + size, 0),
  };
}

function toJson(value: unknown): JsonValue | undefined {
  if (value === undefined) return null;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
  } catch {
    return undefined;
  }
}
