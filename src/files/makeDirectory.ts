import { existsSync, mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

// Why not mkdir(path, { recursive: true }): on Node 20 it never returns when the kernel answers
// ENOENT for a folder whose parent exists (any path under /proc, for one), so `--data-dir
// /proc/x` hung the process. These make one missing folder at a time, from the top down, and
// throw the first refusal as it is.

/** makeDirectorySync makes `path` and any missing parents; throws the first folder the system refuses. */
export function makeDirectorySync(path: string): void {
  for (const folder of missingFolders(resolve(path), existsSync)) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotMake(folder, error);
    }
  }
}

/** makeDirectory makes `path` and any missing parents; throws the first folder the system refuses. */
export async function makeDirectory(path: string): Promise<void> {
  // The look for what exists is a few stat calls: synchronous, as in makeDirectorySync.
  for (const folder of missingFolders(resolve(path), existsSync)) {
    try {
      await mkdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotMake(folder, error);
    }
  }
}

function missingFolders(path: string, present: (path: string) => boolean): string[] {
  const folders: string[] = [];
  for (let current = path; !present(current); current = dirname(current)) {
    folders.unshift(current);
    if (dirname(current) === current) break;
  }
  return folders;
}

function cannotMake(folder: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new Error(`cannot make the folder ${folder} (${code})`, { cause: error });
}
