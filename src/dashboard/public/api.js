// The dashboard's only way to the server: the public API with the signed-in key in a header.
// The key lives in sessionStorage (gone with the tab), never in a cookie, so there is no CSRF.

const KEY = 'longrun.key';
const ROLE = 'longrun.role';

/** session is who is signed in: `key` and `role` ('account' or 'admin'), both null when signed out. */
export const session = { key: sessionStorage.getItem(KEY), role: sessionStorage.getItem(ROLE) };

/** ApiError is a refused request, with the server's problem+json when it sent one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `The server answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function call(path, { method = 'GET', body, key = session.key, signal } = {}) {
  const headers = { 'x-api-key': key ?? '' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  if (!response.ok) {
    const problem = /json/.test(response.headers.get('content-type') ?? '') ? await response.json().catch(() => null) : null;
    throw new ApiError(response.status, problem);
  }
  return response;
}

/** api sends one request and answers its JSON (null for an empty answer); a refusal throws ApiError. */
export async function api(path, options) {
  const response = await call(path, options);
  const text = await response.text();
  return text === '' ? null : JSON.parse(text);
}

/** apiBlob downloads a file with the key, for previews and downloads (a link cannot send the header). */
export async function apiBlob(path) {
  return (await call(path)).blob();
}

/**
 * signIn finds out what `key` is: an account key reads its account, the admin key lists accounts.
 * Anything else is refused with a message for the person typing it; nothing is kept then.
 */
export async function signIn(key) {
  let role = null;
  try {
    await api('/v1/account', { key });
    role = 'account';
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    try {
      await api('/v1/admin/accounts?limit=1', { key });
      role = 'admin';
    } catch (adminError) {
      if (!(adminError instanceof ApiError)) throw adminError;
      throw new Error('This key was refused: it is not a valid account key or the admin key.');
    }
  }
  sessionStorage.setItem(KEY, key);
  sessionStorage.setItem(ROLE, role);
  Object.assign(session, { key, role });
  return role;
}

/** signOut forgets the key. */
export function signOut() {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(ROLE);
  Object.assign(session, { key: null, role: null });
}

/**
 * follow reads a text/event-stream with the key header (EventSource cannot send one) and calls
 * `onEvent(data, id)` with each message's parsed JSON. It reconnects after a dropped stream,
 * resuming after the last id when `resume` is set, until `signal` aborts or `done(data)` is true.
 */
export async function follow(path, { onEvent, signal, resume = false, done = () => false, onError = () => {} }) {
  let lastId = null;
  while (!signal.aborted) {
    try {
      const headers = { 'x-api-key': session.key ?? '', accept: 'text/event-stream' };
      if (resume && lastId !== null) headers['last-event-id'] = lastId;
      const response = await fetch(path, { headers, signal });
      if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const message = parseMessage(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (message.data === null) continue;
          if (message.id !== null) lastId = message.id;
          const data = JSON.parse(message.data);
          onEvent(data, message.id);
          if (done(data)) return;
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      onError(error);
      if (error instanceof ApiError && error.status < 500) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function parseMessage(block) {
  const message = { id: null, data: null };
  for (const line of block.split('\n')) {
    if (line.startsWith('data:')) message.data = (message.data === null ? '' : `${message.data}\n`) + line.slice(5).trimStart();
    else if (line.startsWith('id:')) message.id = line.slice(3).trim();
  }
  return message;
}
