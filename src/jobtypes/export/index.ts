/** The export family: `jobs/export`, the account's own jobs as a CSV or NDJSON file. */
import { JOB_FILTER_FIELDS, type JobFilterRequest } from '../../domain/index.js';
import { type JobContext, type JobSpec, type JobTypeDefinition, MAX_ACCOUNT_JOBS_PAGE, type OutputFile, defineJobSpec, defineJobType } from '../define.js';
import { csvHeader, csvLine, exportRow, ndjsonLine } from './rows.js';

export { EXPORT_COLUMNS, type ExportRow } from './rows.js';

/** ExportInput is `jobs/export`'s input with the schema's defaults applied. */
export interface ExportInput extends JobFilterRequest {
  format: 'csv' | 'ndjson';
  maxRows: number;
}

/** ExportOutput is `jobs/export`'s output: the file, its format, how many jobs it holds, and whether more matched. */
export type ExportOutput = { files: OutputFile[]; format: string; rows: number; truncated: boolean };


/** jobsExportSpec is `jobs/export` as the API knows it. */
export const jobsExportSpec: JobSpec<ExportInput> = defineJobSpec<ExportInput>({
  type: 'jobs/export',
  description: 'Exports this account\'s jobs, filtered as GET /v1/jobs filters them, newest first, as a CSV or NDJSON file: usage analytics for spreadsheets.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      format: { enum: ['csv', 'ndjson'], default: 'csv', description: 'csv (RFC 4180, a header line, CRLF) writes jobs.csv; ndjson writes jobs.ndjson, one JSON object per line.' },
      ...JOB_FILTER_FIELDS,
      maxRows: {
        type: 'integer',
        minimum: 1,
        maximum: 1_000_000,
        default: 100_000,
        description: 'Export at most this many jobs (the newest); `truncated` in the output says whether more matched.',
      },
    },
  },
  creditCost: 1,
  timeoutMs: 600_000,
  maxAttempts: 2,
});

/**
 * jobsExportTypes is `jobs/export` with its handler: it reads the account's jobs a page at a time
 * (the list route's filter and cursor) and streams each page into the file as it comes. Progress:
 * `n of m jobs` after each page, then 95 `Stored`.
 */
export function jobsExportTypes(): JobTypeDefinition<any, ExportOutput>[] {
  return [
    defineJobType<ExportInput, ExportOutput>({
      ...jobsExportSpec,
      async run(ctx) {
        const { format, maxRows, ...filter } = ctx.input;
        const counts = { rows: 0, truncated: false };
        const lines = exportLines(ctx, filter, maxRows, format, counts);
        const file = await ctx.files.put(format === 'csv' ? 'jobs.csv' : 'jobs.ndjson', lines);
        await ctx.progress(95, 'Stored');
        return { files: [file], format, rows: counts.rows, truncated: counts.truncated };
      },
    }),
  ];
}

/** exportLines yields the file in chunks, one per page of jobs, counting rows into `counts`. */
async function* exportLines(
  ctx: Pick<JobContext, 'accountJobs' | 'progress' | 'signal'>,
  filter: JobFilterRequest,
  maxRows: number,
  format: ExportInput['format'],
  counts: { rows: number; truncated: boolean },
): AsyncGenerator<Uint8Array> {
  if (format === 'csv') yield Buffer.from(csvHeader(), 'utf8');
  let cursor: string | null = null;
  do {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const page = await ctx.accountJobs({ ...filter, cursor, limit: Math.min(MAX_ACCOUNT_JOBS_PAGE, maxRows - counts.rows) });
    const line = format === 'csv' ? csvLine : ndjsonLine;
    yield Buffer.from(page.jobs.map((job) => line(exportRow(job))).join(''), 'utf8');
    counts.rows += page.jobs.length;
    cursor = page.nextCursor;
    const planned = Math.min(page.total, maxRows);
    await ctx.progress(Math.floor((90 * counts.rows) / Math.max(1, planned)), `${counts.rows} of ${planned} jobs`);
  } while (cursor !== null && counts.rows < maxRows);
  counts.truncated = cursor !== null;
}
