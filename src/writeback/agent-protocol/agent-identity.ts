/**
 * The agent's identity key: Ed25519, separate from its sealing key (one key, one purpose). The agent signs
 * the server's per-connection challenge with it (protocol.ts helloSignedText); the server verifies with the
 * public key recorded at enrolment. The private key never leaves the agent host.
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export interface IdentityKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

export function generateIdentityKeyPair(): IdentityKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** Parses an Ed25519 SPKI public key; throws a plain-language Error for anything else. */
export function assertIdentityPublicKey(pem: string): KeyObject {
  if (/PRIVATE KEY/.test(pem)) throw new Error('identity key refused: a private key was given where a public key belongs');
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error('identity key refused: not a PEM public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('identity key refused: Ed25519 required');
  return key;
}

export function signWithIdentity(privateKeyPem: string | KeyObject, data: Buffer): string {
  return sign(null, data, privateKeyPem).toString('base64url');
}

/** True only for a valid Ed25519 signature of `data` by `publicKeyPem`. Never throws on bad input. */
export function verifyIdentitySignature(publicKeyPem: string, data: Buffer, signature: string): boolean {
  try {
    return verify(null, data, publicKeyPem, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
