// The jobs list: filters in the URL, keyset paging, live changes from the account's event
// stream, and bulk cancel and rerun of a selection or of everything the filters match.
import { useEffect, useState } from './hooks.js';
import { api, follow } from './api.js';
import { BulkBar } from './bulk.js';
import { filterQuery, matches, readFilters } from './filters.js';
import { ErrorNote, Link, Progress, Status, Time, html, navigate } from './ui.js';

const PAGE = 100;
const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'];
const LABELS = { type: 'Type', metadata: 'Metadata (key:value)', errorCode: 'Error code', priority: 'Priority', originalJobId: 'Reruns of job', createdFrom: 'Created from', createdTo: 'Created before' };

function FilterForm({ filters }) {
  const [draft, setDraft] = useState(filters);
  const [jobId, setJobId] = useState('');
  useEffect(() => setDraft(filters), [filterQuery(filters)]);
  const set = (name) => (event) => setDraft({ ...draft, [name]: event.currentTarget.value });
  const apply = (event) => {
    event.preventDefault();
    const clean = { ...draft };
    for (const name of ['createdFrom', 'createdTo']) if (clean[name] && !clean[name].endsWith('Z')) clean[name] = new Date(clean[name]).toISOString();
    navigate(`/dashboard/jobs?${filterQuery(clean)}`);
  };
  const open = (event) => {
    event.preventDefault();
    if (jobId.trim()) navigate(`/dashboard/jobs/${jobId.trim()}`);
  };
  const local = (iso) => (iso ? iso.replace(/:\d\d(\.\d+)?Z$/, '') : '');
  return html`<div class="filters">
    <form onSubmit=${apply} aria-label="Filter jobs">
      <label>Status
        <select value=${draft.status ?? ''} onChange=${set('status')}>
          <option value="">any</option>
          ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </label>
      ${['type', 'metadata', 'errorCode', 'priority', 'originalJobId'].map(
        (name) => html`<label>${LABELS[name]} <input name=${name} type=${name === 'priority' ? 'number' : 'text'} value=${draft[name] ?? ''} onInput=${set(name)} /></label>`,
      )}
      ${['createdFrom', 'createdTo'].map(
        (name) => html`<label>${LABELS[name]} <input name=${name} type="datetime-local" value=${local(draft[name])} onInput=${set(name)} /></label>`,
      )}
      <button type="submit">Apply filters</button>
      <button type="button" onClick=${() => navigate('/dashboard/jobs')}>Clear filters</button>
    </form>
    <form onSubmit=${open} class="goto" aria-label="Open a job by id">
      <label>Job id <input value=${jobId} onInput=${(e) => setJobId(e.currentTarget.value)} placeholder="job_…" /></label>
      <button type="submit">Open job</button>
    </form>
  </div>`;
}

/** JobsPage is the list at /dashboard/jobs. */
export function JobsPage() {
  const { filters, cursor } = readFilters(location.search);
  const query = filterQuery(filters, cursor);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const [selected, setSelected] = useState(new Set());
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let stale = false;
    setError(null);
    api(`/v1/jobs?limit=${PAGE}&${query}`).then(
      (answer) => !stale && setPage(answer),
      (failure) => !stale && setError(failure),
    );
    setSelected(new Set());
    return () => (stale = true);
  }, [query, reloads]);

  // Live: a job on this page is replaced as it changes; a new job that matches goes on top of the first page.
  useEffect(() => {
    const stop = new AbortController();
    follow('/v1/events', {
      signal: stop.signal,
      onEvent: (job) =>
        setPage((current) => {
          if (!current) return current;
          const at = current.data.findIndex((j) => j.id === job.id);
          if (at >= 0) return { ...current, data: current.data.map((j, i) => (i === at ? (matches(filters, job) ? job : { ...job, stale: true }) : j)) };
          if (cursor || !matches(filters, job)) return current;
          return { ...current, data: [job, ...current.data] };
        }),
    });
    return () => stop.abort();
  }, [query]);

  const toggle = (id) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const jobs = page?.data ?? [];
  const allSelected = jobs.length > 0 && jobs.every((j) => selected.has(j.id));
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set(jobs.map((j) => j.id)));
  const total = page ? `${page.pagination.total}${page.pagination.totalCapped ? '+' : ''}` : '…';

  return html`<section aria-labelledby="jobs-title">
    <h1 id="jobs-title">Jobs</h1>
    <${FilterForm} filters=${filters} />
    <${BulkBar} selected=${[...selected]} filters=${filters} onDone=${() => setReloads(reloads + 1)} />
    <${ErrorNote} error=${error} />
    <p class="count" aria-live="polite">${total} matching jobs</p>
    <div class="table-wrap">
      <table class="jobs">
        <thead><tr>
          <th scope="col"><input type="checkbox" aria-label="Select every job on this page" checked=${allSelected} onChange=${toggleAll} /></th>
          <th scope="col">Job</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Created</th>
        </tr></thead>
        <tbody>
          ${jobs.map(
            (job) => html`<tr key=${job.id} data-job=${job.id} class=${job.stale ? 'stale' : ''}>
              <td><input type="checkbox" aria-label=${`Select job ${job.id}`} checked=${selected.has(job.id)} onChange=${() => toggle(job.id)} /></td>
              <td><${Link} href=${`/dashboard/jobs/${job.id}`}>${job.id}</${Link}></td>
              <td>${job.type}</td>
              <td><${Status} status=${job.status} /></td>
              <td><${Progress} value=${job.progress} label=${`Progress of ${job.id}`} /></td>
              <td><${Time} at=${job.createdAt} /></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${page && jobs.length === 0 && html`<p>No jobs match.</p>`}
    <nav class="pager" aria-label="Pages">
      ${cursor && html`<button type="button" onClick=${() => navigate(`/dashboard/jobs?${filterQuery(filters)}`)}>First page</button>`}
      ${page?.pagination.nextCursor && html`<button type="button" onClick=${() => navigate(`/dashboard/jobs?${filterQuery(filters, page.pagination.nextCursor)}`)}>Next page</button>`}
    </nav>
  </section>`;
}

