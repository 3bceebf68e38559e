/**
 * Longrun's public entry, `import { defineJobType, JobFailure } from 'longrun'`: what a
 * `--handlers` module needs to define job types and fail with its own codes.
 */
export {
  defineJobType,
  JobFailure,
  isJobFailure,
  type InputCheckContext,
  type JobContext,
  type JobFiles,
  type JobTypeDefinition,
  type JsonSchema,
  type OutputFile,
} from './jobtypes/define.js';
export type { FieldProblem, JsonObject, JsonValue } from './domain/index.js';
