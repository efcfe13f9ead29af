/**
 * Envelope version 3: RFC 9180 HPKE in base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-256-GCM
 * (suite ids 0x0020 / 0x0001 / 0x0002), implemented by @hpke/core on Node's WebCrypto. One single-shot
 * seal per envelope (RFC 9180 §6.1), so each context encrypts one message and the sequence number never moves.
 * Bindings:
 * - `info` (RFC 9180 §5.1, enters the key schedule) = a label naming this envelope version ‖ SHA-256 of the
 *   agent key's SPKI: a key derived for one agent key or one version is never derived for another;
 * - the KEM binds the recipient key itself (kem_context = enc ‖ pkRm, §4.1);
 * - `aad` = associatedData(head): version, kid, job id, operation and deadline (envelope-format.ts).
 * Security: ~128 bits (X25519), forward secrecy for the sender only, as for version 2; not post-quantum.
 * WebCrypto keys are not erasable from JavaScript, so unlike version 2 nothing here zeroes derived secrets;
 * the shared secret and context keys live inside the library's CryptoKeys until they are collected.
 */
import { createPublicKey, type KeyObject, type webcrypto } from 'node:crypto';
import { Aes128Gcm, Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { rawX25519PublicKey } from './agent-keys.js';

export type HpkePublicKey = webcrypto.CryptoKey;
export type HpkeRecipientKey = webcrypto.CryptoKeyPair;

/** AES-128-GCM exists only to check the library and this wrapper against RFC 9180 A.1 (the suite it lists). */
export type HpkeAead = 'aes-256-gcm' | 'aes-128-gcm';

export function hpkeSuite(aead: HpkeAead = 'aes-256-gcm'): CipherSuite {
  return new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: aead === 'aes-256-gcm' ? new Aes256Gcm() : new Aes128Gcm(),
  });
}

/** The suite every version-3 envelope uses. */
export const envelopeSuite = hpkeSuite('aes-256-gcm');

const INFO_LABEL = Buffer.from('sspr-writeback-seal/v3 HPKE-base X25519 HKDF-SHA256 AES-256-GCM\0');

/** The HPKE `info` of a version-3 envelope sealed to the key whose SPKI SHA-256 is `recipientDigest`. */
export function envelopeInfo(recipientDigest: Buffer): Buffer {
  return Buffer.concat([INFO_LABEL, recipientDigest]);
}

/** The recipient's public key as the suite wants it (raw 32 bytes, RFC 7748). */
export function hpkePublicKey(suite: CipherSuite, rawPublicKey: Uint8Array): Promise<HpkePublicKey> {
  return suite.kem.deserializePublicKey(rawPublicKey);
}

/** The agent's X25519 private key object as an HPKE recipient key pair (via its raw scalar, RFC 8037 `d`). */
export async function hpkeRecipientKey(suite: CipherSuite, privateKey: KeyObject): Promise<HpkeRecipientKey> {
  const { d } = privateKey.export({ format: 'jwk' });
  if (privateKey.asymmetricKeyType !== 'x25519' || typeof d !== 'string') throw new TypeError('not an X25519 private key');
  const raw = Buffer.from(d, 'base64url');
  try {
    return {
      privateKey: await suite.kem.deserializePrivateKey(raw),
      publicKey: await suite.kem.deserializePublicKey(rawX25519PublicKey(createPublicKey(privateKey))),
    };
  } finally {
    raw.fill(0);
  }
}

export interface HpkeSealed {
  /** The KEM's encapsulated key (the sender's ephemeral public key, 32 bytes). */
  enc: Buffer;
  /** AEAD ciphertext ‖ 16-byte tag. */
  ct: Buffer;
}

/**
 * Single-shot HPKE base-mode seal (RFC 9180 §6.1). `ephemeralIkm` fixes the ephemeral key via DeriveKeyPair
 * (§7.1.3) and exists for the RFC's test vectors only; without it every call draws a fresh ephemeral key.
 */
export async function hpkeSeal(
  suite: CipherSuite,
  recipientPublicKey: HpkePublicKey,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  ephemeralIkm?: Uint8Array,
): Promise<HpkeSealed> {
  const sealed = await suite.seal({ recipientPublicKey, info, ...(ephemeralIkm ? { ekm: ephemeralIkm } : {}) }, plaintext, aad);
  return { enc: Buffer.from(sealed.enc), ct: Buffer.from(sealed.ct) };
}

/** Single-shot HPKE base-mode open (RFC 9180 §6.1); rejects (library error) on any decapsulation or tag failure. */
export async function hpkeOpen(
  suite: CipherSuite,
  recipient: HpkeRecipientKey,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
): Promise<Buffer> {
  return Buffer.from(await suite.open({ recipientKey: recipient, enc, info }, ct, aad));
}
