// Our Standard Webhooks signatures, checked by the reference verifier (the standardwebhooks
// package): they verify, any tampering with body, id or timestamp fails, and during a rotation
// both signatures verify, each with its own secret.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { secretKey, signatureHeader, webhookHeaders } from '../../src/webhooks/signature.js';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ type: 'job.completed', timestamp: '2026-01-26T12:00:00.000Z', data: { id: 'job_1', output: { text: 'é✓' } } });

describe('webhook signatures', () => {
  it('verify with the standardwebhooks library', () => {
    const key = secret();
    const headers = webhookHeaders({ id: 'whd_01JF3V6Q2N8Y5M0RZ4T7C9K1QW', timestamp: now(), body, secrets: [key] });
    assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(new Webhook(key).verify(body, headers), JSON.parse(body));
  });

  it('match the library’s own signature byte for byte', () => {
    const key = secret();
    const timestamp = now();
    const ours = signatureHeader({ id: 'whd_x', timestamp, body, secrets: [key] });
    assert.equal(ours, new Webhook(key).sign('whd_x', new Date(timestamp * 1000), body));
  });

  it('fail when the body, the id or the timestamp is changed', () => {
    const key = secret();
    const headers = webhookHeaders({ id: 'whd_a', timestamp: now(), body, secrets: [key] });
    const verifier = new Webhook(key);
    assert.throws(() => verifier.verify(body.replace('job_1', 'job_2'), headers), /No matching signature/);
    assert.throws(() => verifier.verify(body, { ...headers, 'webhook-id': 'whd_b' }), /No matching signature/);
    assert.throws(() => verifier.verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) }), /No matching signature/);
    assert.throws(() => new Webhook(secret()).verify(body, headers), /No matching signature/);
  });

  it('carry one signature per secret during a rotation, each verifying with its own secret', () => {
    const current = secret();
    const previous = secret();
    const headers = webhookHeaders({ id: 'whd_r', timestamp: now(), body, secrets: [current, previous] });
    const signatures = headers['webhook-signature'].split(' ');
    assert.equal(signatures.length, 2);
    assert.equal(signatures[0], signatureHeader({ id: 'whd_r', timestamp: Number(headers['webhook-timestamp']), body, secrets: [current] }));
    assert.equal(signatures[1], signatureHeader({ id: 'whd_r', timestamp: Number(headers['webhook-timestamp']), body, secrets: [previous] }));
    assert.ok(new Webhook(current).verify(body, headers));
    assert.ok(new Webhook(previous).verify(body, headers));
    assert.throws(() => new Webhook(secret()).verify(body, headers), /No matching signature/);
  });

  it('use the bytes of the base64 after whsec_ as the key', () => {
    assert.deepEqual(secretKey('whsec_AAEC'), Buffer.from([0, 1, 2]));
  });
});
