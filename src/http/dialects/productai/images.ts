import type { FastifyRequest } from 'fastify';
import type { Job } from '../../../domain/index.js';
import { type ServiceDeps, signFileLinkOf } from '../../../service/index.js';
import { apiLinks } from '../../links.js';
import { fileLinkUrl } from '../../routes/fileLinks.js';
import { outputFiles } from '../outputFiles.js';
import type { ProductaiImage } from './view.js';

/**
 * imageFilesOf are a completed job's image files by name, with their pixel size: the output's
 * `width`/`height` (what the render types write), else null.
 */
function imageFilesOf(job: Job): { name: string; width: number | null; height: number | null }[] {
  if (job.status !== 'completed') return [];
  const output = (job.output ?? {}) as { width?: unknown; height?: unknown };
  const size = (n: unknown) => (typeof n === 'number' ? n : null);
  return outputFiles(job)
    .filter((f) => f.contentType.startsWith('image/'))
    .map((f) => ({ name: f.name, width: size(output.width), height: size(output.height) }));
}

/**
 * jobImages are a completed job's image files with signed, expiring URLs on the origin the client
 * reached, as a CDN link works: in a browser or `requests.get(url)`, no key.
 */
export async function jobImages(deps: ServiceDeps, request: FastifyRequest, job: Job): Promise<ProductaiImage[]> {
  return Promise.all(
    imageFilesOf(job).map(async ({ name, width, height }) => ({ url: fileLinkUrl(request, await signFileLinkOf(deps, job, name)), width, height })),
  );
}

/**
 * webhookImages are a completed job's image files as its webhook carries them. A webhook body is
 * fixed when the job completes, inside the store's transaction, where no request tells the
 * server's origin and no link can be signed; so each `url` is the file's path on the server,
 * downloaded with the key (a GET of the job gives signed links).
 */
export function webhookImages(job: Job): ProductaiImage[] {
  return imageFilesOf(job).map(({ name, width, height }) => ({ url: apiLinks.jobFile(job.id, name), width, height }));
}
