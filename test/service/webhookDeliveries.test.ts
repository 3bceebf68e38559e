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

  it('gives a job whose webhookFormat names a format that format’s payload, and the delivery its name', () => {
    const formats = { other: { payload: (j: { id: string }, event: string) => (event === 'job.completed' ? { done: j.id } : null) } };
    const job = buildJob({ status: 'completed', webhookUrl: 'https://example.com/hook', webhookFormat: 'other', webhookEvents: ['job.completed', 'job.cancelled'] });
    const delivery = webhookDeliveryPolicy(jobView, formats)(job, 'completed');
    assert.deepEqual([delivery?.format, delivery?.payload], ['other', JSON.stringify({ done: job.id })]);
    assert.equal(webhookDeliveryPolicy(jobView, formats)(job, 'cancelled'), null, 'the format sends nothing for this event');
  });

  it('treats a metadata key named webhookPayload as the user’s metadata, not a choice of shape', () => {
    const formats = { vydra: { payload: () => ({ vydra: true }) } };
    const job = buildJob({ status: 'completed', webhookUrl: 'https://example.com/hook', metadata: { webhookPayload: 'vydra' } });
    const delivery = webhookDeliveryPolicy(jobView, formats)(job, 'completed');
    assert.equal(delivery?.format, null);
    const body = JSON.parse(delivery!.payload);
    assert.equal(body.type, 'job.completed');
    assert.deepEqual(body.data.metadata, { webhookPayload: 'vydra' });
  });
});
