import { readFile } from 'node:fs/promises';
import { InvalidRequestError, describeFieldProblem } from '../domain/index.js';
import { declaredJobTypeView, listedJobTypeView } from '../http/jobTypeView.js';
import { type Runtime, openRuntime } from '../runtime/index.js';
import { deleteJobType, listJobTypes, putJobType } from '../service/index.js';
import { type Flags, UsageError, flagHelp, parseFlags, wantsHelp } from './options.js';
import { RUNTIME_FLAGS, STORE_FLAGS, storeConfigFrom } from './runtimeFlags.js';

/** TYPES_FLAGS are `longrun types`'s flags: where the store is, and the types in code to check names against. */
export const TYPES_FLAGS: Flags = {
  ...STORE_FLAGS,
  handlers: { ...RUNTIME_FLAGS.handlers!, description: 'The --handlers module the servers load: its types are listed, and their names cannot be declared' },
  json: { kind: 'boolean', description: 'Print the answer as JSON, as the API shows it' },
  help: { kind: 'boolean', description: 'Show this help' },
};

const HELP = `Usage: longrun types <put|list|delete> [FILE.json | TYPE] [flags]

Job types declared without code, straight on the store (no server, no admin key). Their jobs are
validated, charged and queued like any other, and wait for a remote worker. Every API node on
the store accepts them at once.

  longrun types put reverse.json         declare the type the file describes, or replace it
  longrun types list                     every type: declared (remote) and in code (local)
  longrun types delete py/reverse        new jobs of it are refused; jobs already made stay

The file holds the spec, as PUT /v1/admin/job-types/{type} takes it, with its name:
  { "type": "py/reverse", "description": "Reverses a text",
    "inputSchema": { "type": "object", "required": ["text"], "properties": { "text": { "type": "string" } } },
    "privateFields": [], "creditCost": 1, "timeoutMs": 60000, "maxAttempts": 3 }

${flagHelp(TYPES_FLAGS)}`;

const ACTIONS = ['put', 'list', 'delete'];

/** typesCommand is `longrun types`: declare (or replace) a job type from a file, list the types, or delete a declared one. */
export async function typesCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === undefined || wantsHelp(argv)) {
    console.log(HELP);
    return;
  }
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown action ${JSON.stringify(action)}; try longrun types --help`);
  const positional = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : undefined;
  const flags = parseFlags(positional === undefined ? rest : rest.slice(1), TYPES_FLAGS);
  if (action === 'put' && !positional) throw new UsageError('longrun types put needs a file: longrun types put FILE.json');
  if (action === 'delete' && !positional) throw new UsageError('longrun types delete needs a type: longrun types delete py/reverse');
  if (action === 'list' && positional) throw new UsageError(`longrun types list takes no ${JSON.stringify(positional)}`);
  const spec = action === 'put' ? await readSpec(positional!) : undefined;

  const handlers = flags.handlers === undefined ? undefined : String(flags.handlers);
  const runtime = await openRuntime({ ...storeConfigFrom(flags), handlers });
  try {
    if (action === 'put') await put(runtime, positional!, spec, Boolean(flags.json));
    else if (action === 'delete') {
      await deleteJobType(runtime.deps, positional!);
      console.log(flags.json ? JSON.stringify({ type: positional, deleted: true }) : `deleted ${positional}; jobs already made of it stay as they are`);
    } else await list(runtime, Boolean(flags.json));
  } finally {
    await runtime.close();
  }
}

/** readSpec reads the spec file as JSON; it must name its type. */
async function readSpec(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new UsageError(`${file} must hold a JSON object, the spec`);
  if ((spec as { type?: unknown }).type === undefined) throw new UsageError(`${file}: /type: is required (the name of the type, such as "py/reverse")`);
  return spec;
}

/** put declares the spec; a bad one is reported with every field problem, on one line. */
async function put(runtime: Runtime, file: string, spec: unknown, json: boolean): Promise<void> {
  let result: Awaited<ReturnType<typeof putJobType>>;
  try {
    result = await putJobType(runtime.deps, spec);
  } catch (error) {
    if (error instanceof InvalidRequestError && error.errors) throw new Error(`${file}: ${error.errors.map(describeFieldProblem).join('; ')}`);
    throw error;
  }
  const view = declaredJobTypeView(result.jobType);
  if (json) return console.log(JSON.stringify(view, null, 2));
  console.log(`${result.created ? 'declared' : 'replaced'} ${view.type}: ${view.creditCost} credits, ${view.timeoutMs} ms per attempt, ${view.maxAttempts} attempts`);
}

/** list prints every job type, declared and in code, by name; one this process cannot run says why instead of its description. */
async function list(runtime: Runtime, json: boolean): Promise<void> {
  const views = (await listJobTypes(runtime.deps)).map(listedJobTypeView);
  if (json) return console.log(JSON.stringify(views, null, 2));
  const width = Math.max(4, ...views.map((t) => t.type.length));
  for (const t of views) {
    console.log(`${t.type.padEnd(width)}  ${t.runsOn.padEnd(6)}  ${`${t.creditCost} cr`.padEnd(8)} ${`${t.timeoutMs} ms`.padEnd(11)} ${`×${t.maxAttempts}`.padEnd(4)} ${t.unavailable === undefined ? t.description : `unavailable here: ${t.unavailable}`}`);
  }
  const remote = views.filter((t) => t.runsOn === 'remote').length;
  console.log(`${views.length} ${views.length === 1 ? 'type' : 'types'}, ${remote} declared (remote)`);
}
