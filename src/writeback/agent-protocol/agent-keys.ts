/**
 * The writeback agent's key pair. The agent generates it on the customer's network and sends the server only
 * the public key; the private key never leaves the agent. The server seals passwords to the public key
 * (sealed-password.ts) and names the key by its fingerprint, so rolling keys (every 6 months) is a matter of
 * enrolling a new public key while the agent still holds the old private key for in-flight jobs.
 *
 * Why RSA-3072 by default: NIST SP 800-57 Part 1 Rev. 5 rates RSA-2048 at 112-bit security (and SP 800-131A
 * Rev. 2 retires it for new protection after 2030), RSA-3072 at 128 bits — the usual floor for AES-256-GCM
 * payloads. A sealed password recorded today must stay secret long after the key rolls, so the extra margin is
 * worth its cost: ~171 more base64url characters per envelope and one slower RSA decryption per job.
 * RSA-2048 stays accepted (assertUsablePublicKey) for agents that cannot do more.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export const DEFAULT_AGENT_KEY_BITS = 3072;
export const MIN_AGENT_KEY_BITS = 2048;
const MAX_AGENT_KEY_BITS = 8192;

export interface AgentKeyPair {
  /** SPKI, PEM ("BEGIN PUBLIC KEY"). */
  publicKeyPem: string;
  /** PKCS#8, PEM; "BEGIN ENCRYPTED PRIVATE KEY" (PBES2, AES-256-CBC) when a passphrase was given. */
  privateKeyPem: string;
  /** publicKeyFingerprint(publicKeyPem): the `kid` of every envelope sealed to this key. */
  fingerprint: string;
}

/** Generates an RSA key pair (e = 65537) for the agent. Refuses an empty passphrase or a size under 2048 bits. */
export async function generateAgentKeyPair(
  options: { passphrase?: string; modulusLength?: number } = {},
): Promise<AgentKeyPair> {
  const modulusLength = options.modulusLength ?? DEFAULT_AGENT_KEY_BITS;
  assertModulusLength(modulusLength);
  if (options.passphrase !== undefined && options.passphrase.length === 0) {
    throw new Error('agent key passphrase must not be empty (omit it to store the key unencrypted)');
  }
  const encryption =
    options.passphrase === undefined ? {} : { cipher: 'aes-256-cbc', passphrase: options.passphrase };
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength,
    publicExponent: 0x10001,
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
  const publicKey = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

/**
 * Parses a PEM public key the server is asked to seal to, and returns it only if it is an RSA key
 * (rsaEncryption, usable with RSA-OAEP) of at least 2048 bits with an odd public exponent ≥ 65537.
 * Refuses private keys: the server must never be handed the agent's private key.
 */
export function assertUsablePublicKey(pem: string): KeyObject {
  if (/PRIVATE KEY/.test(pem)) throw new Error('agent key refused: a private key was given where a public key belongs');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error('agent key refused: not a PEM public key');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`agent key refused: RSA (rsaEncryption) required, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  assertModulusLength(bits);
  const exponent = key.asymmetricKeyDetails?.publicExponent ?? 0n;
  if (exponent < 65537n || exponent % 2n === 0n) {
    throw new Error('agent key refused: public exponent must be odd and at least 65537');
  }
  return key;
}

/** Loads the agent's PKCS#8 private key (decrypting it with the passphrase when it is encrypted). */
export function loadAgentPrivateKey(pem: string, passphrase?: string): KeyObject {
  const key = createPrivateKey(passphrase === undefined ? pem : { key: pem, passphrase });
  if (key.asymmetricKeyType !== 'rsa') throw new Error('agent private key must be an RSA key');
  assertModulusLength(key.asymmetricKeyDetails?.modulusLength ?? 0);
  return key;
}

function assertModulusLength(bits: number): void {
  if (!Number.isInteger(bits) || bits < MIN_AGENT_KEY_BITS || bits > MAX_AGENT_KEY_BITS) {
    throw new Error(
      `agent key refused: RSA modulus must be ${MIN_AGENT_KEY_BITS}–${MAX_AGENT_KEY_BITS} bits, got ${bits}`,
    );
  }
}
