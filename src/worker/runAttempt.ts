import { type Job, type JsonValue, LeaseLostError, MAX_STORED_DEPTH, jsonValueTooDeep } from '../domain/index.js';
import { JobDeferral, JobFailure, type JobContext, type JobFiles, isJobFailure } from '../jobtypes/index.js';
import {
  type Attempt,
  completeAttempt,
  discardEarlierAttemptFiles,
  failAttempt,
  heartbeatAttempt,
  releaseAttempt,
  reportProgress,
  type ServiceDeps,
  storeAttemptFile,
} from '../service/index.js';

/** StopReason says why an attempt was stopped before its handler finished. */
export type StopReason = 'cancelled' | 'timeout' | 'lease_lost' | 'shutdown';

/** RunningAttempt is one attempt in flight; `stop` fires its signal. */
export interface RunningAttempt {
  job: Job;
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

type Outcome = { ok: true; output: unknown; size: number } | { ok: false; error: unknown };

/**
 * runAttempt runs one claimed job's handler with an AbortSignal, heartbeats its lease, enforces
 * its timeout and writes the outcome. Once the signal fires (cancel, timeout, lost lease,
 * shutdown) the runtime stops waiting for the handler, and nothing the handler reports afterwards
 * reaches the job: its reports are dropped here, and the store refuses its stale lease anyway.
 */
export function runAttempt(deps: ServiceDeps, job: Job, options: AttemptOptions): RunningAttempt {
  const attempt: Attempt = { id: job.id, leaseToken: job.leaseToken! };
  const controller = new AbortController();
  let reason: StopReason | null = null;
  const stop = (why: StopReason) => {
    if (reason !== null) return;
    reason = why;
    controller.abort(new Error(`attempt stopped: ${why}`));
  };
  const stopped = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));

  // A later change that carries another lease (cancel, reap) means this attempt no longer owns
  // the job. Changes relayed from other processes may arrive late, carrying the job as it was
  // before this claim (pending, no lease): those are older than the claim and say nothing.
  const stopListening = deps.bus.onJob(job.id, (change) => {
    if (change.job.eventSeq <= job.eventSeq || change.job.leaseToken === attempt.leaseToken) return;
    stop(change.job.status === 'cancelled' ? 'cancelled' : 'lease_lost');
  });
  const timeout = setTimeout(() => stop('timeout'), job.timeoutMs);
  const heartbeat = setInterval(() => {
    heartbeatAttempt(deps, attempt).catch((error) => {
      if (error instanceof LeaseLostError) stop('lease_lost');
      else options.onError(error, `heartbeat of ${job.id}`);
    });
  }, options.heartbeatMs);
  heartbeat.unref();

  const startedAt = deps.clock.now().getTime();
  const elapsed = () => Math.max(0, deps.clock.now().getTime() - startedAt);

  const done = (async () => {
    try {
      const outcome = await Promise.race([
        runHandler(deps, job, attempt, controller.signal, () => reason === null, stop, options),
        stopped.then(() => null),
      ]);
      stopListening(); // our own outcome below is not a reason to stop
      if (reason !== null || outcome === null) return await afterStop(reason ?? 'lease_lost');
      if (outcome.ok) await finishOk(outcome.output, outcome.size);
      else await finishFailed(outcome.error);
    } catch (error) {
      if (!(error instanceof LeaseLostError)) options.onError(error, `finishing ${job.id}`);
    } finally {
      clearTimeout(timeout);
      clearInterval(heartbeat);
      stopListening();
    }
  })();

  async function afterStop(why: StopReason): Promise<void> {
    if (why === 'timeout') {
      await failAttempt(deps, attempt, {
        error: { code: 'timeout', message: `The attempt ran past its timeout of ${job.timeoutMs} ms` },
        retryable: true,
        processTime: elapsed(),
      });
    } else if (why === 'shutdown') {
      await releaseAttempt(deps, attempt);
    } // cancelled or lease lost: the job has moved on without us
  }

  async function finishOk(output: unknown, size: number): Promise<void> {
    const json = toJson(output);
    if (json === undefined || jsonValueTooDeep(json)) {
      const message = json === undefined ? 'The handler returned a value that is not JSON' : `The handler's output nests objects and arrays deeper than ${MAX_STORED_DEPTH} levels`;
      await failAttempt(deps, attempt, {
        error: { code: 'invalid_output', message },
        retryable: false,
        processTime: elapsed(),
      });
      return;
    }
    await completeAttempt(deps, attempt, { output: json, size, processTime: elapsed() });
  }

  async function finishFailed(error: unknown): Promise<void> {
    if (error instanceof JobDeferral) {
      options.onWarn(`job ${job.id} deferred ${error.delayMs} ms, its attempt not counted: ${error.code}: ${error.message}`);
      await releaseAttempt(deps, attempt, { error: { code: error.code, message: error.message.slice(0, 2000) }, delayMs: error.delayMs });
      return;
    }
    const failure = isJobFailure(error) ? error : null;
    await failAttempt(deps, attempt, {
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
  deps: ServiceDeps,
  job: Job,
  attempt: Attempt,
  signal: AbortSignal,
  live: () => boolean,
  stop: (why: StopReason) => void,
  options: AttemptOptions,
): Promise<Outcome> {
  try {
    const run = deps.registry.handler(job.type);
    const prepared = deps.registry.prepareInput(job.type, { ...job.input, ...(job.privateInput ?? {}) });
    if (!prepared.ok) throw new JobFailure('invalid_input', 'The stored input no longer matches the job type', false);
    const files = attemptFiles(deps, attempt);
    const ctx: JobContext = {
      job: { id: job.id, type: job.type, attempt: job.attempts, maxAttempts: job.maxAttempts, metadata: job.metadata },
      input: prepared.input,
      signal,
      async progress(percent, message) {
        if (!live()) return; // reports after the signal fired are discarded
        try {
          await reportProgress(deps, attempt, { progress: percent, message });
        } catch (error) {
          if (error instanceof LeaseLostError) stop('lease_lost');
          else options.onError(error, `progress of ${job.id}`);
        }
      },
      files,
    };
    await discardEarlierAttemptFiles(deps, job);
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
  const sizes = new Map<string, number>();
  return {
    async put(name, data) {
      const stored = await storeAttemptFile(deps, attempt, { name, data });
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
