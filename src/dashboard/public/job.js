// One job: live progress from its event stream, a timeline, input, output, previewed files,
// webhook deliveries with redeliver, cancel and rerun, and its lineage.
import { useEffect, useState } from './hooks.js';
import { api, follow } from './api.js';
import { Files } from './files.js';
import { ErrorNote, FINAL, Link, Progress, Status, Time, html, navigate } from './ui.js';

/** timeline lists what happened to the job, from its timestamps and the changes seen live. */
function timeline(job, seen) {
  const marks = [
    ['created', job.createdAt],
    ['started', job.startedAt],
    ['completed', job.completedAt],
    ['failed', job.failedAt],
    ['cancelled', job.cancelledAt],
  ].filter(([, at]) => at);
  // Status changes are in the timestamps above; what only the stream tells is the progress on the way.
  const live = seen.filter((s) => s.status === 'running' && s.progress > 0).map((s) => [`progress ${s.progress}%${s.statusMessage ? `: ${s.statusMessage}` : ''}`, s.updatedAt]);
  return [...marks, ...live].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

function Deliveries({ id }) {
  const [deliveries, setDeliveries] = useState(null);
  const [error, setError] = useState(null);
  const load = () => api(`/v1/jobs/${id}/deliveries`).then((a) => setDeliveries(a.deliveries), setError);
  useEffect(() => void load(), [id]);
  const redeliver = async (delivery) => {
    setError(null);
    try {
      await api(`/v1/jobs/${id}/deliveries/${delivery.id}/redeliver`, { method: 'POST' });
      await load();
    } catch (failure) {
      setError(failure);
    }
  };
  if (!deliveries) return html`<${ErrorNote} error=${error} />`;
  return html`<section aria-labelledby="deliveries-title">
    <h2 id="deliveries-title">Webhook deliveries</h2>
    <${ErrorNote} error=${error} />
    ${deliveries.length === 0 && html`<p class="muted">None: the job has no webhook, or no event was sent yet.</p>`}
    <ul class="deliveries">
      ${deliveries.map(
        (d) => html`<li key=${d.id}>
          <strong>${d.eventType}</strong> to ${d.url}: ${d.state}, ${d.attemptCount} attempt${d.attemptCount === 1 ? '' : 's'}
          <button type="button" onClick=${() => redeliver(d)} disabled=${d.state === 'delivering'} aria-label=${`Redeliver ${d.eventType} (${d.id})`}>Redeliver</button>
          <ol>${d.attempts.map((a) => html`<li><${Time} at=${a.at} />: ${a.statusCode ?? 'no answer'} ${a.error ?? ''} (${a.durationMs} ms)</li>`)}</ol>
        </li>`,
      )}
    </ul>
  </section>`;
}

function Lineage({ job }) {
  const [reruns, setReruns] = useState([]);
  useEffect(() => void api(`/v1/jobs?limit=20&originalJobId=${job.id}`).then((a) => setReruns(a.data), () => setReruns([])), [job.id, job.status]);
  if (!job.originalJobId && reruns.length === 0 && !job.after) return null;
  // waitingFor is read with the job; it is not re-read when an awaited job completes elsewhere.
  const waiting = new Set(job.waitingFor ?? []);
  return html`<section aria-labelledby="lineage-title">
    <h2 id="lineage-title">Lineage</h2>
    ${job.originalJobId && html`<p>Rerun of <${Link} href=${`/dashboard/jobs/${job.originalJobId}`}>${job.originalJobId}</${Link}></p>`}
    ${job.after && html`<p>After ${job.after.map(
      (id) => html`<${Link} href=${`/dashboard/jobs/${id}`}>${id}</${Link}>${job.status !== 'pending' ? '' : waiting.has(id) ? ' (waiting for it)' : ' (completed)'} `,
    )}</p>`}
    ${reruns.length > 0 && html`<p>Reruns: ${reruns.map((r) => html`<${Link} href=${`/dashboard/jobs/${r.id}`}>${r.id}</${Link}> `)}</p>`}
  </section>`;
}

/** JobPage is /dashboard/jobs/:id. */
export function JobPage({ id }) {
  const [job, setJob] = useState(null);
  const [seen, setSeen] = useState([]);
  const [error, setError] = useState(null);
  const [note, setNote] = useState(null);

  useEffect(() => {
    setJob(null);
    setSeen([]);
    setError(null);
    const stop = new AbortController();
    api(`/v1/jobs/${id}`).then(setJob, setError);
    follow(`/v1/jobs/${id}/events`, {
      signal: stop.signal,
      resume: true,
      onEvent: (next) => {
        setJob(next);
        setSeen((list) => [...list, next]);
      },
      done: (next) => FINAL(next.status),
      onError: setError,
    });
    return () => stop.abort();
  }, [id]);

  const act = async (action) => {
    setError(null);
    try {
      const answer = await api(`/v1/jobs/${id}/${action}`, { method: 'POST' });
      if (action === 'rerun') navigate(`/dashboard/jobs/${answer.id}`);
      else {
        setJob(answer);
        setNote(`Cancelled; ${answer.creditsRefunded} credit${answer.creditsRefunded === 1 ? '' : 's'} refunded.`);
      }
    } catch (failure) {
      setError(failure);
    }
  };

  if (!job) return html`<section><h1>Job ${id}</h1><${ErrorNote} error=${error} />${!error && html`<p>Loading…</p>`}</section>`;
  return html`<section aria-labelledby="job-title" class="job">
    <h1 id="job-title">${job.type} <small>${job.id}</small></h1>
    <p><${Status} status=${job.status} /> <${Progress} value=${job.progress} /> <span class="message" aria-live="polite">${job.statusMessage ?? ''}</span></p>
    <div class="actions">
      ${!FINAL(job.status) && html`<button type="button" onClick=${() => act('cancel')}>Cancel job</button>`}
      ${FINAL(job.status) && html`<button type="button" onClick=${() => act('rerun')}>Rerun job</button>`}
    </div>
    ${note && html`<p role="status">${note}</p>`}
    <${ErrorNote} error=${error} />
    <dl class="facts">
      <dt>Attempts</dt><dd>${job.attempts} of ${job.maxAttempts}</dd>
      <dt>Priority</dt><dd>${job.priority}</dd>
      <dt>Credits</dt><dd>${job.creditsCharged} charged, ${job.creditsRefunded} refunded</dd>
      <dt>Created</dt><dd><${Time} at=${job.createdAt} /></dd>
      <dt>Metadata</dt><dd><code>${JSON.stringify(job.metadata)}</code></dd>
    </dl>
    ${job.error && html`<p class="error">Error <code>${job.error.code}</code>: ${job.error.message ?? ''}</p>`}
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol class="timeline">${timeline(job, seen).map(([what, at]) => html`<li><${Time} at=${at} /> ${what}</li>`)}</ol>
    </section>
    <section aria-labelledby="input-title">
      <h2 id="input-title">Input</h2>
      <p class="hint">Private fields of the job type are never shown.</p>
      <pre>${JSON.stringify(job.input, null, 2)}</pre>
    </section>
    <section aria-labelledby="output-title">
      <h2 id="output-title">Output</h2>
      <pre>${JSON.stringify(job.output, null, 2)}</pre>
      ${job.status === 'completed' && html`<${Files} job=${job} />`}
    </section>
    <${Deliveries} id=${job.id} />
    <${Lineage} job=${job} />
  </section>`;
}
