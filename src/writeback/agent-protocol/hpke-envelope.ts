/**
 * Envelope version 3: RFC 9180 HPKE in base mode (mode_base 0x00) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256
 * and AES-256-GCM (kem_id 0x0020, kdf_id 0x0001, aead_id 0x0002), written directly on node:crypto. One
 * single-shot seal per envelope (§6.1), so each context encrypts one message with nonce = base_nonce
 * (sequence number 0) and the sequence number never moves; the exporter and the PSK/auth modes are not
 * implemented. The bytes are those of any RFC 9180 implementation (tests: Appendix A.1.1 and both directions
 * with @hpke/core).
 * Construction:
 * - LabeledExtract / LabeledExpand (§4) over HKDF-SHA256's Extract and Expand (RFC 5869 §2.2–2.3) written on
 *   HMAC-SHA256, with suite_id = "KEM" ‖ kem_id inside the KEM (§4.1) and "HPKE" ‖ kem_id ‖ kdf_id ‖ aead_id
 *   in the key schedule (§5.1);
 * - Encap/Decap (§4.1): dh = X25519(sk, pk) (crypto.diffieHellman), an all-zero dh (a low-order point, RFC 7748
 *   §6.1, RFC 9180 §7.1.4) is refused, kem_context = enc ‖ pkRm, shared_secret = ExtractAndExpand(dh, kem_context);
 * - KeySchedule (§5.1) with psk = psk_id = "" yields key (Nk = 32) and base_nonce (Nn = 12) for AES-256-GCM
 *   with a 16-byte tag (§5.2);
 * - DeriveKeyPair (§7.1.3) fixes the ephemeral key only for the RFC's test vectors.
 * Bindings:
 * - `info` (§5.1, enters the key schedule) = a label naming this envelope version ‖ SHA-256 of the agent key's
 *   SPKI: a key derived for one agent key or one version is never derived for another;
 * - the KEM binds the recipient key itself (kem_context = enc ‖ pkRm, §4.1);
 * - `aad` = associatedData(head): version, kid, job id, operation and deadline (envelope-format.ts).
 * Security: ~128 bits (X25519), forward secrecy for the sender only, as for version 2; not post-quantum.
 * Secrets: dh, the PRKs, shared_secret, secret, key, base_nonce, the HMAC pads and every buffer holding them
 * are zeroed as soon as they are used. What JavaScript cannot reach is not zeroed: the ephemeral private key
 * inside its KeyObject (freed by the garbage collector), the copies OpenSSL makes inside its hash and cipher
 * contexts (cleansed by OpenSSL when the context is freed), and the plaintext the caller owns.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, diffieHellman, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ephemeralX25519, rawX25519PublicKey, x25519PublicKeyFromRaw } from './agent-keys.js';
import { sha256HmacWiped } from '../../crypto/sha256-hmac.js';

/** AES-128-GCM (aead_id 0x0001) exists only to check this code against RFC 9180 A.1.1 (the suite it lists). */
export type HpkeAead = 'aes-256-gcm' | 'aes-128-gcm';

/** One RFC 9180 suite: DHKEM(X25519, HKDF-SHA256) and HKDF-SHA256 with the given AEAD. */
export interface HpkeSuite {
  readonly aead: HpkeAead;
  /** Nk (§7.3). */
  readonly keyBytes: number;
  /** "HPKE" ‖ I2OSP(kem_id, 2) ‖ I2OSP(kdf_id, 2) ‖ I2OSP(aead_id, 2) (§5.1). */
  readonly suiteId: Buffer;
  /** LabeledExtract("", "psk_id_hash", "") of this suite: base mode has no psk_id, so it is a constant. */
  readonly pskIdHash: Buffer;
}

/** The recipient's public key: the key object for the agreement and its raw 32 bytes (pkRm, RFC 7748). */
export interface HpkePublicKey {
  readonly key: KeyObject;
  readonly raw: Buffer;
}

/** The recipient's private key and its public half, raw (pkRm enters kem_context on decapsulation). */
export interface HpkeRecipientKey {
  readonly privateKey: KeyObject;
  readonly publicKey: Buffer;
}

export interface HpkeSealed {
  /** The KEM's encapsulated key (the sender's ephemeral public key, 32 bytes). */
  enc: Buffer;
  /** AEAD ciphertext ‖ 16-byte tag. */
  ct: Buffer;
}

const HASH_BYTES = 32; // Nh, Nsecret, Nsk of SHA-256 / X25519
const NONCE_BYTES = 12; // Nn
const TAG_BYTES = 16; // Nt
const X25519_BYTES = 32; // Npk = Nenc = Ndh
const MODE_BASE = 0x00;
const HPKE_V1 = Buffer.from('HPKE-v1');
const KEM_SUITE_ID = Buffer.from([0x4b, 0x45, 0x4d, 0x00, 0x20]); // "KEM" ‖ 0x0020
const EMPTY = Buffer.alloc(0);
/** DER of an X25519 PKCS#8 PrivateKeyInfo up to the raw 32-byte scalar (RFC 8410 §7). */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

