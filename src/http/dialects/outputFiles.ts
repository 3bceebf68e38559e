import type { Job } from '../../domain/index.js';

/** ListedFile is an output file as a job's `output.files` lists it. */
export interface ListedFile {
  name: string;
  contentType: string;
  size: number;
}

/**
 * outputFiles are the files a job's output lists (`output.files`, as the render types and
 * `files.put` write it); none when the output has no such list. Dialects that show files by
 * their own names read them here, in one place.
 */
export function outputFiles(job: Job): ListedFile[] {
  const files = (job.output as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) return [];
  return files.filter(
    (f): f is ListedFile => typeof f === 'object' && f !== null && typeof f.name === 'string' && typeof f.contentType === 'string' && typeof f.size === 'number',
  );
}
