import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { type FieldProblem, type JsonObject, PATTERN_MESSAGE, UnknownJobTypeError, schemaProblem } from '../domain/index.js';
import type { JobTypeDefinition } from './define.js';

/** RegisteredJobType is a definition with its compiled validator. */
export interface RegisteredJobType extends JobTypeDefinition<any, any> {
  validate: ValidateFunction;
}

/**
 * JobTypeRegistry holds the job types a process knows. Input schemas are compiled once, with
 * defaults applied and no type coercion: `"5"` is not a number.
 */
export class JobTypeRegistry {
  private readonly types = new Map<string, RegisteredJobType>();
  // verbose: errors carry their schema, where PATTERN_MESSAGE words a pattern for the client.
  private readonly ajv = new Ajv2020({ allErrors: true, useDefaults: true, coerceTypes: false, strict: true, verbose: true });

  constructor(definitions: readonly JobTypeDefinition<any, any>[] = []) {
    addFormats.default(this.ajv);
    this.ajv.addKeyword(PATTERN_MESSAGE);
    for (const definition of definitions) this.register(definition);
  }

  /** register adds a job type; a second type with the same name is an error. */
  register(definition: JobTypeDefinition<any, any>): void {
    if (this.types.has(definition.type)) throw new Error(`job type ${definition.type} is registered twice`);
    const validate = this.ajv.compile(definition.inputSchema);
    this.types.set(definition.type, { ...definition, validate });
  }

  /** get returns the type, or throws UnknownJobTypeError. */
  get(type: string): RegisteredJobType {
    const found = this.types.get(type);
    if (!found) throw new UnknownJobTypeError(type);
    return found;
  }

  /** has tells whether the type is registered. */
  has(type: string): boolean {
    return this.types.has(type);
  }

  /** list returns every type, sorted by name. */
  list(): RegisteredJobType[] {
    return [...this.types.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  /** names returns the registered type names. */
  names(): string[] {
    return this.list().map((t) => t.type);
  }

  /**
   * prepareInput validates `input` against the type's schema and returns a copy with the
   * schema's defaults applied, or the problems found, each a JSON pointer under `/input`.
   */
  prepareInput(type: string, input: JsonObject): { ok: true; input: JsonObject } | { ok: false; errors: FieldProblem[] } {
    const registered = this.get(type);
    const copy = structuredClone(input);
    if (registered.validate(copy)) return { ok: true, input: copy };
    return {
      ok: false,
      errors: (registered.validate.errors ?? []).map((error) => {
        const { path, message } = schemaProblem(error);
        return { path: `/input${path}`, message };
      }),
    };
  }
}
