// Every problem code the API can answer with is documented, and the documented table matches.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as domain from '../../src/domain/index.js';

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it('documents every code in docs/errors.md', () => {
    for (const code of domain.ERROR_CODES) assert.match(docs, new RegExp(`\\| \`${code}\` \\|`), `${code} is not in docs/errors.md`);
  });

  it('lists in ERROR_CODES the code of every LongrunError class the domain exports', () => {
    // Found, not listed by hand: a hand-made list once missed a class added later.
    type ErrorClass = new (...args: unknown[]) => domain.LongrunError;
    const classes = (Object.values(domain) as unknown[]).filter(
      (value): value is ErrorClass => typeof value === 'function' && value !== domain.LongrunError && value.prototype instanceof domain.LongrunError,
    );
    assert.ok(classes.length >= 18, `found only ${classes.length} error classes`);
    for (const ErrorClass of classes) {
      // Each constructor's first argument is an id, a number or a message; the code does not depend on it.
      const error = new ErrorClass('x');
      assert.ok((domain.ERROR_CODES as readonly string[]).includes(error.code), `${ErrorClass.name}: ${error.code} is not in ERROR_CODES`);
      assert.ok(error.status >= 400 && error.status < 600, `${ErrorClass.name}: status ${error.status}`);
    }
  });

  it('names the field of a one-field InvalidRequestError', () => {
    const error = domain.InvalidRequestError.field('limit', 'must be ≤ 100', 'query');
    assert.deepEqual(error.errors, [{ path: 'limit', message: 'must be ≤ 100', in: 'query' }]);
    assert.equal(error.status, 400);
  });
});
