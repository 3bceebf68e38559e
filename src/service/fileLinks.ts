import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, type Job } from '../domain/index.js';
import type { Principal, ServiceDeps } from './deps.js';
import { type ByteRangeRequest, type JobFileDownload, openJobFile } from './jobFiles.js';
import { getJob } from './readJobs.js';

/** FILE_LINK_DEFAULT_SECONDS is how long a link lives unless asked otherwise; FILE_LINK_MAX_SECONDS the longest. */
export const FILE_LINK_DEFAULT_SECONDS = 3600;
export const FILE_LINK_MAX_SECONDS = 7 * 86_400;

/** FileLink is a signed link's parts: the job, the file, when it stops working, and its signature. */
export interface FileLink {
  jobId: string;
  name: string;
  /** expires is Unix time in seconds. */
  expires: number;
  signature: string;
}

/**
 * The signing key is derived from the owning account's webhook secret: every node has it (it is
 * in the store), no new secret needs configuring, and rotating the webhook secret revokes every
 * link handed out before. The owner, who can read the secret, can forge links only to its own files.
 */
function signature(webhookSecret: string, jobId: string, name: string, expires: number): string {
  const key = createHmac('sha256', webhookSecret).update('longrun file link v1').digest();
  return createHmac('sha256', key).update(`${jobId}\n${name}\n${expires}`).digest('hex');
}

/**
 * signJobFileLink signs a link to an output file of the caller's job, valid `seconds` from now:
 * anyone holding it may download that one file (a browser, `requests.get(url)`) until it expires.
 * The file need not exist yet; the download answers 404 if it does not.
 */
export async function signJobFileLink(deps: ServiceDeps, principal: Principal, p: { jobId: string; name: string; seconds?: number }): Promise<FileLink> {
  const job = await getJob(deps, principal, p.jobId);
  return signFileLinkOf(deps, job, p.name, p.seconds);
}

/** signFileLinkOf signs a link to a file of a job already read (a dialect's view lists several). */
export async function signFileLinkOf(deps: ServiceDeps, job: Job, name: string, seconds = FILE_LINK_DEFAULT_SECONDS): Promise<FileLink> {
  const account = await deps.store.accountGet({ id: job.accountId });
  const expires = Math.floor(deps.clock.now().getTime() / 1000) + seconds;
  return { jobId: job.id, name, expires, signature: signature(account?.webhookSecret ?? '', job.id, name, expires) };
}

/**
 * openSignedJobFile opens the file a signed link names, as its owner would download it. A link
 * whose signature does not match, or that has expired, is refused (403) before the file is read;
 * a job that is gone, or has no such file, is not found.
 */
export async function openSignedJobFile(deps: ServiceDeps, link: FileLink, p: { range?: ByteRangeRequest | null; metadataOnly?: boolean }): Promise<JobFileDownload> {
  const job = await deps.store.jobGet({ id: link.jobId });
  const account = job ? await deps.store.accountGet({ id: job.accountId }) : null;
  const expected = Buffer.from(signature(account?.webhookSecret ?? '', link.jobId, link.name, link.expires), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(link.signature) ? link.signature : '', 'hex');
  // Compare even when the job is unknown, so the answer takes the same time either way.
  const equal = given.length === expected.length && timingSafeEqual(given, expected);
  if (!account || !equal) throw new ForbiddenError('The link’s signature does not match');
  if (link.expires * 1000 <= deps.clock.now().getTime()) throw new ForbiddenError('The link has expired');
  const owner: Principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
  return openJobFile(deps, owner, { jobId: link.jobId, name: link.name, range: p.range, metadataOnly: p.metadataOnly });
}
