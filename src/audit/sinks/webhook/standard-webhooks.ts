import { createHmac } from 'node:crypto';

/** A Standard Webhooks secret: `whsec_` + base64 of 24–64 random bytes. */
export const webhookSecretPattern = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/** The key bytes of a `whsec_…` secret. */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/**
 * The three Standard Webhooks headers of one delivery attempt: `webhook-id` (the same on every retry, so
 * receivers de-duplicate), `webhook-timestamp` (seconds; receivers refuse old ones), and `webhook-signature`
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` (standardwebhooks.com, "Signature scheme").
 */
export function signedHeaders(key: Buffer, id: string, timestampSeconds: number, body: string): Record<string, string> {
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}
