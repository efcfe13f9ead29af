/**
 * Sealing a password for the writeback agent (hybrid encryption):
 * - a fresh 256-bit content key per envelope, wrapped with RSAES-OAEP, SHA-256 and MGF1-SHA-256, empty label
 *   (RFC 8017 §7.1) under the agent's public key;
 * - the account and passwords encrypted with AES-256-GCM (NIST SP 800-38D), 96-bit random IV (§8.2.2),
 *   128-bit tag, associated data binding version, kid, jobId, operation and notAfter (envelope-format.ts).
 * Opening authenticates first and only then judges job and deadline, so every reason describes authentic data.
 * A failed OAEP unwrap continues with a random key, so OAEP and GCM failures look and take alike ('tampered');
 * the error never says which field or byte failed.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  privateDecrypt,
  publicEncrypt,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { assertUsablePublicKey, publicKeyFingerprint } from './agent-keys.js';
import {
  associatedData,
  CONTENT_KEY_BYTES,
  decodeBase64url,
  ENVELOPE_VERSION,
  envelopeSchema,
  GCM_IV_BYTES,
  GCM_TAG_BYTES,
  MAX_ENVELOPE_BYTES,
  type Envelope,
} from './envelope-format.js';
import { sealedPayloadSchema, toSecretPart, type SealedPayload } from './sealed-payload.js';
import { decodeSecret, encodeSecret } from './secret-codec.js';

/** Longest an envelope may live: the reset session's 15 minutes. */
export const MAX_SEAL_LIFETIME_MS = 15 * 60_000;

export type SealRefusal = 'wrong-key' | 'tampered' | 'expired' | 'wrong-job' | 'malformed';

