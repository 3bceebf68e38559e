import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  type DeclaredJobType,
  type FieldProblem,
  type JsonObject,
  PATTERN_MESSAGE,
  UnknownJobTypeError,
  schemaProblem,
} from '../domain/index.js';
import { type JobHandler, type JobSpec, hasHandler } from './define.js';

/** UnavailableJobType is a built-in type this process cannot run: its spec, and why. */
export interface UnavailableJobType {
  spec: JobSpec<any>;
  reason: string;
}

/** RegisteredJobType is a spec with its compiled validator. */
export interface RegisteredJobType extends JobSpec<any> {
  validate: ValidateFunction;
}

/**
 * inputSchemaAjv makes the validator every job type's input schema compiles with: defaults applied,
 * no type coercion (`"5"` is not a number), strict about unknown keywords, and `verbose`, so errors
 * carry their schema, where PATTERN_MESSAGE words a pattern for the client.
 */
export function inputSchemaAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, coerceTypes: false, strict: true, verbose: true });
  addFormats.default(ajv);
  ajv.addKeyword(PATTERN_MESSAGE);
  return ajv;
}

/**
 * JobTypeRegistry holds the job types a process knows: every type's spec, which the API validates
 * creates against, and the handler of each type this process can run. A spec without a handler is
 * a type whose code runs elsewhere. Input schemas are compiled once, with defaults applied and no
 * type coercion: `"5"` is not a number.
 */
export class JobTypeRegistry {
  private readonly specs = new Map<string, RegisteredJobType>();
  private readonly handlers = new Map<string, JobHandler<any, any>>();
  private readonly unavailable = new Map<string, UnavailableJobType>();
  private readonly ajv = inputSchemaAjv();
  /** declaredTypes holds the declared types compiled so far, each under the revision it was compiled from. */
  private readonly declaredTypes = new Map<string, { revision: string; compiled: RegisteredJobType }>();

  constructor(types: readonly JobSpec<any>[] = []) {
    for (const type of types) this.register(type);
  }

  /**
   * register adds a job type: a definition (`defineJobType`) with its handler, or a spec alone
   * (`defineJobSpec`). A second type with the same name is an error; a type registered under the
   * name of a built-in this process cannot run (registerUnavailable) takes its place.
   */
  register(type: JobSpec<any>): void {
    if (this.specs.has(type.type)) throw new Error(`job type ${type.type} is registered twice`);
    this.unavailable.delete(type.type);
    const { run: _handler, ...spec } = type as JobSpec<any> & { run?: unknown };
    const validate = this.ajv.compile(spec.inputSchema);
    this.specs.set(type.type, { ...spec, validate });
    if (hasHandler(type)) this.handlers.set(type.type, type.run.bind(type));
  }

  /**
   * registerUnavailable records a built-in type this process cannot run, and why (the program it
   * runs is not installed). The type stays unregistered, so its jobs are refused, and GET
   * /v1/job-types lists it with the reason; a type declared under its name may still take its jobs.
   */
  registerUnavailable(spec: JobSpec<any>, reason: string): void {
    if (this.specs.has(spec.type) || this.unavailable.has(spec.type)) throw new Error(`job type ${spec.type} is registered twice`);
    const { run: _handler, checkInput: _check, ...rest } = spec as JobSpec<any> & { run?: unknown };
    this.unavailable.set(spec.type, { spec: rest, reason });
  }

  /** unavailableTypes returns the types registerUnavailable recorded, by name. */
  unavailableTypes(): UnavailableJobType[] {
    return [...this.unavailable.values()].sort((a, b) => a.spec.type.localeCompare(b.spec.type));
  }

  /** get returns the type's spec, or throws UnknownJobTypeError (saying why when the type is unavailable here). */
  get(type: string): RegisteredJobType {
    const found = this.specs.get(type);
    if (!found) throw new UnknownJobTypeError(type, this.unavailable.get(type)?.reason);
    return found;
  }

  /** handler returns the code that runs the type's attempts; it throws when this process has none. */
  handler(type: string): JobHandler<any, any> {
    const found = this.handlers.get(type);
    if (found) return found;
    this.get(type); // an unknown type says so
    throw new Error(`job type ${type} has no handler in this process: its code runs elsewhere`);
  }

  /** has tells whether the type is registered, with a handler or without. */
  has(type: string): boolean {
    return this.specs.has(type);
  }

  /** list returns every type's spec, sorted by name. */
  list(): RegisteredJobType[] {
    return [...this.specs.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  /** names returns the registered type names, with a handler or without. */
  names(): string[] {
    return this.list().map((t) => t.type);
  }

  /** runnableNames returns the names of the types this process has a handler for: what its workers serve. */
  runnableNames(): string[] {
    return this.names().filter((name) => this.handlers.has(name));
  }

  /**
   * declared returns a declared type (read from the store) compiled, reusing the copy compiled
   * from the same revision. A put gives the spec a fresh revision, so a replaced spec is compiled
   * again the first time it is asked for, and no copy outlives its revision. Each declared schema
   * gets an Ajv of its own: one shared instance would keep every schema it ever compiled, and
   * refuse a second schema with the same `$id`.
   */
  declared(stored: DeclaredJobType): RegisteredJobType {
    const cached = this.declaredTypes.get(stored.type);
    if (cached?.revision === stored.revision) return cached.compiled;
    const { revision: _revision, createdAt: _createdAt, updatedAt: _updatedAt, ...spec } = stored;
    const compiled = { ...spec, validate: inputSchemaAjv().compile(spec.inputSchema) };
    this.declaredTypes.set(stored.type, { revision: stored.revision, compiled });
    return compiled;
  }

  /** forgetDeclared drops the compiled copy of a declared type that the store no longer has. */
  forgetDeclared(type: string): void {
    this.declaredTypes.delete(type);
  }

  /**
   * prepareInput validates `input` against the type's schema (a registered type by name, or a
   * type as `declared` compiled it) and returns a copy with the schema's defaults applied, or the
   * problems found, each a JSON pointer under `/input`.
   */
  prepareInput(type: string | RegisteredJobType, input: JsonObject): { ok: true; input: JsonObject } | { ok: false; errors: FieldProblem[] } {
    const registered = typeof type === 'string' ? this.get(type) : type;
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
