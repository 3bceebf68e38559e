// The service's webhook delivery policy: which job changes make a delivery, and the exact bytes of
// its payload (stored once, sent on every attempt).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobView } from '../../src/http/jobView.js';
import { webhookDeliveryPolicy } from '../../src/service/webhookDeliveries.js';
import { buildJob } from '../helpers/factories.js';

describe('webhook delivery policy', () => {
  const policy = webhookDeliveryPolicy(jobView);

  it('makes a delivery for an event the job asked for, with the payload bytes of { type, timestamp, data: view }', () => {
    const job = buildJob({ status: 'completed', webhookUrl: 'https://example.com/hook', webhookEvents: ['job.completed'] });
    const delivery = policy(job, 'completed');
    assert.ok(delivery);
    assert.equal(delivery.eventType, 'job.completed');
    assert.equal(delivery.url, 'https://example.com/hook');
    assert.equal(delivery.payload, JSON.stringify({ type: 'job.completed', timestamp: job.updatedAt.toISOString(), data: jobView(job) }));
  });

  it('makes none for a change the job did not ask for, one without a webhook event, or a job without a webhookUrl', () => {
    const job = buildJob({ webhookUrl: 'https://example.com/hook', webhookEvents: ['job.completed'] });
    assert.equal(policy(job, 'failed'), null);
    assert.equal(policy(job, 'created'), null);
    assert.equal(policy({ ...job, webhookUrl: null }, 'completed'), null);
  });

  it('shows the job through the view it is given', () => {
    const job = buildJob({ webhookUrl: 'https://example.com/hook', webhookEvents: ['job.started'] });
    const delivery = webhookDeliveryPolicy((j) => ({ only: j.id }))(job, 'started');
    assert.deepEqual(JSON.parse(delivery!.payload).data, { only: job.id });
  });
});
