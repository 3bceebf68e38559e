import { ConflictError, LongrunError, NotFoundError, ServiceUnavailableError } from '../../domain/index.js';

/**
 * translateError turns a better-sqlite3 error into the domain error the PostgreSQL driver throws
 * for the same fault (postgres/db.ts translateError), so callers see one contract: another
 * process holding the lock past busy_timeout is unavailable (503, retry), a row pointing at a
 * parent that does not exist is not found, a second row with a unique key is a conflict.
 * Anything else is returned unchanged.
 */
export function translateError(error: unknown): unknown {
  if (error instanceof LongrunError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  let translated: LongrunError | undefined;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    translated = new ServiceUnavailableError('The database is busy with another process; retry shortly');
  } else if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    // SQLite does not say which key failed; the writes that can hit this point at an account.
    translated = new NotFoundError('A referenced account was not found');
  } else if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    translated = new ConflictError('A row with this key already exists');
  }
  if (!translated) return error;
  translated.cause = error;
  return translated;
}