/** Why an envelope was refused; the message carries the reason only, never key or field details. */
export class SealError extends Error {
  constructor(readonly reason: SealRefusal) {
    super(`sealed password refused: ${reason}`);
    this.name = 'SealError';
  }
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

/**
 * Seals `payload` to the agent key `publicKeyPem`. Throws (TypeError/RangeError/Error, never echoing a
 * password) when the payload is invalid, notAfter is not within (now, now + 15 min], the key is unusable, or
 * the envelope would exceed MAX_ENVELOPE_BYTES. Returns the compact JSON envelope.
 */
export function sealForAgent(publicKeyPem: string, payload: SealedPayload, now: number): string {
  const checked = sealedPayloadSchema.safeParse(payload);
  if (!checked.success) {
    const paths = checked.error.issues.map((issue) => issue.path.join('.') || '(payload)').join(', ');
    throw new TypeError(`sealForAgent: invalid payload at ${paths}`);
  }
  const { jobId, operation, notAfter } = checked.data;
  if (!(notAfter > now && notAfter - now <= MAX_SEAL_LIFETIME_MS)) {
    throw new RangeError('sealForAgent: notAfter must lie within the next 15 minutes');
  }
  const publicKey = assertUsablePublicKey(publicKeyPem);
  const head = { v: ENVELOPE_VERSION, kid: publicKeyFingerprint(publicKey), job: jobId, op: operation, exp: notAfter };
  const contentKey = randomBytes(CONTENT_KEY_BYTES);
  const iv = randomBytes(GCM_IV_BYTES);
  try {
    const wrappedKey = publicEncrypt({ key: publicKey, ...OAEP }, contentKey);
    const cipher = createCipheriv('aes-256-gcm', contentKey, iv, { authTagLength: GCM_TAG_BYTES });
    cipher.setAAD(associatedData(head));
    const plaintext = encodeSecret(toSecretPart(checked.data));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    plaintext.fill(0);
    const envelope: Envelope = {
      ...head,
      wrappedKey: wrappedKey.toString('base64url'),
      iv: iv.toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
    };
    const text = JSON.stringify(envelope);
    if (Buffer.byteLength(text) > MAX_ENVELOPE_BYTES) {
      throw new RangeError(`sealForAgent: envelope exceeds ${MAX_ENVELOPE_BYTES} bytes (passwords too long)`);
    }
    return text;
  } finally {
    contentKey.fill(0);
  }
}

/**
 * The agent's private key(s): during a key roll it holds the new and the previous one. PEM strings must be
 * unencrypted PKCS#8; pass KeyObjects from loadAgentPrivateKey for passphrase-protected keys.
 */
export type AgentPrivateKeys = string | KeyObject | ReadonlyArray<string | KeyObject>;

/**
 * Opens an envelope sealed by sealForAgent. Refuses with SealError: 'malformed' (not the envelope format),
 * 'wrong-key' (kid names none of `privateKeys`), 'tampered' (unwrap or GCM authentication failed), then, for
 * authentic envelopes only, 'wrong-job' (job ≠ expectedJobId) or 'expired' (now > notAfter).
 */
export function openSealed(
  privateKeys: AgentPrivateKeys,
  envelopeText: string,
  context: { expectedJobId: string; now: number },
): SealedPayload {
  const envelope = parseEnvelope(envelopeText);
  const iv = decodeBase64url(envelope.iv);
  const tag = decodeBase64url(envelope.tag);
  const wrappedKey = decodeBase64url(envelope.wrappedKey);
  const ciphertext = decodeBase64url(envelope.ciphertext);
  if (iv?.length !== GCM_IV_BYTES || tag?.length !== GCM_TAG_BYTES || !wrappedKey || !ciphertext) {
    throw new SealError('malformed');
  }
  const privateKey = keyForKid(privateKeys, envelope.kid);
  if (wrappedKey.length !== (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8) {
    throw new SealError('malformed');
  }
  const plaintext = decrypt(privateKey, wrappedKey, iv, tag, ciphertext, associatedData(envelope));
  const secret = decodeSecret(plaintext);
  plaintext.fill(0);
  if (!secret) throw new SealError('malformed');
  if (envelope.job !== context.expectedJobId) throw new SealError('wrong-job');
  if (context.now > envelope.exp) throw new SealError('expired');
  const payload = sealedPayloadSchema.safeParse({
    jobId: envelope.job,
    operation: envelope.op,
    account: { username: secret.username, anchor: secret.anchor },
    ...(secret.newPassword === undefined ? {} : { newPassword: secret.newPassword }),
    ...(secret.oldPassword === undefined ? {} : { oldPassword: secret.oldPassword }),
    notAfter: envelope.exp,
  });
  if (!payload.success) throw new SealError('malformed');
  return payload.data;
}

function parseEnvelope(text: string): Envelope {
  if (typeof text !== 'string' || Buffer.byteLength(text) > MAX_ENVELOPE_BYTES) throw new SealError('malformed');
  const parsed = envelopeSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new SealError('malformed');
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function keyForKid(keys: AgentPrivateKeys, kid: string): KeyObject {
  const list = typeof keys === 'string' || keys instanceof KeyObject ? [keys] : keys;
  for (const entry of list) {
    const key = typeof entry === 'string' ? createPrivateKey(entry) : entry;
    if (publicKeyFingerprint(key) === kid) return key;
  }
  throw new SealError('wrong-key');
}

/** Unwrap and decrypt; any failure is 'tampered', reached along the same path whichever step failed. */
function decrypt(key: KeyObject, wrapped: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer, aad: Buffer): Buffer {
  let contentKey: Buffer;
  let unwrapped = false;
  try {
    contentKey = privateDecrypt({ key, ...OAEP }, wrapped);
    unwrapped = contentKey.length === CONTENT_KEY_BYTES;
    if (!unwrapped) contentKey = randomBytes(CONTENT_KEY_BYTES);
  } catch {
    contentKey = randomBytes(CONTENT_KEY_BYTES);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', contentKey, iv, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    if (!unwrapped) throw new Error('unwrap failed');
    return plaintext;
  } catch {
    throw new SealError('tampered');
  } finally {
    contentKey.fill(0);
  }
}
