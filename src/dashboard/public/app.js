// The dashboard: sign-in, then the view the URL names. Every view reads the public API only.
import { render } from './preact.js';
import { useEffect, useState } from './hooks.js';
import { ApiError, session, signIn, signOut } from './api.js';
import { AdminPage } from './admin.js';
import { JobPage } from './job.js';
import { JobsPage } from './jobs.js';
import { OverviewPage } from './overview.js';
import { Link, html, navigate, onNavigate } from './ui.js';

function SignIn({ onSignedIn }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(key.trim()));
    } catch (failure) {
      setError(failure instanceof ApiError ? `The server refused the request: ${failure.message}` : failure.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="signin">
    <h1>Longrun</h1>
    <form onSubmit=${submit}>
      <label for="key">API key or admin key</label>
      <input id="key" type="password" autocomplete="off" required value=${key} onInput=${(e) => setKey(e.currentTarget.value)} />
      <p class="hint">The key stays in this tab (sessionStorage) and is sent as a header; no cookie is set.</p>
      <button type="submit" disabled=${busy}>Sign in</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
  </main>`;
}

/** route picks the view for the current path under /dashboard. */
function route(path) {
  const job = /^\/dashboard\/jobs\/(job_[A-Za-z0-9]+)$/.exec(path);
  if (job) return html`<${JobPage} id=${job[1]} />`;
  if (path === '/dashboard/overview') return html`<${OverviewPage} />`;
  if (path === '/dashboard/admin') return html`<${AdminPage} />`;
  return html`<${JobsPage} />`;
}

function App() {
  const [role, setRole] = useState(session.role);
  const [, setPath] = useState(location.pathname + location.search);
  useEffect(() => onNavigate(() => setPath(location.pathname + location.search)), []);
  if (!role) return html`<${SignIn} onSignedIn=${setRole} />`;
  const out = () => {
    signOut();
    setRole(null);
    navigate('/dashboard');
  };
  const path = location.pathname;
  const admin = role === 'admin';
  const current = (href) => (path === href || (href === '/dashboard/jobs' && path.startsWith('/dashboard/jobs')) ? 'page' : undefined);
  return html`<div class="shell">
    <header>
      <strong class="brand">Longrun</strong>
      <nav aria-label="Main">
        ${!admin && html`<${Link} href="/dashboard/jobs" aria-current=${current('/dashboard/jobs')}>Jobs</${Link}>`}
        ${!admin && html`<${Link} href="/dashboard/overview" aria-current=${current('/dashboard/overview')}>Overview</${Link}>`}
        ${admin && html`<${Link} href="/dashboard/admin" aria-current=${current('/dashboard/admin')}>Admin</${Link}>`}
      </nav>
      <span class="who">${admin ? 'Signed in with the admin key' : 'Signed in with an account key'}</span>
      <button type="button" onClick=${out}>Sign out</button>
    </header>
    <main id="main">${admin ? html`<${AdminPage} />` : route(path)}</main>
  </div>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the no-script placeholder goes; Preact renders into an empty element
render(html`<${App} />`, root);