const label = (text: string) => Buffer.from(text, 'ascii');
const LABEL = {
  eaePrk: label('eae_prk'),
  sharedSecret: label('shared_secret'),
  dkpPrk: label('dkp_prk'),
  sk: label('sk'),
  pskIdHash: label('psk_id_hash'),
  infoHash: label('info_hash'),
  secret: label('secret'),
  key: label('key'),
  baseNonce: label('base_nonce'),
};

export function hpkeSuite(aead: HpkeAead = 'aes-256-gcm'): HpkeSuite {
  const suiteId = Buffer.from([0x48, 0x50, 0x4b, 0x45, 0x00, 0x20, 0x00, 0x01, 0x00, aead === 'aes-256-gcm' ? 0x02 : 0x01]);
  return { aead, keyBytes: aead === 'aes-256-gcm' ? 32 : 16, suiteId, pskIdHash: labeledExtract(suiteId, EMPTY, LABEL.pskIdHash, EMPTY) };
}

/** The suite every version-3 envelope uses. */
export const envelopeSuite = hpkeSuite('aes-256-gcm');

const INFO_LABEL = Buffer.from('sspr-writeback-seal/v3 HPKE-base X25519 HKDF-SHA256 AES-256-GCM\0');

/** The HPKE `info` of a version-3 envelope sealed to the key whose SPKI SHA-256 is `recipientDigest`. */
export function envelopeInfo(recipientDigest: Buffer): Buffer {
  return Buffer.concat([INFO_LABEL, recipientDigest]);
}

/** The recipient's public key from its raw 32 bytes (RFC 7748); throws RangeError on another length. */
export function hpkePublicKey(rawPublicKey: Uint8Array): HpkePublicKey {
  const raw = Buffer.from(rawPublicKey);
  return { key: x25519PublicKeyFromRaw(raw), raw };
}

/** The agent's X25519 private key object as an HPKE recipient key; throws TypeError for any other key. */
export function hpkeRecipientKey(privateKey: KeyObject): HpkeRecipientKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'x25519') throw new TypeError('not an X25519 private key');
  return { privateKey, publicKey: rawX25519PublicKey(privateKey) };
}

/**
 * The sender's side of one HPKE base-mode context (SetupBaseS, RFC 9180 §5.1.1): the encapsulated key and the
 * AEAD key and base_nonce for it. Set up ahead of the message it will carry (Encap and the key schedule depend
 * only on the recipient key and `info`), it is used by exactly one {@link hpkeSealWith}, which zeroes it.
 */
export interface HpkeSenderContext {
  readonly enc: Buffer;
  readonly key: Buffer;
  readonly nonce: Buffer;
}

/**
 * SetupBaseS (RFC 9180 §5.1.1): a fresh ephemeral key (or, for the RFC's test vectors only, the one DeriveKeyPair
 * makes from `ephemeralIkm`, §7.1.3), Encap to the recipient and the key schedule. Throws when the recipient key is
 * a low-order point (no shared secret).
 */
export function hpkeSetupSender(suite: HpkeSuite, recipientPublicKey: HpkePublicKey, info: Uint8Array, ephemeralIkm?: Uint8Array): HpkeSenderContext {
  const derived = ephemeralIkm ? deriveKeyPair(ephemeralIkm) : null;
  const { privateKey: ephemeral, publicRaw: enc } = derived ? { privateKey: derived, publicRaw: rawX25519PublicKey(derived) } : ephemeralX25519();
  const shared = extractAndExpand(agree(ephemeral, recipientPublicKey.key), enc, recipientPublicKey.raw);
  const { key, nonce } = keySchedule(suite, shared, info);
  return { enc, key, nonce };
}

/**
 * The single Seal of a sender context (sequence number 0, §5.2) — a context is never used twice: its key and
 * nonce are zeroed here, whatever happens.
 */
export function hpkeSealWith(suite: HpkeSuite, context: HpkeSenderContext, aad: Uint8Array, plaintext: Uint8Array): HpkeSealed {
  try {
    const cipher = createCipheriv(suite.aead, context.key, context.nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    return { enc: context.enc, ct: Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) };
  } finally {
    context.key.fill(0);
    context.nonce.fill(0);
  }
}

/**
 * Single-shot HPKE base-mode seal (RFC 9180 §6.1): {@link hpkeSetupSender} then {@link hpkeSealWith}.
 * `ephemeralIkm` exists for the RFC's test vectors only; without it every call draws a fresh ephemeral key.
 */
export function hpkeSeal(
  suite: HpkeSuite,
  recipientPublicKey: HpkePublicKey,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  ephemeralIkm?: Uint8Array,
): HpkeSealed {
  return hpkeSealWith(suite, hpkeSetupSender(suite, recipientPublicKey, info, ephemeralIkm), aad, plaintext);
}

/**
 * Single-shot HPKE base-mode open (RFC 9180 §6.1). Throws on any decapsulation failure (enc not 32 bytes, a
 * low-order enc) or tag failure, without saying which; the caller owns (and zeroes) the plaintext.
 */
