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

  it('lists in ERROR_CODES the code of every LongrunError class', () => {
    const instances = [
      new domain.InvalidRequestError('x'),
      new domain.UnauthorizedError(),
      new domain.ForbiddenError('x'),
      new domain.NotFoundError('x'),
      new domain.JobNotFoundError('job_x'),
      new domain.UnknownJobTypeError('x'),
      new domain.InsufficientCreditsError(1, 0),
      new domain.RateLimitedError(1),
      new domain.JobNotCancellableError('job_x', 'completed'),
      new domain.JobNotRerunnableError('job_x', 'pending'),
      new domain.IdempotencyKeyReusedError(),
      new domain.PayloadTooLargeError('x'),
      new domain.LeaseLostError('job_x'),
      new domain.ServiceUnavailableError(),
      new domain.RangeNotSatisfiableError(10),
      new domain.InternalError(),
    ];
    for (const error of instances) {
      assert.ok((domain.ERROR_CODES as readonly string[]).includes(error.code), error.code);
      assert.ok(error.status >= 400 && error.status < 600);
    }
  });

  it('names the field of a one-field InvalidRequestError', () => {
    const error = domain.InvalidRequestError.field('limit', 'must be ≤ 100', 'query');
    assert.deepEqual(error.errors, [{ path: 'limit', message: 'must be ≤ 100', in: 'query' }]);
    assert.equal(error.status, 400);
  });
});
