import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ApiError, type Call } from './client.js';
import { UsageError } from './options.js';

/** DEFAULT_BATCH is how many jobs `longrun jobs import` sends per request unless told. */
export const DEFAULT_BATCH = 500;

/** A batch of the file's jobs and the line each came from. */
interface Batch {
  jobs: unknown[];
  lines: number[];
  text: string[];
}

/**
 * importJobs sends the jobs of an NDJSON file (one `POST /v1/jobs` body a line; blank lines
 * skipped) in batches through `POST /v1/jobs/batch`, drawing its progress on a terminal. Each
 * batch carries an Idempotency-Key made of its first line number and a hash of its lines, so
 * running the same file again within a day replays what was already created instead of creating
 * it twice. Stops at the first refused batch, naming the file's line for each field problem: the
 * batches before it are created, that one and the rest are not. Returns the created jobs' ids.
 */
export async function importJobs(call: Call, file: string, batchSize = DEFAULT_BATCH): Promise<{ ids: string[]; batches: number }> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const stream = createReadStream(file, { encoding: 'utf8' });
  const ids: string[] = [];
  let batches = 0;
  let batch: Batch = { jobs: [], lines: [], text: [] };
  const send = async () => {
    if (batch.jobs.length === 0) return;
    ids.push(...(await sendBatch(call, batch)));
    batches++;
    batch = { jobs: [], lines: [], text: [] };
    progress(ids.length, stream.bytesRead, size);
  };
  let lineNumber = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    try {
      batch.jobs.push(JSON.parse(line));
    } catch {
      throw new UsageError(`${file}:${lineNumber}: not a JSON object (each line is one POST /v1/jobs body)`);
    }
    batch.lines.push(lineNumber);
    batch.text.push(line);
    if (batch.jobs.length === batchSize) await send();
  }
  await send();
  if (process.stderr.isTTY) process.stderr.write('\n');
  return { ids, batches };
}

async function sendBatch(call: Call, batch: Batch): Promise<string[]> {
  const key = `import:${batch.lines[0]}:${createHash('sha256').update(batch.text.join('\n')).digest('hex').slice(0, 32)}`;
  try {
    const answer = await call<{ data: { id: string }[] }>('POST', '/v1/jobs/batch', { jobs: batch.jobs }, { 'idempotency-key': key });
    return answer.data.map((job) => job.id);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // `/jobs/3/input/url` is the batch's fourth job: name its line in the file instead.
    const errors = error.errors.map((problem) => {
      const match = /^\/jobs\/(\d+)(.*)$/.exec(problem.path);
      const line = match ? batch.lines[Number(match[1])] : undefined;
      return line === undefined ? problem : { ...problem, path: `line ${line} ${match![2] || '/'}` };
    });
    throw new ApiError(error.status, error.code, `lines ${batch.lines[0]}–${batch.lines.at(-1)} were not imported: ${error.detail}`, errors);
  }
}

function progress(sent: number, read: number, size: number): void {
  if (!process.stderr.isTTY) return;
  const share = size === 0 ? 1 : Math.min(1, read / size);
  const filled = Math.round(share * 20);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(20 - filled)}] ${Math.round(share * 100)}% ${sent} jobs created`.padEnd(60));
}
