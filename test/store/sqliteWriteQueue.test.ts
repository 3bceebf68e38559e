// SQLite's group commit on its own, on a bare table: the writes of one turn share a transaction
// without a savepoint each; a write that fails before changing a row is answered alone, one that
// fails after changing rows makes the group run again with a savepoint per write, and a write that
// ends the transaction fails the whole group. Each write counts its runs, so the path is visible.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { WriteQueue } from '../../src/store/sqlite/writeQueue.js';

describe('sqlite WriteQueue', () => {
  let db: Database.Database;
  let queue: WriteQueue;
  const runs = new Map<string, number>();
  const rows = () => (db.prepare('SELECT name FROM items ORDER BY name').pluck().all() as string[]);

  /** write inserts the names in order, counting its runs, and throws `fail` (if any) at the end. */
  const write = (label: string, names: string[], fail?: () => never) => () => {
    runs.set(label, (runs.get(label) ?? 0) + 1);
    for (const name of names) db.prepare('INSERT INTO items (name) VALUES (?)').run(name);
    if (fail) fail();
    return label;
  };
  const refused = (): never => {
    throw new Error('refused');
  };

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE items (name TEXT PRIMARY KEY)');
    queue = new WriteQueue(db);
    runs.clear();
  });
  afterEach(() => db.close());

  it('answers a write that fails before its first change alone, running each write once', async () => {
    const outcomes = await Promise.allSettled([
      queue.run(write('a', ['a'])),
      queue.run(write('refused', [], refused)),
      queue.run(write('b', ['b'])),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(rows(), ['a', 'b']);
    assert.deepEqual(Object.fromEntries(runs), { a: 1, refused: 1, b: 1 });
    assert.equal(db.inTransaction, false);
  });

  it('answers a write whose failing statement SQLite undid alone, running each write once', async () => {
    db.prepare("INSERT INTO items (name) VALUES ('taken')").run();
    const outcomes = await Promise.allSettled([queue.run(write('a', ['a'])), queue.run(write('dup', ['taken'])), queue.run(write('b', ['b']))]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /already exists/); // translated: ConflictError
    assert.deepEqual(rows(), ['a', 'b', 'taken']);
    assert.deepEqual(Object.fromEntries(runs), { a: 1, dup: 1, b: 1 });
  });

  it('runs the group again with a savepoint per write when one fails after changing rows, undoing only it', async () => {
    const outcomes = await Promise.allSettled([
      queue.run(write('a', ['a'])),
      queue.run(write('halfway', ['h1', 'h2'], refused)),
      queue.run(write('b', ['b'])),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)), ['a', 'refused', 'b']);
    assert.deepEqual(rows(), ['a', 'b']);
    // Once together (rolled back at `halfway`, so `b` had not run yet), then once apart.
    assert.deepEqual(Object.fromEntries(runs), { a: 2, halfway: 2, b: 1 });
    assert.equal(db.inTransaction, false);
  });

  it('fails the whole group, writing nothing, when a write ends the transaction', async () => {
    const outcomes = await Promise.allSettled([
      queue.run(write('a', ['a'])),
      queue.run(write('ender', ['e'], () => {
        db.prepare('ROLLBACK').run(); // as SQLite does itself on some I/O errors
        throw new Error('disk I/O error');
      })),
      queue.run(write('b', ['b'])),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
    assert.deepEqual(rows(), []);
    assert.equal(db.inTransaction, false);
  });

  it('keeps the writes of later turns apart from a failed group', async () => {
    await Promise.allSettled([queue.run(write('halfway', ['h'], refused))]);
    assert.equal(await queue.run(write('later', ['later'])), 'later');
    assert.deepEqual(rows(), ['later']);
  });
});
