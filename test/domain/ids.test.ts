// Ids carry their prefix, are well-formed ULIDs and sort by the time they were made.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idFloor, isId, newId } from '../../src/domain/index.js';

describe('ids', () => {
  it('makes ids with their prefix that isId accepts', () => {
    const id = newId('job');
    assert.match(id, /^job_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.ok(isId('job', id));
    assert.ok(!isId('acct', id));
  });

  it('rejects malformed ids', () => {
    for (const bad of ['job_', 'job_123', 'job_01JF3V6Q2N8Y5M0RZ4T7C9K1Q!', 'JOB_01JF3V6Q2N8Y5M0RZ4T7C9K1QW', 'job_81JF3V6Q2N8Y5M0RZ4T7C9K1QW']) {
      assert.ok(!isId('job', bad), bad);
    }
  });

  it('sorts ids made in one millisecond in the order they were made', () => {
    const ms = Date.parse('2026-01-26T12:00:00.000Z');
    const ids = Array.from({ length: 1000 }, () => newId('job', ms));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('sorts ids by time across milliseconds', () => {
    const early = newId('job', Date.parse('2026-01-01T00:00:00.000Z'));
    const late = newId('job', Date.parse('2026-06-01T00:00:00.000Z'));
    assert.ok(early < late);
  });

  it('idFloor is below every id made at or after its time and above earlier ones', () => {
    const at = Date.parse('2026-03-01T00:00:00.000Z');
    assert.ok(idFloor('job', at) <= newId('job', at + 1));
    assert.ok(idFloor('job', at) > newId('job', at - 1000));
  });
});
