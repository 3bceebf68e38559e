import { type Call, client } from './client.js';
import { DEFAULT_BATCH, importJobs } from './importJobs.js';
import { type Flags, UsageError, flagHelp, parseFlags, wantsHelp } from './options.js';

/** CLIENT_FLAGS are the flags of `longrun jobs …`, a client of a running server. */
export const CLIENT_FLAGS: Flags = {
  url: { env: 'LONGRUN_URL', default: 'http://127.0.0.1:8080', kind: 'url', description: 'The server' },
  key: { env: 'LONGRUN_API_KEY', kind: 'string', description: 'Your API key' },
  type: { kind: 'string', description: 'create: the job type' },
  input: { kind: 'string', description: 'create: the input, as JSON (default {})' },
  priority: { kind: 'int', min: -100, max: 100, description: 'create: −100…100' },
  after: { kind: 'string', description: 'create: jobs to wait for, a comma list of ids (it starts once they completed)' },
  wait: { kind: 'boolean', description: 'create: wait for the job and show its progress' },
  status: { kind: 'string', description: 'list: a status or a comma list' },
  limit: { kind: 'int', min: 1, max: 100, description: 'list: how many (default 25)' },
  batch: { kind: 'int', min: 1, max: 1000, description: `import: jobs per request (default ${DEFAULT_BATCH})` },
  json: { kind: 'boolean', description: 'Print the raw JSON answer' },
  help: { kind: 'boolean', description: 'Show this help' },
};

const HELP = `Usage: longrun jobs <create|get|list|wait|cancel|import> [ID|FILE] [flags]

  longrun jobs create --type demo/sleep --input '{"durationMs":3000,"steps":6}' --wait
  longrun jobs create --type pdf/extract --input '{"source":{"fromJob":"JOB_ID","file":"document.pdf"}}' --after JOB_ID
  longrun jobs list --status completed --limit 10
  longrun jobs get JOB_ID        longrun jobs wait JOB_ID        longrun jobs cancel JOB_ID
  longrun jobs import jobs.ndjson    (one POST /v1/jobs body a line, sent in batches; safe to run again)

${flagHelp(CLIENT_FLAGS)}`;

interface JobAnswer {
  id: string;
  type: string;
  status: string;
  progress: number;
  statusMessage: string | null;
  output: unknown;
  error: { code: string; message?: string } | null;
  createdAt: string;
}

const ACTIONS = ['create', 'get', 'list', 'wait', 'cancel', 'import'];

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * jobsCommand is `longrun jobs`: create, get, list, wait for and cancel jobs on a running server.
 * Exits 1 when the job it waited for did not complete, so scripts can chain on it.
 */
export async function jobsCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === undefined || wantsHelp(argv)) {
    console.log(HELP);
    return;
  }
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown action ${JSON.stringify(action)}; try longrun jobs --help`);
  const positional = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : undefined;
  const flags = parseFlags(positional === undefined ? rest : rest.slice(1), CLIENT_FLAGS);
  if (!flags.key) throw new UsageError('an API key is needed: --key or LONGRUN_API_KEY');
  const call = client(String(flags.url), String(flags.key));
  const needId = () => {
    if (!positional) throw new UsageError(`longrun jobs ${action} needs a job id`);
    return positional;
  };
  switch (action) {
    case 'create': {
      if (!flags.type) throw new UsageError('longrun jobs create needs --type');
      let input: unknown = {};
      try {
        input = flags.input === undefined ? {} : JSON.parse(String(flags.input));
      } catch {
        throw new UsageError('--input must be JSON, as in --input \'{"durationMs":1000}\'');
      }
      const body = {
        type: flags.type,
        input,
        ...(flags.priority === undefined ? {} : { priority: flags.priority }),
        ...(flags.after === undefined ? {} : { after: String(flags.after).split(',').map((id) => id.trim()).filter(Boolean) }),
      };
      const job = await call<JobAnswer>('POST', '/v1/jobs', body);
      if (!flags.wait) return print(job, Boolean(flags.json));
      return finish(await follow(call, job), Boolean(flags.json));
    }
    case 'get':
      return print(await call<JobAnswer>('GET', `/v1/jobs/${encodeURIComponent(needId())}`), Boolean(flags.json));
    case 'wait':
      return finish(await follow(call, await call<JobAnswer>('GET', `/v1/jobs/${encodeURIComponent(needId())}`)), Boolean(flags.json));
    case 'cancel':
      return print(await call<JobAnswer>('POST', `/v1/jobs/${encodeURIComponent(needId())}/cancel`), Boolean(flags.json));
    case 'list': {
      const query = new URLSearchParams();
      if (flags.status) query.set('status', String(flags.status));
      if (flags.limit) query.set('limit', String(flags.limit));
      const page = await call<{ data: JobAnswer[]; pagination: { total: number } }>('GET', `/v1/jobs?${query}`);
      if (flags.json) return console.log(JSON.stringify(page, null, 2));
      for (const job of page.data) console.log(`${job.id}  ${job.status.padEnd(9)} ${String(job.progress).padStart(3)}%  ${job.type}  ${job.createdAt}`);
      console.log(`${page.data.length} of ${page.pagination.total}`);
      return;
    }
    case 'import': {
      if (!positional) throw new UsageError('longrun jobs import needs a file: one job per line, as JSON');
      const { ids, batches } = await importJobs(call, positional, flags.batch === undefined ? undefined : Number(flags.batch));
      if (flags.json) return console.log(JSON.stringify({ created: ids.length, batches, ids }, null, 2));
      console.log(`${ids.length} jobs created (or already created by an earlier run) in ${batches} batches`);
      return;
    }
    default:
      throw new UsageError(`unknown action ${JSON.stringify(action)}; try longrun jobs --help`);
  }
}

/** follow long-polls the job until it is final, drawing a progress bar on a terminal. */
async function follow(call: Call, job: JobAnswer): Promise<JobAnswer> {
  const tty = process.stderr.isTTY;
  while (!FINAL.has(job.status)) {
    if (tty) process.stderr.write(`\r${bar(job.progress)} ${job.progress}% ${job.status} ${job.statusMessage ?? ''}`.padEnd(80));
    // A short wait returns at once when the job ends, and otherwise brings its progress each second.
    job = await call<JobAnswer>('GET', `/v1/jobs/${job.id}?wait=1`);
  }
  if (tty) process.stderr.write(`\r${bar(job.progress)} ${job.progress}% ${job.status}`.padEnd(80) + '\n');
  return job;
}

function bar(progress: number): string {
  const filled = Math.round(progress / 5);
  return `[${'#'.repeat(filled)}${'-'.repeat(20 - filled)}]`;
}

function print(job: JobAnswer, json: boolean): void {
  if (json) return console.log(JSON.stringify(job, null, 2));
  console.log(`${job.id}  ${job.status}  ${job.progress}%  ${job.type}`);
  if (job.output !== null) console.log(`output: ${JSON.stringify(job.output)}`);
  if (job.error) console.log(`error: ${job.error.code}${job.error.message ? `: ${job.error.message}` : ''}`);
}

function finish(job: JobAnswer, json: boolean): void {
  print(job, json);
  if (job.status !== 'completed') process.exitCode = 1;
}
