// The overview: charts of /v1/stats (jobs per bucket by status, failure rate, credits per day)
// and each type's queue, wait and process times. uPlot loads only here, not on first load.
import { useEffect, useRef, useState } from './hooks.js';
import { api } from './api.js';
import { ErrorNote, html } from './ui.js';

const COLORS = { pending: '#8a8f98', running: '#1f6feb', completed: '#1a7f37', failed: '#cf222e', cancelled: '#9a6700' };

/** Chart draws one uPlot chart of `series` over `x` (seconds), titled for screen readers too. */
function Chart({ title, x, series }) {
  const box = useRef(null);
  useEffect(() => {
    let plot = null;
    let gone = false;
    import('./uplot.js').then(({ default: uPlot }) => {
      if (gone) return;
      const width = Math.max(280, Math.min(box.current.clientWidth || 600, 900));
      plot = new uPlot({ width, height: 220, series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))] }, [x, ...series.map((s) => s.values)], box.current);
    });
    return () => {
      gone = true;
      plot?.destroy();
    };
  }, [JSON.stringify([x, series])]);
  return html`<figure class="chart"><figcaption>${title}</figcaption><div ref=${box} role="img" aria-label=${title}></div></figure>`;
}

/** OverviewPage is /dashboard/overview, refreshed every 10 s. */
export function OverviewPage() {
  const [bucket, setBucket] = useState('minute');
  const [stats, setStats] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    const load = () => api(`/v1/stats?bucket=${bucket}`).then(setStats, setError);
    load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, [bucket]);
  if (!stats) return html`<section><h1>Overview</h1><${ErrorNote} error=${error} /></section>`;
  const x = stats.series.map((p) => Date.parse(p.start) / 1000);
  const days = stats.creditsByDay.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  return html`<section aria-labelledby="overview-title">
    <h1 id="overview-title">Overview</h1>
    <label>Bucket
      <select value=${bucket} onChange=${(e) => setBucket(e.currentTarget.value)}>
        <option value="minute">minute (last hour)</option><option value="hour">hour (last 60 h)</option><option value="day">day (last 60 days)</option>
      </select>
    </label>
    <${ErrorNote} error=${error} />
    <div class="charts">
      <${Chart} title=${`Jobs created per ${bucket}, by status now`} x=${x}
        series=${Object.keys(COLORS).map((s) => ({ label: s, color: COLORS[s], values: stats.series.map((p) => p[s]) }))} />
      <${Chart} title="Failure rate (failed / ended)" x=${x} series=${[{ label: 'failure rate', color: COLORS.failed, values: stats.series.map((p) => p.failureRate) }]} />
      ${days.length > 0 && html`<${Chart} title="Credits per day" x=${days} series=${[
        { label: 'charged', color: COLORS.running, values: stats.creditsByDay.map((d) => d.creditsCharged) },
        { label: 'refunded', color: COLORS.cancelled, values: stats.creditsByDay.map((d) => d.creditsRefunded) },
      ]} />`}
    </div>
    <h2>By type</h2>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Type</th><th scope="col">Waiting</th><th scope="col">Running</th><th scope="col">Mean wait</th><th scope="col">Process p50</th><th scope="col">Process p95</th><th scope="col">Failure rate</th><th scope="col">Jobs in window</th></tr></thead>
      <tbody>${stats.byType.map(
        (t) => html`<tr><td>${t.type}</td><td>${t.queue.pending}</td><td>${t.queue.running}</td><td>${t.avgWaitMs === null ? '—' : `${t.avgWaitMs} ms`}</td>
          <td>${t.processTime.p50} ms</td><td>${t.processTime.p95} ms</td><td>${t.failureRate === null ? '—' : `${Math.round(t.failureRate * 100)}%`}</td><td>${t.jobs}</td></tr>`,
      )}</tbody>
    </table></div>
  </section>`;
}
