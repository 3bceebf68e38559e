/**
 * Redaction of secrets in URLs before they are logged or shown. Clients do put keys in query
 * strings (`?api_key=…` copied from another API's docs, a signed link's `token=`), and request
 * logs carry the URL, so the value of any parameter whose name says "secret" is replaced.
 */

/** SECRET_PARAM matches query parameter names whose values are secrets. */
export const SECRET_PARAM = /(^|[_-])(key|api[_-]?key|apikey|token|access[_-]?token|secret|password|passwd|signature|sig|auth|authorization|credentials?)$/i;

/** REDACTED is what a secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * redactUrl returns `url` (a path with a query, or an absolute URL) with the values of secret
 * query parameters replaced by REDACTED, and the password of `user:password@` userinfo too. The
 * rest is left byte for byte, so a log line still shows what was asked.
 */
export function redactUrl(url: string): string {
  const withoutUserinfo = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@]*?:)[^/?#@]*@/i, `$1${REDACTED}@`);
  const queryAt = withoutUserinfo.indexOf('?');
  if (queryAt === -1) return withoutUserinfo;
  const hashAt = withoutUserinfo.indexOf('#', queryAt);
  const end = hashAt === -1 ? withoutUserinfo.length : hashAt;
  const query = withoutUserinfo
    .slice(queryAt + 1, end)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape is matched as written.
      }
      return equals !== -1 && SECRET_PARAM.test(name) ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
  return `${withoutUserinfo.slice(0, queryAt + 1)}${query}${withoutUserinfo.slice(end)}`;
}

// A URL in prose ends before trailing punctuation: "at https://x/?a=1, then" or "(Location: …)".
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*[^\s"'<>).,;:!?\]]/gi;

/**
 * redactText applies redactUrl to every absolute URL inside free text, such as an error message
 * that quotes the page or the Location a request met, before that text is logged.
 */
export function redactText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}
