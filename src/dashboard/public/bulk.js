// Bulk cancel and rerun: of the selected jobs or of everything the filters match. Each starts
// with a dry run, whose count the person confirms; only then does anything change.
import { useState } from './hooks.js';
import { api } from './api.js';
import { bulkFilter } from './filters.js';
import { ErrorNote, html } from './ui.js';

const VERB = { cancel: 'Cancel', rerun: 'Rerun' };

/** BulkBar offers the four bulk actions and walks one through preview, confirmation and result. */
export function BulkBar({ selected, filters, onDone }) {
  const [pending, setPending] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);

  const preview = async (action, scope) => {
    setError(null);
    setResult(null);
    const target = scope === 'selected' ? { ids: selected } : { filter: bulkFilter(filters) };
    try {
      const dry = await api('/v1/jobs/bulk', { method: 'POST', body: { action, ...target, dryRun: true } });
      setPending({ action, target, count: dry.count, hasMore: dry.hasMore, scope });
    } catch (failure) {
      setError(failure);
    }
  };
  const confirm = async () => {
    const { action, target } = pending;
    setPending(null);
    try {
      const done = await api('/v1/jobs/bulk', { method: 'POST', body: { action, ...target } });
      const failed = done.results.filter((r) => !r.ok).length;
      setResult(`${VERB[action]}: ${done.count - failed} done${failed ? `, ${failed} refused` : ''}${done.hasMore ? '; more jobs match, run it again' : ''}.`);
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };

  const none = selected.length === 0;
  return html`<div class="bulk" role="group" aria-label="Bulk actions">
    <button type="button" disabled=${none} onClick=${() => preview('cancel', 'selected')}>Cancel selected (${selected.length})</button>
    <button type="button" disabled=${none} onClick=${() => preview('rerun', 'selected')}>Rerun selected (${selected.length})</button>
    <button type="button" onClick=${() => preview('cancel', 'filter')}>Cancel all matching</button>
    <button type="button" onClick=${() => preview('rerun', 'filter')}>Rerun all matching</button>
    ${pending &&
    html`<div class="confirm" role="alertdialog" aria-labelledby="bulk-question" aria-modal="false">
      <p id="bulk-question">${VERB[pending.action]} ${pending.count} job${pending.count === 1 ? '' : 's'}${pending.hasMore ? ' (the first 1,000; more match)' : ''}?
        ${pending.action === 'cancel' ? ' They are refunded.' : ' Each is charged again.'}</p>
      <button type="button" autofocus disabled=${pending.count === 0} onClick=${confirm}>Yes, ${VERB[pending.action].toLowerCase()} ${pending.count}</button>
      <button type="button" onClick=${() => setPending(null)}>Back</button>
    </div>`}
    ${result && html`<p role="status">${result}</p>`}
    <${ErrorNote} error=${error} />
  </div>`;
}