export function hpkeOpen(
  suite: HpkeSuite,
  recipient: HpkeRecipientKey,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
): Buffer {
  if (enc.length !== X25519_BYTES || ct.length < TAG_BYTES) throw new Error('HPKE open failed');
  const encBytes = Buffer.from(enc);
  const shared = extractAndExpand(agree(recipient.privateKey, x25519PublicKeyFromRaw(encBytes)), encBytes, recipient.publicKey);
  const { key, nonce } = keySchedule(suite, shared, info);
  let plaintext: Buffer | undefined;
  try {
    const decipher = createDecipheriv(suite.aead, key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
    plaintext = decipher.update(ct.subarray(0, ct.length - TAG_BYTES));
    const rest = decipher.final();
    return rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest]);
  } catch {
    plaintext?.fill(0);
    throw new Error('HPKE open failed');
  } finally {
    key.fill(0);
    nonce.fill(0);
  }
}

const ZERO_DH = Buffer.alloc(X25519_BYTES);

/** DH(sk, pk) of RFC 9180 §4.1 for X25519; refuses the all-zero output of a low-order point (§7.1.4). */
function agree(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const dh = diffieHellman({ privateKey, publicKey });
  if (dh.length !== X25519_BYTES || timingSafeEqual(dh, ZERO_DH)) {
    dh.fill(0);
    throw new Error('X25519 agreement yielded no shared secret (low-order point)');
  }
  return dh;
}
/** ExtractAndExpand of DHKEM (§4.1) with kem_context = enc ‖ pkRm; zeroes `dh`. */
function extractAndExpand(dh: Buffer, enc: Buffer, pkRm: Buffer): Buffer {
  const eaePrk = labeledExtract(KEM_SUITE_ID, EMPTY, LABEL.eaePrk, dh);
  dh.fill(0);
  try {
    return labeledExpand(KEM_SUITE_ID, eaePrk, LABEL.sharedSecret, Buffer.concat([enc, pkRm]), HASH_BYTES);
  } finally {
    eaePrk.fill(0);
  }
}

/** KeySchedule (§5.1) in base mode (psk = psk_id = ""): the AEAD key and base_nonce; zeroes `sharedSecret`. */
function keySchedule(suite: HpkeSuite, sharedSecret: Buffer, info: Uint8Array): { key: Buffer; nonce: Buffer } {
  const infoHash = labeledExtract(suite.suiteId, EMPTY, LABEL.infoHash, info);
  const context = Buffer.concat([Buffer.of(MODE_BASE), suite.pskIdHash, infoHash]);
  const secret = labeledExtract(suite.suiteId, sharedSecret, LABEL.secret, EMPTY);
  sharedSecret.fill(0);
  try {
    return {
      key: labeledExpand(suite.suiteId, secret, LABEL.key, context, suite.keyBytes),
      nonce: labeledExpand(suite.suiteId, secret, LABEL.baseNonce, context, NONCE_BYTES),
    };
  } finally {
    secret.fill(0);
  }
}

/** DeriveKeyPair for X25519 (§7.1.3): sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "", 32). */
function deriveKeyPair(ikm: Uint8Array): KeyObject {
  const prk = labeledExtract(KEM_SUITE_ID, EMPTY, LABEL.dkpPrk, ikm);
  const sk = labeledExpand(KEM_SUITE_ID, prk, LABEL.sk, EMPTY, HASH_BYTES);
  const der = Buffer.concat([X25519_PKCS8_PREFIX, sk]);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    prk.fill(0);
    sk.fill(0);
    der.fill(0);
  }
}

/** LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm) (§4). */
function labeledExtract(suiteId: Buffer, salt: Uint8Array, text: Buffer, ikm: Uint8Array): Buffer {
  // HKDF-Extract(salt, ikm) = HMAC-Hash(salt, ikm) (RFC 5869 §2.2); an empty salt and Nh zero bytes give the same
  // HMAC key once padded to the block size.
  return sha256HmacWiped(salt, [HPKE_V1, suiteId, text, ikm]);
}

/** LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label ‖ info, L) (§4). */
function labeledExpand(suiteId: Buffer, prk: Buffer, text: Buffer, info: Uint8Array, length: number): Buffer {
  const labeledInfo = Buffer.concat([Buffer.of(length >> 8, length & 0xff), HPKE_V1, suiteId, text, info]);
  // HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(prk, T(i-1) ‖ info ‖ i), the first L bytes of T(1) ‖ T(2) ‖ …
  const okm = Buffer.alloc(length);
  let previous: Buffer = EMPTY;
  for (let i = 1, offset = 0; offset < length; i += 1, offset += HASH_BYTES) {
    const block = sha256HmacWiped(prk, [previous, labeledInfo, Buffer.of(i)]);
    previous.fill(0);
    block.copy(okm, offset, 0, Math.min(HASH_BYTES, length - offset));
    previous = block;
  }
  previous.fill(0);
  return okm;
}
