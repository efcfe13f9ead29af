import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  assertUsablePublicKey,
  ephemeralX25519,
  fingerprintDigest,
  generateAgentKeyPair,
  loadAgentPrivateKey,
  publicKeyFingerprint,
  rawX25519PublicKey,
  x25519PublicKeyFromRaw,
} from '../../../src/writeback/agent-protocol/agent-keys.js';
import { testKeys } from './fixtures.js';

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('agent keys', () => {
  it('generates X25519: PKCS#8 private key, SPKI public key', async () => {
    const { agent } = await testKeys();
    assert.match(agent.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(agent.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(createPublicKey(agent.publicKeyPem).asymmetricKeyType, 'x25519');
    assert.equal(loadAgentPrivateKey(agent.privateKeyPem).asymmetricKeyType, 'x25519');
  });

  it('encrypts the private key with a passphrase and needs it to load', async () => {
    const pair = await generateAgentKeyPair({ passphrase: 'agent secret' });
    assert.match(pair.privateKeyPem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.throws(() => loadAgentPrivateKey(pair.privateKeyPem));
    assert.throws(() => loadAgentPrivateKey(pair.privateKeyPem, 'wrong'));
    const key = loadAgentPrivateKey(pair.privateKeyPem, 'agent secret');
    assert.equal(key.asymmetricKeyType, 'x25519');
    assert.equal(publicKeyFingerprint(key), pair.fingerprint);
    await assert.rejects(generateAgentKeyPair({ passphrase: '' }), /must not be empty/);
  });

  it('fingerprint = SHA-256 of SPKI DER, base64url, same from public and private key', async () => {
    const { agent, other } = await testKeys();
    assert.match(agent.fingerprint, /^[A-Za-z0-9_-]{43}$/);
    const der = createPublicKey(agent.publicKeyPem).export({ type: 'spki', format: 'der' });
    assert.equal(createHash('sha256').update(der).digest('base64url'), agent.fingerprint);
    assert.equal(publicKeyFingerprint(agent.publicKeyPem), agent.fingerprint);
    assert.equal(publicKeyFingerprint(loadAgentPrivateKey(agent.privateKeyPem)), agent.fingerprint);
    assert.equal(fingerprintDigest(agent.publicKeyPem).toString('base64url'), agent.fingerprint);
    assert.notEqual(agent.fingerprint, other.fingerprint);
  });

  it('converts X25519 public keys to and from their raw 32 bytes', async () => {
    const { agent } = await testKeys();
    const publicKey = createPublicKey(agent.publicKeyPem);
    const raw = rawX25519PublicKey(publicKey);
    assert.equal(raw.length, 32);
    assert.deepEqual(raw, publicKey.export({ type: 'spki', format: 'der' }).subarray(-32));
    assert.deepEqual(rawX25519PublicKey(loadAgentPrivateKey(agent.privateKeyPem)), raw);
    assert.equal(publicKeyFingerprint(x25519PublicKeyFromRaw(raw)), agent.fingerprint);
    assert.throws(() => x25519PublicKeyFromRaw(raw.subarray(1)), RangeError);
    assert.throws(() => rawX25519PublicKey(generateKeyPairSync('ed25519').publicKey), TypeError);
  });

  it("an envelope's ephemeral pair: the raw public key the generation encoded belongs to the private key (no export of it)", async () => {
    const { agent } = await testKeys();
    const recipient = loadAgentPrivateKey(agent.privateKeyPem);
    for (let i = 0; i < 20; i++) {
      const { privateKey, publicRaw } = ephemeralX25519();
      assert.equal(publicRaw.length, 32);
      // Both sides of the agreement meet only if publicRaw is privateKey's public half.
      assert.deepEqual(diffieHellman({ privateKey, publicKey: createPublicKey(agent.publicKeyPem) }), diffieHellman({ privateKey: recipient, publicKey: x25519PublicKeyFromRaw(publicRaw) }));
    }
  });

  it('accepts X25519 public keys only; refuses private, RSA, other-curve and garbage keys', async () => {
    const { agent } = await testKeys();
    assert.equal(assertUsablePublicKey(agent.publicKeyPem).asymmetricKeyType, 'x25519');
    assert.throws(() => assertUsablePublicKey(agent.privateKeyPem), /private key was given where a public key belongs/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assert.throws(() => assertUsablePublicKey(spki(rsa.publicKey)), /X25519 required, got RSA \(rsa\).*enrol a new X25519 key/);
    assert.throws(() => assertUsablePublicKey(pkcs8(rsa.privateKey)), /private key/);
    const pss = spki(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey);
    assert.throws(() => assertUsablePublicKey(pss), /X25519 required, got RSA \(rsa-pss\)/);
    const p256 = spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    assert.throws(() => assertUsablePublicKey(p256), /X25519 required, got ec \(curve prime256v1\)/);
    const p384 = spki(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey);
    assert.throws(() => assertUsablePublicKey(p384), /X25519 required, got ec \(curve secp384r1\)/);
    assert.throws(() => assertUsablePublicKey(spki(generateKeyPairSync('x448').publicKey)), /X25519 required, got x448/);
    assert.throws(() => assertUsablePublicKey(spki(generateKeyPairSync('ed25519').publicKey)), /X25519 required, got ed25519/);
    assert.throws(() => assertUsablePublicKey('not a key'), /not a PEM public key/);
  });

  it('refuses to load a private key that is not X25519', () => {
    const rsa = pkcs8(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    assert.throws(() => loadAgentPrivateKey(rsa), /agent private key refused: X25519 required, got RSA/);
    const ed = pkcs8(generateKeyPairSync('ed25519').privateKey);
    assert.throws(() => loadAgentPrivateKey(ed), /agent private key refused: X25519 required, got ed25519/);
  });
});
