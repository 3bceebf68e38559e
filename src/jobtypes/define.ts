import type { FieldProblem, Job, JobFilterRequest, JsonObject, JsonValue } from '../domain/index.js';

/** JsonSchema is a JSON Schema (draft 2020-12 subset that Ajv understands) for a type's input. */
export type JsonSchema = { [key: string]: unknown };

/** JobContext is what a job type's `run` gets for one attempt. */
export interface JobContext<Input extends object = JsonObject> {
  /** job describes the job being run (never its private input). */
  job: { id: string; type: string; attempt: number; maxAttempts: number; metadata: JsonObject };
  /** input is the whole input, private fields included, with the schema's defaults applied. */
  input: Input;
  /**
   * signal fires when the attempt must stop: the job was cancelled, timed out, lost its lease or
   * the process is shutting down. A handler should pass it to whatever it awaits.
   */
  signal: AbortSignal;
  /**
   * progress reports how far the attempt is (0–100) with an optional short message. Reports after
   * the signal fired are discarded.
   */
  progress(percent: number, message?: string): Promise<void>;
  /** files stores the attempt's output files; list what `put` returns in the output. */
  files: JobFiles;
  /**
   * readJobFile reads a file of an earlier job of the same account, named in the input as
   * `{ "fromJob": "job_…", "file": "name" }`, whole and at most `maxBytes`. It throws a JobFailure:
   * `input_file_missing` when the job is gone, has not completed (retryable: it may yet) or has no
   * such file, `input_too_large` when the file is over `maxBytes`.
   */
  readJobFile(ref: JobFileRef, p: { maxBytes: number }): Promise<Uint8Array>;
  /**
   * accountJobs returns a page of the jobs of this job's account, newest first, filtered and
   * paged as `GET /v1/jobs` (pass the last page's `nextCursor`, null for the first page); at
   * most MAX_ACCOUNT_JOBS_PAGE a page.
   */
  accountJobs(p: JobFilterRequest & { cursor: string | null; limit: number }): Promise<AccountJobPage>;
}

/** MAX_ACCOUNT_JOBS_PAGE is the most jobs one page of accountJobs may ask for (the worker protocol's limit too). */
export const MAX_ACCOUNT_JOBS_PAGE = 500;

/** AccountJobPage is one page of accountJobs: the jobs, the cursor of the next page (null on the last) and how many match in all. */
export interface AccountJobPage {
  jobs: AccountJob[];
  nextCursor: string | null;
  total: number;
}

/** AccountJob is a job as a handler may see it: the stored job without its private input or lease. */
export type AccountJob = Omit<Job, 'privateInput' | 'leaseToken'>;

/** JobFileRef names a file of an earlier job of the same account, as an input gives it. */
export interface JobFileRef {
  /** fromJob is the earlier job's id. */
  fromJob: string;
  /** file is the name of one of its output files (`document.pdf`). */
  file: string;
}

/** OutputFile is a stored output file as a job's output lists it. */
export type OutputFile = {
  name: string;
  /** url is where the owner downloads it: `/v1/jobs/:id/files/:name`. */
  url: string;
  contentType: string;
  size: number;
};

/**
 * JobFiles stores an attempt's files. The job's `size` becomes the bytes of the files stored;
 * a file put again under the same name replaces the first, and a retry starts with none.
 */
