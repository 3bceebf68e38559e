import { Ajv } from 'ajv';
import {
  type DeclaredJobTypeSpec,
  type FieldProblem,
  MAX_INPUT_SCHEMA_BYTES,
  MAX_STORED_DEPTH,
  jsonBytes,
  jsonValueTooDeep,
  schemaProblem,
} from '../domain/index.js';
import { jobSpecProblems } from './define.js';
import { inputSchemaAjv } from './registry.js';

/**
 * DECLARED_SPEC_SCHEMA is the JSON shape of a declared job type's spec: the body of
 * `PUT /v1/admin/job-types/{type}` and the file `longrun types put` reads. `type` may be left out
 * where the name comes from elsewhere (the path).
 */
export const DECLARED_SPEC_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'inputSchema', 'creditCost', 'timeoutMs', 'maxAttempts'],
  properties: {
    type: { type: 'string', maxLength: 100, description: 'The name; where the path names it too, the two must agree.' },
    description: { type: 'string', maxLength: 2000 },
    inputSchema: {
      type: 'object',
      additionalProperties: true,
      description: 'JSON Schema (draft 2020-12, strict) of `input`; must describe an object. At most 64 KiB as JSON.',
    },
    privateFields: {
      type: 'array',
      maxItems: 100,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 200 },
      description: 'Top-level input fields kept for the worker but never shown back. Default none.',
    },
    creditCost: { type: 'integer', minimum: 0, maximum: 1_000_000_000, description: 'Charged at creation, refunded on failure or cancel.' },
    timeoutMs: { type: 'integer', minimum: 1, maximum: 86_400_000, description: 'One attempt’s time limit unless a job sets its own.' },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 100, description: 'Attempts unless a job sets its own.' },
  },
} as const;

const checkShape = new Ajv({ allErrors: true, strict: false }).compile(DECLARED_SPEC_SCHEMA);

/**
 * parseDeclaredSpec checks a declared spec (JSON from a client or a file) as defineJobSpec checks
 * one in code, and more, since nobody reviewed it: its shape, the rules every spec holds
 * (jobSpecProblems), and that its input schema compiles with the validator jobs are checked with.
 * Every problem names its field by JSON pointer (`/inputSchema`).
 */
export function parseDeclaredSpec(value: unknown): { ok: true; spec: DeclaredJobTypeSpec } | { ok: false; errors: FieldProblem[] } {
  // Depth first: what follows (Ajv's compile above all) recurses into the schema.
  if (jsonValueTooDeep(value, MAX_STORED_DEPTH)) return fail('', `nests objects and arrays deeper than ${MAX_STORED_DEPTH} levels`);
  if (!checkShape(value)) return { ok: false, errors: (checkShape.errors ?? []).map(schemaProblem) };
  const given = value as Omit<DeclaredJobTypeSpec, 'privateFields'> & { privateFields?: string[] };
  const spec: DeclaredJobTypeSpec = { ...given, type: given.type ?? '', privateFields: given.privateFields ?? [] };
  const problems = jobSpecProblems(spec);
  if (problems.length > 0) return { ok: false, errors: problems };
  if (jsonBytes(spec.inputSchema) > MAX_INPUT_SCHEMA_BYTES) return fail('/inputSchema', `must be at most ${MAX_INPUT_SCHEMA_BYTES} bytes as JSON`);
  try {
    inputSchemaAjv().compile(spec.inputSchema);
  } catch (error) {
    return fail('/inputSchema', `is not a JSON Schema this server can use: ${(error as Error).message}`);
  }
  return { ok: true, spec };
}

function fail(path: string, message: string): { ok: false; errors: FieldProblem[] } {
  return { ok: false, errors: [{ path, message }] };
}
