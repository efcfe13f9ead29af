/**
 * The writeback agent's key pair. The agent generates it on the customer's network and sends the server only
 * the public key; the private key never leaves the agent. The server seals passwords to the public key
 * (sealed-password.ts) and names the key by its fingerprint, so rolling keys (every 6 months) is a matter of
 * enrolling a new public key while the agent still holds the old private key for in-flight jobs.
 *
 * Why X25519 (RFC 7748): it gives ~128-bit security (NIST SP 800-57 Part 1 Rev. 5 puts curves of 256–383 bits
 * at 128 bits, the same level as RSA-3072 and the usual floor for AES-256-GCM payloads) for a fraction of the
 * cost. An RSA-3072 OAEP private decryption measured ~1.7–1.9 ms per job, the whole agent latency budget
 * (p50 ≤ 2 ms); an X25519 agreement takes ~33 µs (a whole open ~75 µs, a seal ~130 µs: figures in
 * sealed-password.ts), the public key is 32 bytes and each envelope carries a 43-character ephemeral key rather
 * than a 512-character wrapped key. X25519 also has no parameters to
 * get wrong (no exponent, no size, no padding mode), rejects low-order points, and is the KEM of RFC 9180's
 * DHKEM(X25519, HKDF-SHA256) used by envelope version 3. RSA keys and other curves are refused: an agent enrolled
 * with an RSA key must enrol a new X25519 key; envelopes with `v: 1` (RSA-OAEP `wrappedKey`) are refused.
 */
import { z } from 'zod';
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Length of an X25519 public key (RFC 7748 §5: the u-coordinate, little-endian). */
export const X25519_PUBLIC_KEY_BYTES = 32;
/** DER prefix of an X25519 SubjectPublicKeyInfo (RFC 8410 §4: algorithm id-X25519 1.3.101.110, no params). */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export interface AgentKeyPair {
  /** SPKI, PEM ("BEGIN PUBLIC KEY"), X25519. */
  publicKeyPem: string;
  /** PKCS#8, PEM; "BEGIN ENCRYPTED PRIVATE KEY" (PBES2, AES-256-CBC) when a passphrase was given. */
  privateKeyPem: string;
  /** publicKeyFingerprint(publicKeyPem): the `kid` of every envelope sealed to this key. */
  fingerprint: string;
}

/** Generates an X25519 key pair for the agent. Refuses an empty passphrase. */
export async function generateAgentKeyPair(options: { passphrase?: string } = {}): Promise<AgentKeyPair> {
  if (options.passphrase !== undefined && options.passphrase.length === 0) {
    throw new Error('agent key passphrase must not be empty (omit it to store the key unencrypted)');
  }
  const encryption =
    options.passphrase === undefined ? {} : { cipher: 'aes-256-cbc', passphrase: options.passphrase };
  const { publicKey, privateKey } = await generateKeyPairAsync('x25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', ...encryption },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey, fingerprint: publicKeyFingerprint(publicKey) };
}

/**
 * SHA-256 of the key's SubjectPublicKeyInfo DER, base64url (43 characters). Accepts a public key, or a private
 * key object (its public half is fingerprinted), so agent and server compute the same value.
 */
export function publicKeyFingerprint(key: string | KeyObject): string {
  return fingerprintDigest(key).toString('base64url');
}

/** The raw 32-byte SHA-256 behind publicKeyFingerprint (bound into the envelope's key derivation). */
export function fingerprintDigest(key: string | KeyObject): Buffer {
  const publicKey = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  // An X25519 SPKI is a fixed prefix and the raw key: hashing them directly skips OpenSSL's DER encoder
  // (~70 µs per call) and yields the very same digest.
  const der =
    publicKey.asymmetricKeyType === 'x25519'
      ? Buffer.concat([X25519_SPKI_PREFIX, rawX25519PublicKey(publicKey)])
      : publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest();
}

/**
 * Parses a PEM public key the server is asked to seal to, and returns it only if it is an X25519 key
 * (SubjectPublicKeyInfo, id-X25519). Refuses private keys — the server must never be handed the agent's
 * private key — RSA keys (the version-1 envelope) and every other curve, each with its own message.
 */
export function assertUsablePublicKey(pem: string): KeyObject {
  if (typeof pem !== 'string' || /PRIVATE KEY/.test(pem)) {
    throw new Error('agent key refused: a private key was given where a public key belongs');
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error('agent key refused: not a PEM public key');
  }
  assertX25519(key, 'agent key refused');
  return key;
}

/** Loads the agent's PKCS#8 X25519 private key (decrypting it with the passphrase when it is encrypted). */
export function loadAgentPrivateKey(pem: string, passphrase?: string): KeyObject {
  const key = createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase });
  assertX25519(key, 'agent private key refused');
  return key;
}

/**
 * The raw 32-byte X25519 public key (the `epk` of an envelope) of a public or private key object. Goes
 * through JWK (RFC 8037 `x`), which reads the raw key directly (~1 µs against ~70 µs for the DER encoder).
 */
export function rawX25519PublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const { x } = publicKey.export({ format: 'jwk' });
  if (publicKey.asymmetricKeyType !== 'x25519' || typeof x !== 'string') throw new TypeError('not an X25519 key');
  return Buffer.from(x, 'base64url');
}

/** The public half of a generated X25519 key as the generation encodes it (RFC 8037). */
const generatedX25519Jwk = z.object({ kty: z.literal('OKP'), crv: z.literal('X25519'), x: z.string() });

/**
 * A fresh X25519 key pair for one envelope: the private key object (for the agreement only) and the raw public key,
 * which the generation itself encodes. Exporting a generated key afterwards (JWK or DER) can hang a Node 20 thread
 * for good: the export holds the key's lock while it allocates, a garbage collection in that allocation finalises
 * the generation job, and the job's destructor waits for the same lock (a unit run hung so; sealing in a loop hung
 * 1 of 4 runs of 15 s, and 0 of 4 with the public key encoded by the generation).
 */
export function ephemeralX25519(): { privateKey: KeyObject; publicRaw: Buffer } {
  // As a JWK (RFC 8037 `x`): ~1 µs on top of the generation, where SPKI DER costs ~70 µs.
  // Node's typings call the generated public key a key object; with `format: 'jwk'` it is a JSON Web Key (RFC 8037).
  const { publicKey, privateKey } = generateKeyPairSync('x25519', { publicKeyEncoding: { format: 'jwk' } });
  const { x } = generatedX25519Jwk.parse(publicKey);
  return { privateKey, publicRaw: Buffer.from(x, 'base64url') };
}

/** An X25519 public key object from its raw 32 bytes (via JWK, ~5 µs); throws RangeError on another length. */
export function x25519PublicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== X25519_PUBLIC_KEY_BYTES) throw new RangeError('X25519 public key must be 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
}

function assertX25519(key: KeyObject, prefix: string): void {
  const type = key.asymmetricKeyType;
  if (type === 'x25519') return;
  if (type === 'rsa' || type === 'rsa-pss') {
    throw new Error(
      `${prefix}: X25519 required, got RSA (${type}); RSA agent keys are no longer accepted — enrol a new X25519 key`,
    );
  }
  const curve = type === 'ec' ? ` (curve ${key.asymmetricKeyDetails?.namedCurve ?? 'unknown'})` : '';
  throw new Error(`${prefix}: X25519 required, got ${type ?? 'unknown'}${curve}`);
}
