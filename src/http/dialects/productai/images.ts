import type { FastifyRequest } from 'fastify';
import type { Job } from '../../../domain/index.js';
import { type ServiceDeps, signFileLinkOf } from '../../../service/index.js';
import { fileLinkUrl } from '../../routes/fileLinks.js';
import { outputFiles } from '../outputFiles.js';
import type { ProductaiImage } from './view.js';

/**
 * jobImages are a completed job's image files with signed, expiring URLs on the origin the client
 * reached, as a CDN link works: in a browser or `requests.get(url)`, no key. The pixel size is the
 * output's `width`/`height` (what the render types write), else null.
 */
export async function jobImages(deps: ServiceDeps, request: FastifyRequest, job: Job): Promise<ProductaiImage[]> {
  if (job.status !== 'completed') return [];
  const output = (job.output ?? {}) as { width?: unknown; height?: unknown };
  const size = (n: unknown) => (typeof n === 'number' ? n : null);
  const images = outputFiles(job).filter((f) => f.contentType.startsWith('image/'));
  return Promise.all(
    images.map(async (file) => ({ url: fileLinkUrl(request, await signFileLinkOf(deps, job, file.name)), width: size(output.width), height: size(output.height) })),
  );
}
