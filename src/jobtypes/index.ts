/** Job types: specs and handlers, the registry, `defineJobType`/`defineJobSpec`, and the built-in types. */
import { demoSleep } from './demo/sleep.js';
import type { JobTypeDefinition } from './define.js';

export {
  defineJobSpec,
  defineJobType,
  isJobSpec,
  jobSpecProblems,
  JobDeferral,
  JobFailure,
  isJobFailure,
  type InputCheckContext,
  type AccountJob,
  type AccountJobPage,
  MAX_ACCOUNT_JOBS_PAGE,
  type JobContext,
  type JobFileRef,
  type JobFiles,
  type JobHandler,
  type JobSpec,
  type JobTypeDefinition,
  type JsonSchema,
  type OutputFile,
} from './define.js';
export { JobTypeRegistry, type RegisteredJobType, inputSchemaAjv } from './registry.js';
export { DECLARED_SPEC_SCHEMA, parseDeclaredSpec } from './declaredSpec.js';

/** BUILTIN_JOB_TYPES ship with Longrun. */
export const BUILTIN_JOB_TYPES: readonly JobTypeDefinition<any, any>[] = [demoSleep];
