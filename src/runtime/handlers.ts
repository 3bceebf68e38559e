import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type JobSpec, type JobTypeDefinition, defineJobSpec, defineJobType, isJobSpec } from '../jobtypes/index.js';

/**
 * loadHandlers imports a module of extra job types (`--handlers`). It may export them as the
 * default export (one or an array) or as `jobTypes`. Each is checked with `defineJobType`, except
 * a spec made with `defineJobSpec` (a type whose code runs elsewhere), which is checked as a spec.
 */
export async function loadHandlers(path: string): Promise<JobSpec<any>[]> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`--handlers ${path}: cannot load it: ${(error as Error).message.split('\n')[0]}`);
  }
  const exported = module.jobTypes ?? module.default;
  const list = Array.isArray(exported) ? exported : exported ? [exported] : [];
  if (list.length === 0) throw new Error(`--handlers ${path}: export job types as the default export or as \`jobTypes\``);
  // Only a spec marked by defineJobSpec may come without `run`: a job type that forgot it fails here.
  return list.map((type) => (isJobSpec(type) ? defineJobSpec(type) : defineJobType(type as JobTypeDefinition<any, any>)));
}
