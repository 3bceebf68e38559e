import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type JobTypeDefinition, defineJobType } from '../jobtypes/index.js';

/**
 * loadHandlers imports a module of extra job types (`--handlers`). It may export them as the
 * default export (one or an array) or as `jobTypes`; each is checked with `defineJobType`.
 */
export async function loadHandlers(path: string): Promise<JobTypeDefinition<any, any>[]> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`--handlers ${path}: cannot load it: ${(error as Error).message.split('\n')[0]}`);
  }
  const exported = module.jobTypes ?? module.default;
  const list = Array.isArray(exported) ? exported : exported ? [exported] : [];
  if (list.length === 0) throw new Error(`--handlers ${path}: export job types as the default export or as \`jobTypes\``);
  return list.map((definition) => defineJobType(definition as JobTypeDefinition<any, any>));
}
