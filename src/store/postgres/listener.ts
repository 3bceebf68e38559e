import pg from 'pg';
import type { ChangeSignal, WatchNote } from '../types.js';
import { quoteIdent } from './names.js';

/**
 * ListenerState is told to the store's owner (for the log): listening (again, after a loss, when
 * `reconnected`), or the connection was lost, with why, and a reconnect is scheduled.
 */
export type ListenerState = { listening: true; reconnected: boolean } | { listening: false; error: unknown };

/** ListenerOptions say where to listen and which notifications are this store's own. */
export interface ListenerOptions {
  /** config opens the dedicated connection (the pool's settings; LISTEN needs a session of its own). */
  config: pg.ClientConfig;
  channel: string;
  /** origin is this store instance's id: notifications carrying it are its own commits. */
  origin: string;
  /** minBackoffMs is the first reconnect delay; it doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** onState is told when the connection starts listening and when it is lost. */
  onState?: (state: ListenerState) => void;
}

/**
 * Listener holds one dedicated connection that LISTENs on the schema's channel and tells its
 * callbacks what another store instance committed: the signals in each notification's payload
 * (see Notifier), sent after the commits they tell of. While the connection stays up no
 * committed event goes unheard; when it errors or ends, it reconnects with backoff and then tells
 * every callback to catch up once, since commits made while it was away sent notifications
 * nobody heard.
 * The connection exists only while someone watches, and `close` ends it and any pending retry,
 * so it never keeps the process alive after the store is closed.
 */
export class Listener {
  private readonly callbacks = new Set<(note: WatchNote) => void>();
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  /** missed is set once a connection was lost (or never made): the next LISTEN is followed by a catch-up. */
  private missed = false;
  private closed = false;

  constructor(private readonly options: ListenerOptions) {}

  /** add calls `onChange` on other instances' commits until the returned function is called. */
  add(onChange: (note: WatchNote) => void): () => void {
    if (this.closed) return () => {};
    const callback = (note: WatchNote) => onChange(note); // a fresh function, so the same onChange may be added twice
    this.callbacks.add(callback);
    if (this.callbacks.size === 1) this.connect();
    return () => {
      if (!this.callbacks.delete(callback) || this.callbacks.size > 0) return;
      this.disconnect();
    };
  }

  /** close stops listening for good and ends the connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.callbacks.clear();
    await this.disconnect();
  }

  /** pid is the listening connection's backend pid, when connected (for tests and diagnostics). */
  get pid(): number | undefined {
    return (this.client as (pg.Client & { processID?: number }) | null)?.processID;
  }

  private connect(): void {
    const client = new pg.Client(this.options.config);
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel) return;
      const note = readPayload(message.payload, this.options.origin);
      if (note) this.fire(note);
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${quoteIdent(this.options.channel)}`))
      .then(() => {
        if (this.client !== client) return;
        this.failures = 0;
        this.options.onState?.({ listening: true, reconnected: this.missed });
        if (this.missed) {
          this.missed = false;
          this.fire({ catchUp: true });
        }
      })
      .catch((error: unknown) => this.lost(client, error));
  }

  /** lost drops a failed connection and schedules the next attempt; later signals of it are ignored. */
  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    if (this.closed || this.callbacks.size === 0) return;
    this.missed = true;
    this.options.onState?.({ listening: false, error });
    const min = this.options.minBackoffMs ?? 100;
    const delay = Math.min(this.options.maxBackoffMs ?? 5_000, min * 2 ** this.failures++);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.closed && this.callbacks.size > 0) this.connect();
    }, delay);
    this.retry.unref();
  }

  private async disconnect(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.missed = false;
    const client = this.client;
    this.client = null; // from here on its 'end' and 'error' are ignored
    if (client) await client.end().catch(() => {});
  }

  private fire(note: WatchNote): void {
    for (const callback of [...this.callbacks]) {
      try {
        callback(note);
      } catch (error) {
        // One watcher that throws must not silence the others; surface it as the bus does.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** One event in a notification payload, as Notifier builds it (notifier.ts). */
// The last entry is missing from the payloads of nodes older than job dependencies.
type PayloadEvent = [string, string, ChangeSignal['kind'], ChangeSignal['status'], number, string, number, number, boolean, boolean?];

/**
 * readPayload turns a notification's payload into the note its callbacks get: nothing for the
 * store's own commits, the signals for another instance's, and a catch-up for a payload it cannot
 * read (a process of another version), so nothing is missed either way.
 */
export function readPayload(payload: string | undefined, origin: string): WatchNote | null {
  let parsed: { o?: unknown; e?: unknown; k?: unknown };
  try {
    parsed = JSON.parse(payload ?? '') as { o?: unknown; e?: unknown; k?: unknown };
  } catch {
    return { catchUp: true };
  }
  if (parsed.o === origin) return null;
  if (typeof parsed.k === 'string') return { keyRevoked: parsed.k };
  if (typeof parsed.o !== 'string' || !Array.isArray(parsed.e)) return { catchUp: true };
  const signals = (parsed.e as PayloadEvent[]).map(([jobId, accountId, kind, status, eventSeq, type, priority, runAtMs, webhook, dependents]) => ({
    kind, jobId, accountId, status, eventSeq, type, priority, runAt: new Date(runAtMs), webhook, dependents: dependents === true,
  }));
  return { signals };
}
