// Both drivers translate the same database faults into the same domain errors, keeping the
// driver's error as the cause: what the contract suite cannot provoke on demand (a lock held past
// the wait, a deadlock) is pinned here with the errors each driver library raises.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, type LongrunError, NotFoundError, ServiceUnavailableError } from '../../src/domain/index.js';
import { translateError as translatePostgres } from '../../src/store/postgres/db.js';
import { translateError as translateSqlite } from '../../src/store/sqlite/errors.js';

/** raised builds an error as better-sqlite3 or node-postgres raises it: a message and a code. */
const raised = (code: string, detail?: string) => Object.assign(new Error(`database says ${code}`), { code, detail });

type ErrorClass = abstract new (...args: never[]) => LongrunError;

const cases: { fault: string; sqlite: string; postgres: string; expected: ErrorClass }[] = [
  { fault: 'a unique key taken twice', sqlite: 'SQLITE_CONSTRAINT_PRIMARYKEY', postgres: '23505', expected: ConflictError },
  { fault: 'a unique index violated', sqlite: 'SQLITE_CONSTRAINT_UNIQUE', postgres: '23505', expected: ConflictError },
  { fault: 'a missing parent row', sqlite: 'SQLITE_CONSTRAINT_FOREIGNKEY', postgres: '23503', expected: NotFoundError },
  { fault: 'a lock held past the wait', sqlite: 'SQLITE_BUSY', postgres: '55P03', expected: ServiceUnavailableError },
  { fault: 'a locked table or a deadlock', sqlite: 'SQLITE_LOCKED', postgres: '40P01', expected: ServiceUnavailableError },
];

describe('store error translation', () => {
  for (const c of cases) {
    it(`translates ${c.fault} into ${c.expected.name} on both drivers, keeping the cause`, () => {
      for (const [translate, code] of [[translateSqlite, c.sqlite], [translatePostgres, c.postgres]] as const) {
        const original = raised(code);
        const translated = translate(original);
        assert.ok(translated instanceof c.expected, `${code} became ${String(translated)}`);
        assert.equal((translated as Error).cause, original);
      }
    });
  }

  it('passes other errors through unchanged', () => {
    const other = raised('SQLITE_CONSTRAINT_CHECK');
    assert.equal(translateSqlite(other), other);
    const pgOther = raised('23514');
    assert.equal(translatePostgres(pgOther), pgOther);
  });
});
