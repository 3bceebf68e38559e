/**
 * How a JSON Schema validation error reads to a client. Both validators, the HTTP layer's (bodies,
 * query strings, headers) and the job types' (`input`), word their errors here, so a field
 * problem reads the same wherever it was found.
 */

/** SchemaError is the part of an Ajv error read here; `parentSchema` is there when Ajv is `verbose`. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
  parentSchema?: unknown;
}

/**
 * PATTERN_MESSAGE is the schema keyword that says in words what a `pattern` asks for
 * (`must be an http:// or https:// URL`); a client is shown it instead of the expression.
 */
export const PATTERN_MESSAGE = 'x-pattern-message';

/** schemaProblem words one error: its JSON pointer into the validated value, and a message. */
export function schemaProblem(error: SchemaError): { path: string; message: string } {
  const { keyword, params } = error;
  if (keyword === 'required') return { path: `${error.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
  if (keyword === 'additionalProperties') return { path: `${error.instancePath}/${String(params.additionalProperty)}`, message: 'is not a known field' };
  if (keyword === 'enum' && Array.isArray(params.allowedValues)) return { path: error.instancePath, message: `must be one of ${params.allowedValues.join(', ')}` };
  const worded = keyword === 'pattern' ? (error.parentSchema as Record<string, unknown> | undefined)?.[PATTERN_MESSAGE] : undefined;
  return { path: error.instancePath, message: typeof worded === 'string' ? worded : (error.message ?? 'is invalid') };
}
