import type { Job } from '../domain/index.js';
import type { FileBody } from '../files/index.js';
import type { OutputFile } from '../jobtypes/index.js';
import type { Attempt } from './attempts.js';
import type { ServiceDeps } from './deps.js';

/**
 * storeAttemptFile stores one output file of a running attempt, replacing one of the same name,
 * and returns it as the job's output lists it, with the link the API serves it at. `data` may be
 * a stream (an upload as it arrives: it is never held whole), `contentType` overrides the one the
 * extension names, and a body over `maxBytes` is refused (FileTooLargeError, 413) keeping nothing.
 * It refuses when this process has no file store. The lease is not checked here: an in-process
 * worker holds it, and whoever takes files from a remote worker must check the lease first.
 */
export async function storeAttemptFile(
  deps: Pick<ServiceDeps, 'files' | 'links'>,
  attempt: Pick<Attempt, 'id'>,
  file: { name: string; data: FileBody; contentType?: string; maxBytes?: number },
): Promise<OutputFile> {
  if (!deps.files) throw new Error('This process has no file store, so the job cannot store files');
  const stored = await deps.files.fileWrite({ jobId: attempt.id, name: file.name, body: file.data, contentType: file.contentType, maxBytes: file.maxBytes });
  return { ...stored, url: deps.links.jobFile(attempt.id, file.name) };
}

/**
 * discardEarlierAttemptFiles makes a retry start clean: files an earlier attempt left are not this
 * attempt's output. A first attempt has none to discard.
 */
export async function discardEarlierAttemptFiles(deps: Pick<ServiceDeps, 'files'>, job: Pick<Job, 'id' | 'attempts'>): Promise<void> {
  if (job.attempts > 1) await deps.files?.deleteJobFiles(job.id);
}
