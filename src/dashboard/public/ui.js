// The pieces every view uses: html (htm bound to Preact), navigation inside the dashboard, and
// small components for statuses, times and errors.
import { h } from './preact.js';
import htm from './htm.js';

/** html is the template tag for Preact elements. */
export const html = htm.bind(h);

const listeners = new Set();

/** navigate moves to a dashboard URL without a reload; the views re-render from location. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const listener of listeners) listener();
}

/** onNavigate calls `listener` after every move (back and forward too); returns the unsubscribe. */
export function onNavigate(listener) {
  listeners.add(listener);
  const pop = () => listener();
  addEventListener('popstate', pop);
  return () => {
    listeners.delete(listener);
    removeEventListener('popstate', pop);
  };
}

/** Link is an <a> that navigates in place for a plain click and as a link otherwise (new tab, copy). */
export function Link({ href, children, ...rest }) {
  const click = (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return html`<a href=${href} onClick=${click} ...${rest}>${children}</a>`;
}

/** Status shows a job status as a labelled badge. */
export function Status({ status }) {
  return html`<span class=${`status status-${status}`}>${status}</span>`;
}

/** Time shows a timestamp in the viewer's locale, with the exact ISO time in a machine-readable attribute. */
export function Time({ at }) {
  if (!at) return html`<span class="muted">—</span>`;
  return html`<time datetime=${at} title=${at}>${localTime(at)}</time>`;
}

// A browser whose locale the runtime cannot use (`en-US@posix` from LANG=C) throws from
// toLocaleString; the ISO time is shown then.
function localTime(at) {
  try {
    return new Date(at).toLocaleString();
  } catch {
    return at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }
}

/** ErrorNote shows a failed request's message in a live region, so screen readers hear it. */
export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message ?? String(error)}</p>`;
}

/** Progress is a progress bar with its number. */
export function Progress({ value, label = 'Progress' }) {
  return html`<span class="progress"><progress max="100" value=${value} aria-label=${label}></progress> <span>${value}%</span></span>`;
}

/** FINAL tells whether a status is final. */
export const FINAL = (status) => status === 'completed' || status === 'failed' || status === 'cancelled';
