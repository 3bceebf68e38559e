/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
 * `<webhook-id>.<webhook-timestamp>.<body>`, the key is the bytes of the base64 after `whsec_`,
 * and each signature is `v1,<base64 HMAC-SHA256>`. During a secret rotation the message carries
 * one signature per live secret, space-separated, so a receiver that knows either one verifies it.
 */
import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** secretKey returns the HMAC key of a `whsec_` secret: the bytes its base64 part encodes. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/** SignParams is one message to sign: its id, its unix-seconds timestamp and its exact body. */
export interface SignParams {
  id: string;
  timestamp: number;
  body: string;
  /** secrets sign the message, current first; one signature each. */
  secrets: readonly string[];
}

/** signatureHeader returns the `webhook-signature` value: `v1,<sig>` per secret, space-separated. */
export function signatureHeader(p: SignParams): string {
  if (p.secrets.length === 0) throw new Error('signatureHeader needs at least one secret');
  const content = `${p.id}.${p.timestamp}.${p.body}`;
  return p.secrets.map((secret) => `v1,${createHmac('sha256', secretKey(secret)).update(content).digest('base64')}`).join(' ');
}

/** webhookHeaders are the three Standard Webhooks headers of one attempt. */
export function webhookHeaders(p: SignParams): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return { 'webhook-id': p.id, 'webhook-timestamp': String(p.timestamp), 'webhook-signature': signatureHeader(p) };
}
