/**
 * Longrun's public entry, `import { defineJobType, JobFailure } from 'longrun'`: what a
 * `--handlers` module needs to define job types (a spec and its handler, or with
 * `defineJobSpec` a spec whose code runs elsewhere) and fail with its own codes.
 */
export {
  defineJobSpec,
  defineJobType,
  JobFailure,
  isJobFailure,
  type AccountJob,
  type AccountJobPage,
  type InputCheckContext,
  type JobContext,
  type JobFileRef,
  type JobFiles,
  type JobHandler,
  type JobSpec,
  type JobTypeDefinition,
  type JsonSchema,
  type OutputFile,
} from './jobtypes/define.js';
export type { FieldProblem, JobFilterRequest, JsonObject, JsonValue } from './domain/index.js';
