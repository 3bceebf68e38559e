import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ConflictError, InvalidRequestError, LongrunError, NotFoundError, ServiceUnavailableError } from '../../domain/index.js';

/**
 * The driver's way into PostgreSQL: single reads straight on the pool, and every write (and every
 * read that needs more than one statement) as one transaction on one pooled client, committed or
 * rolled back as a whole. Driver errors leave here translated into domain errors.
 */

// Errors that mean "the database is not reachable right now", not "this request is wrong":
// class 08 (connection exception), 57P01–57P03 (shutdown, crash, not yet accepting),
// 53300 (too many connections), and the socket errors Node reports before PostgreSQL can answer.
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * translateError maps a node-postgres error to the domain error a caller can act on, keeping the
 * original as `cause`; anything else (including a LongrunError thrown inside a transaction) passes
 * through unchanged.
 */
export function translateError(error: unknown): unknown {
  if (error instanceof LongrunError || !(error instanceof Error)) return error;
  const { code, detail } = error as Error & { code?: string; detail?: string };
  let translated: LongrunError | undefined;
  if ((code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) || /Connection terminated|timeout exceeded when trying to connect|not queryable/i.test(error.message)) {
    translated = new ServiceUnavailableError();
  } else if (code === '40001' || code === '40P01' || code === '55P03') {
    // Serialization failures, deadlocks and a lock not granted in time (lock_timeout) are
    // transient; the lock order in the migration is meant to make deadlocks impossible, but a
    // client may always retry.
    translated = new ServiceUnavailableError('The store was busy; retry shortly');
  } else if (code === '23505') {
    translated = new ConflictError('A row with this key already exists');
  } else if (code === '23503') {
    // A foreign key to an account that does not exist (a job or key for an unknown account).
    const account = /\(account_id\)=\(([^)]*)\)/.exec(detail ?? '')?.[1];
    translated = new NotFoundError(account ? `Account ${account} not found` : 'A referenced object was not found');
  } else if (code === '22P05' || code === '22021') {
    // jsonb and text cannot hold U+0000 (SQLite can): refuse the request rather than fail with 500.
    translated = new InvalidRequestError('Text and JSON values cannot contain the character U+0000 on this store');
  }
  if (!translated) return error;
  translated.cause = error;
  return translated;
}

/** clientErrors holds the first error each pooled connection reported, so a transaction can release it as broken. */
const clientErrors = new WeakMap<pg.ClientBase, Error>();

/**
 * watchConnections gives every connection the pool opens an 'error' listener for its whole life,
 * so no connection event can ever be an unhandled 'error' that ends the process. pg-pool removes
 * its own listener as it hands a connection over, and the caller's `await pool.connect()` resumes
 * only after the rest of that socket read: a FATAL (57P01 terminating connection) that arrives in
 * the same read as the connection's ReadyForQuery would otherwise have no listener. The pool emits
 * 'connect' before it hands a new connection over, so nothing falls in between; a connection that
 * dies while idle is also dropped by the pool ('error' on the pool).
 */
export function watchConnections(pool: pg.Pool): void {
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      if (!clientErrors.has(client)) clientErrors.set(client, error);
    });
  });
}

/** Tx is one open transaction and its queries. */
export class Tx {
  constructor(private readonly client: pg.PoolClient) {}

  /** rows runs `sql` and returns its rows. */
  async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(prepared(sql, params))).rows as T[];
  }

  /** one runs `sql` and returns its first row, if any. */
  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }

  /** run runs `sql` and returns how many rows it changed. */
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.client.query(prepared(sql, params))).rowCount ?? 0;
  }
}

/** TxKind picks how a transaction begins: a write, or a consistent read. */
export type TxKind = 'write' | 'snapshot';

// Event writers need nothing more than BEGIN: triggers on job_events take the writer lock and send
// the NOTIFY (migration 0010).
const BEGIN: Record<TxKind, string> = { write: 'BEGIN', snapshot: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' };

/** Db runs the driver's statements and transactions on a pool. */
export class Db {
  /** inFlight holds every statement and transaction not yet settled (see drain). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(readonly pool: pg.Pool) {}

  /**
   * rows runs one statement outside an explicit transaction: a single statement is atomic, and is
   * one round trip where BEGIN, the statement and COMMIT are three.
   */
  rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.track(async () => {
      try {
        return (await this.pool.query(prepared(sql, params))).rows as T[];
      } catch (error) {
        throw translateError(error);
      }
    });
  }

  /**
   * simple sends SQL text of one or more statements with no parameters in one round trip (the
   * simple query protocol); only for text the driver made itself.
   */
  simple(sql: string): Promise<void> {
    return this.track(async () => {
      try {
        await this.pool.query(sql);
      } catch (error) {
        throw translateError(error);
      }
    });
  }

  /** one runs one statement and returns its first row, if any. */
  async one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0];
  }

  /** tx runs `fn` in one transaction on one pooled client: COMMIT when it returns, ROLLBACK when it throws. */
  tx<T>(kind: TxKind, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.track(() => this.transaction(kind, fn));
  }

  /**
   * drain settles once every statement and transaction started so far has. pg.Pool#end never
   * serves a request still queued for a client, so close() drains first: that is how "pending
   * writes are flushed first" holds even when every pooled connection was busy.
   */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(run: () => Promise<T>): Promise<T> {
    const promise = run();
    this.inFlight.add(promise);
    promise.then(
      () => this.inFlight.delete(promise),
      () => this.inFlight.delete(promise),
    );
    return promise;
  }

  private async transaction<T>(kind: TxKind, fn: (tx: Tx) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translateError(error);
    }
    // The connection's own error (see watchConnections) or a failed ROLLBACK marks it broken.
    let broken: Error | undefined;
    try {
      await client.query(BEGIN[kind]);
      const result = await fn(new Tx(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A client whose ROLLBACK fails is broken (its socket died): release it to be destroyed.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw translateError(error);
    } finally {
      client.release(clientErrors.get(client) ?? broken);
    }
  }
}

/** statementNames remembers each statement text's name, so the hash is taken once per text. */
const statementNames = new Map<string, string>();

/**
 * prepared names a statement by its text, so each pooled connection parses and plans it once and
 * then only binds and runs it: the driver's statements are a fixed set (queries.ts, jobWriteSql.ts,
 * and the list shapes of jobListSql), and its job writes are long CTEs whose planning would
 * otherwise be a large share of each one's work on the server.
 */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `lr_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}
