/**
 * DNS for the URL guard: the shape of a lookup (so tests and callers can inject one), the system
 * resolver, and a time limit around it.
 */
import { promises as dns } from 'node:dns';

/** LookupFn resolves a host name to every address it has; the default is dns.promises.lookup. */
export type LookupFn = (
  hostname: string,
  options: { all: true; verbatim: true },
) => Promise<ReadonlyArray<{ address: string; family: number }>>;

/** systemLookup is the system resolver (dns.promises.lookup), with no time limit of ours. */
export const systemLookup: LookupFn = (hostname, options) => dns.lookup(hostname, options);

/** LOOKUP_TIMEOUT_MS bounds one DNS lookup of the URL guard (2 s): a host that does not answer by then is unresolvable. */
export const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * timedLookup is dns.promises.lookup that gives up after `ms` with ETIMEOUT, which checkUrl
 * reports as `unresolvable`. The system resolver can take far longer to fail (retries across
 * several name servers); a job creation or a webhook attempt should not wait for it.
 */
export function timedLookup(ms: number = LOOKUP_TIMEOUT_MS, lookup: LookupFn = systemLookup): LookupFn {
  return (hostname, options) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error: NodeJS.ErrnoException = new Error(`DNS lookup of ${hostname} took over ${ms} ms`);
        error.code = 'ETIMEOUT';
        reject(error);
      }, ms);
      timer.unref();
      lookup(hostname, options).then(
        (answers) => {
          clearTimeout(timer);
          resolve(answers);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
}
