// A use case names its request's fields by JSON pointer; the routes that read a request from the
// query string report a problem as the parameter the client sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequestError, NotFoundError } from '../../src/domain/index.js';
import { fromQuery, inQuery } from '../../src/http/queryFields.js';

describe('fromQuery', () => {
  it('reports a one-field problem as the query parameter, detail included', async () => {
    const error = await fromQuery({ cursor: 'cursor' }, async () => {
      throw InvalidRequestError.field('/cursor', 'is not a cursor this API issued');
    }).catch((e: unknown) => e);
    assert.ok(error instanceof InvalidRequestError);
    assert.deepEqual(error.errors, [{ path: 'cursor', message: 'is not a cursor this API issued', in: 'query' }]);
    assert.equal(error.message, 'query cursor: is not a cursor this API issued');
  });

  it('renames a field whose parameter is spelled otherwise', () => {
    const moved = inQuery(InvalidRequestError.field('/statuses', 'has an unknown status'), { statuses: 'status' });
    assert.deepEqual(moved.errors, [{ path: 'status', message: 'has an unknown status', in: 'query' }]);
  });

  it('keeps problems about fields it was not told of, and errors that are not field problems', async () => {
    const body = InvalidRequestError.field('/runAt', 'must be an ISO 8601 date-time');
    assert.equal(inQuery(body, { from: 'from' }), body);
    const inherited = InvalidRequestError.field('/toString', 'is odd');
    assert.equal(inQuery(inherited, { from: 'from' }), inherited);
    const missing = new NotFoundError('Account acct_1 not found');
    await assert.rejects(fromQuery({ cursor: 'cursor' }, async () => Promise.reject(missing)), (e) => e === missing);
    assert.equal(await fromQuery({ cursor: 'cursor' }, async () => 42), 42);
  });

  it('moves the listed problems of a many-field error and keeps its message and status', () => {
    const error = new InvalidRequestError('The window is not acceptable', [
      { path: '/from', message: 'must be before to' },
      { path: '/other', message: 'is wrong' },
    ], 422);
    const moved = inQuery(error, { from: 'from' });
    assert.equal(moved.message, 'The window is not acceptable');
    assert.equal(moved.status, 422);
    assert.deepEqual(moved.errors, [
      { path: 'from', message: 'must be before to', in: 'query' },
      { path: '/other', message: 'is wrong' },
    ]);
  });
});
