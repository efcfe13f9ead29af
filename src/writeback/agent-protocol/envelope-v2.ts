/**
 * Envelope version 2, kept for agents that announce no envelope versions: hybrid public-key encryption in the
 * manner of HPKE base mode, built from node:crypto primitives:
 * - the sender makes a fresh ephemeral X25519 key pair per envelope and agrees a 32-byte shared secret with
 *   the agent's X25519 public key (RFC 7748 §6.1); OpenSSL refuses low-order points (an all-zero result);
 * - the 256-bit content key is HKDF-SHA256 (RFC 5869) of that secret, salt = epk ‖ SHA-256(agent SPKI)
 *   (the envelope opens only for the key it was sealed to, and a re-encoded epk derives another key),
 *   info = a label naming the construction, so a key is never shared across versions or purposes;
 * - the account and passwords are encrypted with AES-256-GCM (NIST SP 800-38D), 96-bit random IV (§8.2.2),
 *   128-bit tag, associated data = associatedData(head) (envelope-format.ts).
 * A failed agreement (invalid epk) continues with a random key, so agreement and GCM failures look and take
 * alike ('tampered'). Derived secrets are zeroed after use.
 */
import { createCipheriv, createDecipheriv, diffieHellman, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { ephemeralX25519, x25519PublicKeyFromRaw } from './agent-keys.js';
import {
  associatedData,
  CONTENT_KEY_BYTES,
  decodeBase64url,
  EPK_BYTES,
  GCM_IV_BYTES,
  GCM_TAG_BYTES,
  type EnvelopeHead,
  type EnvelopeV2,
} from './envelope-format.js';
import { SealError } from './seal-error.js';

const KDF_INFO = Buffer.from('sspr-writeback-seal/v2 DHKEM(X25519,HKDF-SHA256) AES-256-GCM');

/** HKDF-SHA256 of the shared secret, salt = epk ‖ SHA-256(recipient SPKI). The caller zeroes the result. */
function deriveContentKey(shared: Buffer, epk: Buffer, recipientDigest: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([epk, recipientDigest]), KDF_INFO, CONTENT_KEY_BYTES));
}

/** Seals `plaintext` to `publicKey` (whose SPKI digest is `digest`) under `head` (v = 2). */
export function sealV2(publicKey: KeyObject, digest: Buffer, head: EnvelopeHead & { v: 2 }, plaintext: Buffer): EnvelopeV2 {
  const { privateKey: ephemeral, publicRaw: epk } = ephemeralX25519();
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: ephemeral, publicKey });
  } catch {
    throw new Error('agent key refused: the X25519 public key is a low-order point (no shared secret)');
  }
  let contentKey: Buffer;
  try {
    contentKey = deriveContentKey(shared, epk, digest);
  } finally {
    shared.fill(0);
  }
  const iv = randomBytes(GCM_IV_BYTES);
  try {
    const cipher = createCipheriv('aes-256-gcm', contentKey, iv, { authTagLength: GCM_TAG_BYTES });
    cipher.setAAD(associatedData(head));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      ...head,
      epk: epk.toString('base64url'),
      iv: iv.toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
    };
  } finally {
    contentKey.fill(0);
  }
}

/** Agree, derive and decrypt; any failure is 'tampered', reached along the same path whichever step failed. */
export function openV2(privateKey: KeyObject, digest: Buffer, envelope: EnvelopeV2): Buffer {
  const iv = decodeBase64url(envelope.iv);
  const tag = decodeBase64url(envelope.tag);
  const epk = decodeBase64url(envelope.epk);
  const ciphertext = decodeBase64url(envelope.ciphertext);
  if (iv?.length !== GCM_IV_BYTES || tag?.length !== GCM_TAG_BYTES || epk?.length !== EPK_BYTES || !ciphertext) {
    throw new SealError('malformed');
  }
  let contentKey: Buffer;
  let derived = false;
  try {
    const shared = diffieHellman({ privateKey, publicKey: x25519PublicKeyFromRaw(epk) });
    try {
      contentKey = deriveContentKey(shared, epk, digest);
    } finally {
      shared.fill(0);
    }
    derived = true;
  } catch {
    contentKey = randomBytes(CONTENT_KEY_BYTES);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', contentKey, iv, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(associatedData(envelope));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    if (!derived) throw new Error('agreement failed');
    return plaintext;
  } catch {
    throw new SealError('tampered');
  } finally {
    contentKey.fill(0);
  }
}
