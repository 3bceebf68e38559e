// Scenario 8, render: html/pdf jobs per second through Longrun against a bare Playwright loop on
// the same Chromium (same binary, same launch flags) printing the same HTML, with the same
// concurrency W. Each round is a fresh process on each side:
// - ours: `longrun serve --workers W` on SQLite in a fresh data dir. One html/pdf job first
//   (Prefer: wait) launches the browser: its time, POST to completed, is the cold start. Then N
//   jobs are created at once and jobs/s is N over the jobs' own window, first start → last
//   completion, read from the store.
// - baseline: bench/children/bareRender.ts: launch, one render (its cold start), then W loops of
//   newContext → newPage → setContent → pdf → close until N PDFs are printed.
import { runTool } from '../lib/children.js';
import { type BenchContext, freshDir } from '../lib/context.js';
import { openJobReader, startServer, waitForBurn } from '../lib/longrun.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { API_KEY_LINE, type Scenario, interleave } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';

/** INVOICE is the fixed document: a one-page invoice with some CSS and nothing to fetch. */
export const INVOICE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Invoice 2026-0042</title>
<style>
  @page { margin: 18mm; }
  body { font-family: sans-serif; font-size: 11pt; color: #222; }
  header { display: flex; justify-content: space-between; border-bottom: 2px solid #2a5db0; padding-bottom: 8px; }
  h1 { color: #2a5db0; margin: 0; font-size: 22pt; }
  .meta { text-align: right; font-size: 10pt; color: #555; }
  .parties { display: flex; gap: 40px; margin: 20px 0; }
  .parties div { flex: 1; }
  table { width: 100%; border-collapse: collapse; margin-top: 10px; }
  th { background: #eef3fb; text-align: left; padding: 6px; border-bottom: 1px solid #9bb3dc; }
  td { padding: 6px; border-bottom: 1px solid #ddd; }
  td.n, th.n { text-align: right; }
  tr:nth-child(even) td { background: #fafafa; }
  .total { margin-top: 16px; margin-left: auto; width: 40%; }
  .total td { border: none; }
  .total tr:last-child td { font-weight: bold; font-size: 13pt; border-top: 2px solid #2a5db0; }
  footer { margin-top: 30px; font-size: 9pt; color: #777; }
</style></head>
<body>
<header><h1>Invoice</h1><div class="meta">No. 2026-0042<br>Issued 23 November 2026<br>Due 23 December 2026</div></header>
<section class="parties">
  <div><strong>From</strong><br>Longrun Labs Ltd<br>1 Queue Street<br>London EC1A 1AA</div>
  <div><strong>To</strong><br>Acme Corp<br>42 Render Road<br>Dublin D02 XY45</div>
</section>
<table>
  <thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Unit</th><th class="n">Amount</th></tr></thead>
  <tbody>
${Array.from({ length: 12 }, (_, i) => `    <tr><td>Render credits, batch ${i + 1}</td><td class="n">${(i % 4) + 1}</td><td class="n">€${(25 + i * 5).toFixed(2)}</td><td class="n">€${(((i % 4) + 1) * (25 + i * 5)).toFixed(2)}</td></tr>`).join('\n')}
  </tbody>
</table>
<table class="total">
  <tr><td>Subtotal</td><td class="n">€1,520.00</td></tr>
  <tr><td>VAT 20%</td><td class="n">€304.00</td></tr>
  <tr><td>Total</td><td class="n">€1,824.00</td></tr>
</table>
<footer>Payment by bank transfer within 30 days. Thank you for your business.</footer>
</body></html>`;

interface Round {
  jobsPerSec: number;
  coldMs: number;
}

const TYPE = 'html/pdf';

/** oursRound runs one fresh `longrun serve`: the cold first job, then N jobs created at once. */
async function oursRound(ctx: BenchContext): Promise<Round> {
  const { renderJobs: count, renderWorkers: workers } = ctx.sizes;
  const dir = freshDir(ctx, 'render');
  const db = `sqlite:${dir}/longrun.db`;
  const server = await startServer({ db, dataDir: dir, workers, maxMs: 5 * 60_000 });
  const reader = await openJobReader(db);
  try {
    const key = (await server.child.waitForLine(API_KEY_LINE))[1]!;
    const post = async (wait: boolean) => {
      const response = await fetch(`${server.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key, ...(wait ? { prefer: 'wait=120' } : {}) },
        body: JSON.stringify({ type: TYPE, input: { html: INVOICE } }),
      });
      const job = (await response.json()) as { id: string; status: string; error?: unknown };
      if (response.status >= 300 || (wait && job.status !== 'completed')) {
        throw new Error(`${TYPE}: ${response.status} ${job.status} ${JSON.stringify(job.error ?? job).slice(0, 300)}`);
      }
    };
    const coldStarted = performance.now();
    await post(true);
    const coldMs = performance.now() - coldStarted;
    const since = Date.now();
    await Promise.all(Array.from({ length: count }, () => post(false)));
    const tally = await waitForBurn(reader, { type: TYPE, since, count, maxMs: 60_000 + count * 5000 });
    return { jobsPerSec: count / ((tally.lastCompleteMs! - tally.firstStartMs!) / 1000), coldMs };
  } finally {
    await reader.close();
    await server.child.stop();
  }
}

/** bareRound runs the bare Playwright loop in its own process. */
async function bareRound(ctx: BenchContext): Promise<Round> {
  const maxMs = 60_000 + ctx.sizes.renderJobs * 5000;
  const chromiumPath = process.env.LONGRUN_CHROMIUM || undefined;
  const bare = await runTool<{ pdfsPerSec: number; coldMs: number }>(
    'bareRender',
    { html: INVOICE, concurrency: ctx.sizes.renderWorkers, count: ctx.sizes.renderJobs, chromiumPath, maxMs },
    { maxMs: maxMs + 10_000 },
  );
  return { jobsPerSec: bare.pdfsPerSec, coldMs: bare.coldMs };
}

export const render: Scenario = {
  name: 'render',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const { renderJobs: n, renderWorkers: w } = ctx.sizes;
    const runs = await interleave(ctx.sizes.rounds, { bare: () => bareRound(ctx), ours: () => oursRound(ctx) });
    const ours = summarize(runs.ours.map((r) => r.jobsPerSec));
    const bare = summarize(runs.bare.map((r) => r.jobsPerSec));
    const oursCold = summarize(runs.ours.map((r) => r.coldMs));
    const bareCold = summarize(runs.bare.map((r) => r.coldMs));
    return [
      makeResult({
        name: `render: html/pdf burn-down ${n}, ${w} workers`,
        unit: 'jobs/s',
        value: ours.median,
        spread: ours.spread,
        baseline: 'bare Playwright loop',
        baselineValue: bare.median,
        target: { on: 'ratio', op: '>=', limit: 0.8 },
        note: `baseline spread ±${(bare.spread / 2).toFixed(1)}%; warm browser on both sides`,
      }),
      makeResult({
        name: 'render: cold start (first html/pdf, browser launch included)',
        unit: 'ms',
        value: oursCold.median,
        spread: oursCold.spread,
        baseline: 'bare Playwright loop',
        baselineValue: bareCold.median,
        note: 'ours: POST → completed (Prefer: wait); baseline: launch → first PDF; informational',
      }),
    ];
  },
};
