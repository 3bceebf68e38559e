// The admin view (admin key): accounts (each one's jobs viewable), the remote workers seen lately, and every job type.
import { useEffect, useState } from './hooks.js';
import { actFor, api } from './api.js';
import { ErrorNote, Time, html, navigate } from './ui.js';

/** AdminPage is /dashboard/admin. */
export function AdminPage() {
  const [accounts, setAccounts] = useState([]);
  const [workers, setWorkers] = useState([]);
  const [types, setTypes] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('/v1/admin/accounts?limit=100').then((a) => setAccounts(a.data ?? a.accounts ?? []), setError);
    api('/v1/admin/workers').then((a) => setWorkers(a.data), setError);
    api('/v1/admin/job-types').then(setTypes, setError);
  }, []);
  // The admin key then acts for the account (Longrun-Account) on the jobs and overview pages.
  const view = (accountId) => {
    actFor(accountId);
    navigate('/dashboard/jobs');
  };
  return html`<section aria-labelledby="admin-title">
    <h1 id="admin-title">Admin</h1>
    <${ErrorNote} error=${error} />
    <h2>Accounts</h2>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Account</th><th scope="col">Name</th><th scope="col">Credits</th><th scope="col">Created</th><th scope="col">Jobs</th></tr></thead>
      <tbody>${accounts.map(
        (a) => html`<tr><td>${a.id}</td><td>${a.name}</td><td>${a.credits?.balance ?? 'unlimited'}</td><td><${Time} at=${a.createdAt} /></td>
          <td><button type="button" onClick=${() => view(a.id)} aria-label=${`View the jobs of ${a.name} (${a.id})`}>View jobs</button></td></tr>`,
      )}</tbody>
    </table></div>
    <h2>Workers seen in the last hour</h2>
    ${workers.length === 0 && html`<p class="muted">No remote worker has claimed or heartbeaten in the last hour (in-process workers are not listed).</p>`}
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Worker</th><th scope="col">Host</th><th scope="col">Types</th><th scope="col">Jobs in hand</th><th scope="col">Last seen</th></tr></thead>
      <tbody>${workers.map((w) => html`<tr><td>${w.name}</td><td>${w.host}</td><td>${w.types.join(', ')}</td><td>${w.jobsInHand} of ${w.concurrency}</td><td><${Time} at=${w.lastSeenAt} /></td></tr>`)}</tbody>
    </table></div>
    <h2>Job types</h2>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Type</th><th scope="col">Runs on</th><th scope="col">Credits</th><th scope="col">Timeout</th><th scope="col">Attempts</th><th scope="col">Description</th></tr></thead>
      <tbody>${types.map((t) => html`<tr><td>${t.type}</td><td>${t.runsOn}</td><td>${t.creditCost}</td><td>${t.timeoutMs} ms</td><td>${t.maxAttempts}</td><td>${t.unavailable === undefined ? t.description : `unavailable here: ${t.unavailable}`}</td></tr>`)}</tbody>
    </table></div>
  </section>`;
}
