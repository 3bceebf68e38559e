/**
 * File sources: how a job type that works on a file (an image to transform, a PDF to read) is told
 * where it is. An input field holds either an http(s) URL, downloaded through the URL guard, or
 * `{ "fromJob": "job_…", "file": "name" }`, a file of an earlier job of the same account, so one
 * job's output feeds another. Checked at create (the guard; the job exists in the account),
 * resolved when the job runs.
 */
import { type FieldProblem, PATTERN_MESSAGE } from '../domain/index.js';
import { HttpStatusError, ResponseTooLargeError, UnsafeTargetError, guardedGet } from '../egress/index.js';
import { type InputCheckContext, type JobContext, type JobFileRef, type JsonSchema, JobFailure } from './define.js';
import { urlProblem } from './urlProblem.js';

/** FileSource is a file-taking field's value: a URL, or an earlier job's file. */
export type FileSource = string | JobFileRef;

/** HTTP_URL words the schema's check of an http(s) URL for clients; the URL guard judges the rest. */
export const HTTP_URL = { pattern: '^[hH][tT][tT][pP][sS]?://', [PATTERN_MESSAGE]: 'must be an http:// or https:// URL' };

/**
 * fileSourceSchema is the schema of a file-taking field: an http(s) URL, or `{ fromJob, file }`.
 * `what` words the file for its description (`the image`).
 */
export function fileSourceSchema(what: string): JsonSchema {
  return {
    description: `Where ${what} comes from: an http(s) URL, or { "fromJob": "job_…", "file": "name" }, a file of an earlier job of this account.`,
    oneOf: [
      {
        type: 'string',
        minLength: 1,
        maxLength: 4096,
        ...HTTP_URL,
        description: `The http(s) URL of ${what}. It, and each redirect (at most 5), must pass the URL guard.`,
      },
      {
        type: 'object',
        additionalProperties: false,
        required: ['fromJob', 'file'],
        properties: {
          fromJob: {
            type: 'string',
            pattern: '^job_[0-9A-HJKMNP-TV-Z]{26}$',
            [PATTERN_MESSAGE]: 'must be a job id (job_ and 26 characters)',
            description: 'An earlier job of this account; it must have completed by the time this job runs.',
          },
          file: {
            type: 'string',
            minLength: 1,
            maxLength: 128,
            pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
            [PATTERN_MESSAGE]: 'must be a file name (letters, digits, . _ -)',
            description: 'The name of one of its output files, as its `output.files` lists it (`document.pdf`).',
          },
        },
      },
    ],
  };
}

/**
 * checkFileSource finds at create what the schema cannot: a URL the guard refuses, or an earlier
 * job that does not exist in the account. Each problem names the field at `path` (`/input/source`).
 */
export async function checkFileSource(source: FileSource | undefined, path: string, context: InputCheckContext): Promise<FieldProblem[]> {
  if (source === undefined) return [];
  if (typeof source === 'string') {
    const problem = await urlProblem(source, path, context);
    return problem ? [problem] : [];
  }
  const job = await context.findJob(source.fromJob);
  return job ? [] : [{ path: `${path}/fromJob`, message: `names no job of this account: ${source.fromJob} was not found` }];
}

/** FileSourceLimits bound reading a source: its bytes, and what a download may reach. */
export interface FileSourceLimits {
  maxBytes: number;
  allowPrivateTargets: boolean;
  /** accept is the download's `Accept` header: the media types the job type reads. */
  accept: string;
}

/**
 * readFileSource fetches a source's bytes for a running attempt: a URL through the URL guard
 * (each redirect checked again, `ctx.signal` ending it), an earlier job's file through
 * `ctx.readJobFile`. It fails the attempt with `input_too_large` (over `maxBytes`, final),
 * `download_failed` (refused by the guard or answered 4xx: final; 5xx or a network error:
 * retried) or the codes readJobFile throws.
 */
export async function readFileSource(ctx: Pick<JobContext, 'signal' | 'readJobFile'>, source: FileSource, limits: FileSourceLimits): Promise<Uint8Array> {
  if (typeof source !== 'string') return ctx.readJobFile(source, { maxBytes: limits.maxBytes });
  const where = source.split('?')[0]!.slice(0, 300);
  try {
    const answer = await guardedGet(source, { allowPrivate: limits.allowPrivateTargets, maxBytes: limits.maxBytes, signal: ctx.signal, headers: { accept: limits.accept } });
    return answer.body;
  } catch (error) {
    if (ctx.signal.aborted) throw error; // the runtime knows why already
    if (error instanceof ResponseTooLargeError) throw new JobFailure('input_too_large', `${where} is larger than the limit of ${limits.maxBytes} bytes`, false);
    if (error instanceof UnsafeTargetError) throw new JobFailure('download_failed', `${where} was refused by the URL guard: ${error.message}`, false);
    if (error instanceof HttpStatusError) {
      const passing = error.status >= 500 || error.status === 408 || error.status === 429;
      throw new JobFailure('download_failed', `Downloading failed: ${error.message}`, passing);
    }
    const { code, message } = error as NodeJS.ErrnoException;
    throw new JobFailure('download_failed', `Downloading ${where} failed: ${code ? `${code}: ` : ''}${message}`.slice(0, 500));
  }
}
