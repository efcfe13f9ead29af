import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of the SMS webhook (Stripe-style): the sender sends
 *   X-Sspr-Timestamp: <unix seconds>
 *   X-Sspr-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>
 * Signing the timestamp with the body lets a receiver reject replays of an old request.
 */

export const TIMESTAMP_HEADER = 'X-Sspr-Timestamp';
export const SIGNATURE_HEADER = 'X-Sspr-Signature';

/** Accepted clock difference between sender and receiver, in both directions. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** The X-Sspr-Signature value for this timestamp and exact body. */
export function signWebhookBody(secret: string, timestamp: string, rawBody: string | Uint8Array): string {
  return `sha256=${hmacHex(secret, timestamp, rawBody)}`;
}

/**
 * Receiver side: true only if `header` is the signature of `timestamp` + `rawBody` (the bytes as received,
 * before any JSON parsing) under `secret`, and `timestamp` is within `toleranceSeconds` of `nowSeconds`.
 * The comparison is constant-time; malformed headers or timestamps are simply false.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  rawBody: string | Uint8Array,
  header: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const match = /^sha256=([0-9a-f]{64})$/.exec(header.trim());
  if (match?.[1] === undefined) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

function hmacHex(secret: string, timestamp: string, rawBody: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}
