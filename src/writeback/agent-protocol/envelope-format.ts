/**
 * The sealed-password envelope on the wire: one compact JSON object, fields in this order, binary fields
 * base64url without padding (RFC 4648 §5). Two versions are in use; the server seals each agent's copy in the
 * newest version that agent announced in its hello (negotiateEnvelopeVersion):
 *   v3 (RFC 9180 HPKE, base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM; hpke-envelope.ts):
 *      { v: 3, kid, job, op, exp, enc, ct }   enc = the KEM's encapsulated key (32 bytes), ct = ciphertext ‖ tag
 *   v2 (X25519 + HKDF-SHA256 + AES-256-GCM of our own; envelope-v2.ts), for agents that announce no versions:
 *      { v: 2, kid, job, op, exp, epk, iv, ciphertext, tag }
 * kid = publicKeyFingerprint of the agent's X25519 key; job/op/exp = jobId, operation, notAfter (epoch ms), in
 * the clear but bound into the AEAD associated data (associatedData below) together with v and kid, so changing
 * any of them fails the tag. Any other `v` (such as 1, RSA-OAEP `wrappedKey`) is refused.
 */
import { z } from 'zod';
import { jobIdSchema, operationSchema } from './sealed-payload.js';

/** Every version this code seals and opens, newest first. */
export const ENVELOPE_VERSIONS = [3, 2] as const;
export type EnvelopeVersion = (typeof ENVELOPE_VERSIONS)[number];
/** What an agent that announces no versions (built before the negotiation existed) can open. */
export const LEGACY_ENVELOPE_VERSION: EnvelopeVersion = 2;

/** Hard ceiling for an envelope (UTF-8 bytes); leaves room for the job message inside the 4 KB frame. */
export const MAX_ENVELOPE_BYTES = 3072;
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;
export const CONTENT_KEY_BYTES = 32;
/** Raw X25519 public key (v2 epk, v3 enc). */
export const EPK_BYTES = 32;

const b64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url');
const head = {
  kid: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'kid: SHA-256 base64url'),
  job: jobIdSchema,
  op: operationSchema,
  exp: z.number().int().positive(),
};

export const envelopeV2Schema = z.strictObject({
  v: z.literal(2),
  ...head,
  epk: b64url.length(43),
  iv: b64url,
  ciphertext: b64url.min(1),
  tag: b64url,
});
export const envelopeV3Schema = z.strictObject({ v: z.literal(3), ...head, enc: b64url.length(43), ct: b64url.min(1) });
export const envelopeSchema = z.discriminatedUnion('v', [envelopeV3Schema, envelopeV2Schema]);
export type EnvelopeV2 = z.infer<typeof envelopeV2Schema>;
export type EnvelopeV3 = z.infer<typeof envelopeV3Schema>;
export type Envelope = z.infer<typeof envelopeSchema>;
/** The clear fields every version binds into its associated data. */
export type EnvelopeHead = Pick<Envelope, 'v' | 'kid' | 'job' | 'op' | 'exp'>;

/**
 * The version to seal for an agent that announced `offered` in its hello: the newest version both sides know;
 * an agent that announced nothing gets LEGACY_ENVELOPE_VERSION. Null when the agent offered versions but none
 * this server knows (the connection is refused: no job could reach it).
 */
export function negotiateEnvelopeVersion(offered: readonly number[] | undefined): EnvelopeVersion | null {
  if (offered === undefined || offered.length === 0) return LEGACY_ENVELOPE_VERSION;
  return ENVELOPE_VERSIONS.find((version) => offered.includes(version)) ?? null;
}

/** Strict base64url decode: only the canonical encoding of some byte string is accepted, or null. */
export function decodeBase64url(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

/**
 * AEAD associated data (NIST SP 800-38D §5.2.1.1 "A"; RFC 9180 §5.2 `aad`): a domain label, then every clear
 * field that must not be moved to another version, job, operation, key or deadline, each length-prefixed so no
 * two field lists encode alike.
 */
export function associatedData(envelope: EnvelopeHead): Buffer {
  const parts = [`v${envelope.v}`, envelope.kid, envelope.job, envelope.op, String(envelope.exp)];
  return Buffer.from(`sspr-writeback-seal;${parts.map((p) => `${Buffer.byteLength(p)}:${p};`).join('')}`);
}