export interface JobFiles {
  /**
   * put stores `data` as `name` (letters, digits, `.`, `_`, `-`); its type comes from the
   * extension. `data` is the whole file, or chunks as they are made (an async iterable), which a
   * worker with the store writes one at a time without holding the file.
   */
  put(name: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<OutputFile>;
}

/** InputCheckContext is what `checkInput` may consult besides the input. */
export interface InputCheckContext {
  /** allowPrivateTargets mirrors LONGRUN_ALLOW_PRIVATE_TARGETS: the URL guard's address rules are off. */
  allowPrivateTargets: boolean;
  /**
   * findJob looks a job up in the creating account (another account's job is not found), for an
   * input that names an earlier job's file; null when there is none.
   */
  findJob(id: string): Promise<{ id: string; status: string } | null>;
}

/**
 * JobSpec is what the API knows of a job type: its name, the input it accepts and what a job of it
 * costs and may take. The API validates a create against it; the code that runs the job is
 * separate (a JobHandler), and may live in another process.
 */
export interface JobSpec<Input extends object = JsonObject> {
  /** type is the name clients send, lowercase words joined by `/` (`demo/sleep`). */
  type: string;
  description: string;
  /** inputSchema validates `input` at create time; `additionalProperties: false` is recommended. */
  inputSchema: JsonSchema;
  /** privateFields are top-level input fields kept for the worker but never echoed back. */
  privateFields?: readonly string[];
  /** creditCost is charged when a job is created and refunded if it fails or is cancelled. */
  creditCost: number;
  /** timeoutMs bounds one attempt unless the job sets its own. */
  timeoutMs: number;
  /** maxAttempts bounds the attempts unless the job sets its own. */
  maxAttempts: number;
  /**
   * checkInput runs at create time after the schema check passed, for what a schema cannot say
   * (a URL the guard refuses, fields that exclude each other). Each problem it returns names a
   * field under `/input`; any problem refuses the job with `400 invalid_request`.
   */
  checkInput?(input: Input, context: InputCheckContext): Promise<FieldProblem[]> | FieldProblem[];
}

/** JobHandler does the work of one attempt and returns the job's output. */
export type JobHandler<Input extends object = JsonObject, Output extends JsonValue = JsonValue> = (
  ctx: JobContext<Input>,
) => Promise<Output> | Output;

/** JobTypeDefinition is a spec with the handler that runs it; `defineJobType` checks and returns it. */
export interface JobTypeDefinition<Input extends object = JsonObject, Output extends JsonValue = JsonValue> extends JobSpec<Input> {
  /** run does the work of one attempt and returns the job's output. */
  run(ctx: JobContext<Input>): Promise<Output> | Output;
}

const TYPE_NAME = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/;

// Marks what defineJobSpec returned, across copies of Longrun (as JOB_FAILURE below), so a
// `--handlers` module may export a spec alone on purpose while a job type that merely forgot its
// `run` still fails at start-up.
const JOB_SPEC = Symbol.for('longrun.JobSpec');

/**
 * defineJobSpec checks a spec alone, a type whose code runs elsewhere: this process accepts and
 * validates its jobs, and a worker that has its handler runs them. Like defineJobType it fails at
 * start-up on a bad spec. It returns a copy, marked as meant to have no handler.
 */
export function defineJobSpec<Input extends object = JsonObject>(spec: JobSpec<Input>): JobSpec<Input> {
  const problems = specProblems(spec);
  if (problems.length > 0) throw new Error(`job type ${JSON.stringify(spec.type)}: ${problems.join('; ')}`);
  // A `run` passed in is dropped: a spec alone means this process never runs the type.
  const { run: _dropped, ...copy } = spec as JobSpec<Input> & { run?: unknown };
  Object.defineProperty(copy, JOB_SPEC, { value: true });
  return copy;
}

/**
 * defineJobType checks a definition once, at start-up, so a bad one fails loudly there and not
 * on the first job.
 */
export function defineJobType<Input extends object, Output extends JsonValue>(
  definition: JobTypeDefinition<Input, Output>,
): JobTypeDefinition<Input, Output> {
  const problems = specProblems(definition);
  if (typeof definition.run !== 'function') problems.push('run must be a function');
  if (problems.length > 0) throw new Error(`job type ${JSON.stringify(definition.type)}: ${problems.join('; ')}`);
  return definition;
}

/** isJobSpec tells whether `value` came from defineJobSpec, in this copy of Longrun or another. */
export function isJobSpec(value: unknown): value is JobSpec<any> {
  return typeof value === 'object' && value !== null && (value as { [JOB_SPEC]?: unknown })[JOB_SPEC] === true;
}

/** hasHandler tells a definition (spec and handler) from a spec alone. */
export function hasHandler<Input extends object>(type: JobSpec<Input>): type is JobTypeDefinition<Input, any> {
  return typeof (type as Partial<JobTypeDefinition<Input>>).run === 'function';
}

/**
 * jobSpecProblems checks what every job type's spec must hold, built in, from `--handlers` or
 * declared through the API: a name, whole-number limits, an object input schema. Each problem
 * names its field by JSON pointer (`/maxAttempts`).
 */
export function jobSpecProblems(spec: JobSpec<any>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (typeof spec.type !== 'string' || !TYPE_NAME.test(spec.type) || spec.type.length > 100) {
    problems.push({ path: '/type', message: 'must be lowercase words joined by "/"' });
  }
  if (!Number.isInteger(spec.creditCost) || spec.creditCost < 0) problems.push({ path: '/creditCost', message: 'must be a whole number ≥ 0' });
  if (!Number.isInteger(spec.timeoutMs) || spec.timeoutMs < 1) problems.push({ path: '/timeoutMs', message: 'must be a whole number ≥ 1' });
  if (!Number.isInteger(spec.maxAttempts) || spec.maxAttempts < 1 || spec.maxAttempts > 100) {
    problems.push({ path: '/maxAttempts', message: 'must be a whole number from 1 to 100' });
  }
  if (spec.inputSchema?.type !== 'object') problems.push({ path: '/inputSchema', message: 'must describe an object' });
  return problems;
}

/** specProblems words jobSpecProblems for a start-up error: `maxAttempts must be a whole number from 1 to 100`. */
function specProblems(spec: JobSpec<any>): string[] {
  return jobSpecProblems(spec).map((problem) => `${problem.path.slice(1)} ${problem.message}`);
}

// Marks a JobFailure across copies of Longrun: a `--handlers` module may import another install
// of the `longrun` package (or its built copy while the CLI runs from source), and instanceof
// only knows its own copy's class.
const JOB_FAILURE = Symbol.for('longrun.JobFailure');

/**
 * JobFailure is what a handler throws to fail an attempt with its own code. `retryable: false`
 * makes the failure final at once; any other thrown error is retried while attempts remain.
 */
export class JobFailure extends Error {
  declare readonly [JOB_FAILURE]: true;

  constructor(readonly code: string, message: string, readonly retryable = true) {
    super(message);
    this.name = 'JobFailure';
    Object.defineProperty(this, JOB_FAILURE, { value: true });
  }
}

/**
 * JobDeferral is what a built-in job type throws when the attempt cannot run for a reason outside
 * the job (its browser would not start); it is not part of the public `longrun` entry: the job goes back to pending for `delayMs`, with `code` and the
 * message as its error, and the attempt is not counted, so a broken machine does not use up the
 * job's attempts. The handler chooses the delay; the worker warns each time.
 */
export class JobDeferral extends Error {
  constructor(readonly code: string, message: string, readonly delayMs: number) {
    super(message);
    this.name = 'JobDeferral';
  }
}

/** isJobFailure tells whether `error` is a JobFailure, from this copy of Longrun or another. */
export function isJobFailure(error: unknown): error is JobFailure {
  // The constructor brands every JobFailure, this copy's too.
  return error instanceof Error && (error as Partial<JobFailure>)[JOB_FAILURE] === true;
}
