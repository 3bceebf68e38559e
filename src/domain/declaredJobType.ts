/**
 * Declared job types: a job type an operator declares without code (PUT /v1/admin/job-types/…,
 * `longrun types put`). Its spec lives in the store, so every API node accepts its jobs at once,
 * and its jobs wait for a remote worker: no process of ours has a handler for it.
 */
import type { JsonObject } from './job.js';

/** DeclaredJobTypeSpec is what an operator declares: a job type's spec, as plain JSON. */
export interface DeclaredJobTypeSpec {
  /** type is the name clients send, lowercase words joined by `/` (`py/reverse`). */
  type: string;
  description: string;
  /** inputSchema is the JSON Schema a job's `input` must match (an object schema). */
  inputSchema: JsonObject;
  /** privateFields are top-level input fields kept for the worker but never echoed back. */
  privateFields: string[];
  /** creditCost is charged when a job is created and refunded if it fails or is cancelled. */
  creditCost: number;
  /** timeoutMs bounds one attempt unless the job sets its own. */
  timeoutMs: number;
  /** maxAttempts bounds the attempts unless the job sets its own. */
  maxAttempts: number;
}

/** DeclaredJobType is a declared spec as stored. */
export interface DeclaredJobType extends DeclaredJobTypeSpec {
  /**
   * revision is fresh at every put (a ULID), so a node that compiled an earlier spec of the same
   * name (even one deleted and declared again) knows its copy is stale.
   */
  revision: string;
  createdAt: Date;
  /** updatedAt is when the spec was last put. */
  updatedAt: Date;
}

/** MAX_INPUT_SCHEMA_BYTES bounds a declared input schema as JSON text: every node compiles it, and GET /v1/job-types lists it. */
export const MAX_INPUT_SCHEMA_BYTES = 64 * 1024;
