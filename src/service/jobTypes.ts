import {
  type DeclaredJobType,
  InvalidRequestError,
  JobTypeConflictError,
  NotFoundError,
  UnknownJobTypeError,
  ulid,
} from '../domain/index.js';
import { type JobSpec, type RegisteredJobType, parseDeclaredSpec } from '../jobtypes/index.js';
import type { ServiceDeps } from './deps.js';

/**
 * Job types as the API sees them: the types this process has in code (built in, `--handlers`) and
 * the types an operator declared without code, whose specs live in the store. Declared types are
 * read through from the store whenever a job names one, so a type declared through any node is
 * accepted by every node as soon as the declaration returns, and a deleted one is refused as soon
 * as the delete returns: no cache to expire, only compiled validators, kept per revision.
 */

/** JobTypeRunsOn says who runs a type: `local`, Longrun's own workers (code); `remote`, a worker over the HTTP protocol (declared). */
export type JobTypeRunsOn = 'local' | 'remote';

/** ListedJobType is a job type's spec as GET /v1/job-types lists it, with who runs it. */
export type ListedJobType = JobSpec<any> & { runsOn: JobTypeRunsOn; unavailable?: string };

/**
 * resolveJobType returns the spec a new job of `type` is checked against: the type in code when
 * this process has it, else the declared type as the store has it now. Throws UnknownJobTypeError.
 */
export async function resolveJobType(deps: ServiceDeps, type: string): Promise<RegisteredJobType> {
  if (deps.registry.has(type)) return deps.registry.get(type);
  const stored = await deps.store.jobTypeSpecGet({ type });
  if (!stored) {
    deps.registry.forgetDeclared(type);
    deps.registry.get(type); // an unavailable type says why
    throw new UnknownJobTypeError(type);
  }
  return deps.registry.declared(stored);
}

/**
 * putJobType declares a job type, or replaces the declared type of that name, from its spec as a
 * client or a file gave it (checked by parseDeclaredSpec: `400` naming each bad field). A name that
 * a type in code has is refused (JobTypeConflictError): jobs of it would run here. Jobs already
 * created keep the limits and cost they were created with.
 */
export async function putJobType(deps: ServiceDeps, request: unknown): Promise<{ jobType: DeclaredJobType; created: boolean }> {
  const parsed = parseDeclaredSpec(request);
  if (!parsed.ok) throw new InvalidRequestError('The job type spec is not valid', parsed.errors);
  if (deps.registry.has(parsed.spec.type)) throw new JobTypeConflictError(parsed.spec.type);
  const now = deps.clock.now();
  return deps.store.jobTypeSpecPut({ spec: parsed.spec, revision: ulid(now.getTime()), now });
}

/**
 * deleteJobType deletes a declared type: new jobs of it are refused from then on, and jobs already
 * created stay as they are (a pending one still waits for a remote worker). Throws NotFoundError
 * when no type of that name is declared.
 */
export async function deleteJobType(deps: ServiceDeps, type: string): Promise<void> {
  if (!(await deps.store.jobTypeSpecDelete({ type }))) throw new NotFoundError(`Job type ${JSON.stringify(type)} is not declared`);
  deps.registry.forgetDeclared(type);
}

/**
 * listJobTypes returns every type a client can create jobs of, by name: the types in code
 * (`local`) and the declared ones (`remote`). Where a declared type has the name of a type in code
 * (declared before a process started with it in `--handlers`), this process runs the one in code,
 * so only that one is listed. A built-in type this process cannot run (registerUnavailable) is
 * listed with `unavailable`, the reason, unless a declared type of its name takes its jobs.
 */
export async function listJobTypes(deps: ServiceDeps): Promise<ListedJobType[]> {
  const local: ListedJobType[] = deps.registry.list().map(({ validate: _validate, ...spec }) => ({ ...spec, runsOn: 'local' }));
  const declared: ListedJobType[] = (await deps.store.jobTypeSpecList())
    .filter((stored) => !deps.registry.has(stored.type))
    .map(({ revision: _revision, createdAt: _createdAt, updatedAt: _updatedAt, ...spec }) => ({ ...spec, runsOn: 'remote' }));
  const unavailable: ListedJobType[] = deps.registry
    .unavailableTypes()
    .filter(({ spec }) => !declared.some((t) => t.type === spec.type))
    .map(({ spec, reason }) => ({ ...spec, runsOn: 'local', unavailable: reason }));
  return [...local, ...declared, ...unavailable].sort((a, b) => a.type.localeCompare(b.type));
}

/** listDeclaredJobTypes returns the declared types as stored, by name (the operator's view: revision and times). */
export function listDeclaredJobTypes(deps: ServiceDeps): Promise<DeclaredJobType[]> {
  return deps.store.jobTypeSpecList();
}
