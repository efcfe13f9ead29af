/**
 * The sealed-password envelope on the wire: one compact JSON object, fields in this order,
 * binary fields base64url without padding (RFC 4648 §5):
 *   { v: 2, kid, job, op, exp, epk, iv, ciphertext, tag }
 * kid = publicKeyFingerprint of the agent's X25519 key; epk = the sender's ephemeral X25519 public key (raw
 * 32 bytes, RFC 7748), bound into the content-key derivation (sealed-password.ts); job/op/exp = jobId,
 * operation, notAfter (epoch ms), in the clear but bound into the AES-GCM associated data (associatedData
 * below), so changing any of them fails the tag. Any other `v` is refused.
 */
import { z } from 'zod';
import { jobIdSchema, operationSchema } from './sealed-payload.js';

export const ENVELOPE_VERSION = 2 as const;
/** Hard ceiling for an envelope (UTF-8 bytes); leaves room for the job message inside the 4 KB frame. */
export const MAX_ENVELOPE_BYTES = 3072;
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;
export const CONTENT_KEY_BYTES = 32;
/** Raw X25519 public key (epk). */
export const EPK_BYTES = 32;

const b64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url');

export const envelopeSchema = z.strictObject({
  v: z.literal(ENVELOPE_VERSION),
  kid: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'kid: SHA-256 base64url'),
  job: jobIdSchema,
  op: operationSchema,
  exp: z.number().int().positive(),
  epk: b64url.length(43),
  iv: b64url,
  ciphertext: b64url.min(1),
  tag: b64url,
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** Strict base64url decode: only the canonical encoding of some byte string is accepted, or null. */
export function decodeBase64url(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

/**
 * GCM associated data (NIST SP 800-38D §5.2.1.1 "A"): a domain label, then every clear field that must not be
 * moved to another job, operation, key or deadline, each length-prefixed so no two field lists encode alike.
 */
export function associatedData(envelope: Pick<Envelope, 'v' | 'kid' | 'job' | 'op' | 'exp'>): Buffer {
  const parts = [`v${envelope.v}`, envelope.kid, envelope.job, envelope.op, String(envelope.exp)];
  return Buffer.from(`sspr-writeback-seal;${parts.map((p) => `${Buffer.byteLength(p)}:${p};`).join('')}`);
}
