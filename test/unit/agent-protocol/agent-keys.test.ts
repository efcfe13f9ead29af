import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  assertUsablePublicKey,
  generateAgentKeyPair,
  loadAgentPrivateKey,
  publicKeyFingerprint,
} from '../../../src/writeback/agent-protocol/agent-keys.js';
import { testKeys } from './fixtures.js';

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

describe('agent keys', () => {
  it('generates RSA-3072 by default, PKCS#8 private key, SPKI public key', async () => {
    const { rsa3072 } = await testKeys();
    assert.match(rsa3072.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(rsa3072.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(createPublicKey(rsa3072.publicKeyPem).asymmetricKeyDetails?.modulusLength, 3072);
  });

  it('encrypts the private key with a passphrase and needs it to load', async () => {
    const pair = await generateAgentKeyPair({ modulusLength: 2048, passphrase: 'agent secret' });
    assert.match(pair.privateKeyPem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.throws(() => loadAgentPrivateKey(pair.privateKeyPem));
    assert.throws(() => loadAgentPrivateKey(pair.privateKeyPem, 'wrong'));
    const key = loadAgentPrivateKey(pair.privateKeyPem, 'agent secret');
    assert.equal(publicKeyFingerprint(key), pair.fingerprint);
    await assert.rejects(generateAgentKeyPair({ passphrase: '' }), /must not be empty/);
    await assert.rejects(generateAgentKeyPair({ modulusLength: 1024 }), /2048/);
  });

  it('fingerprint = SHA-256 of SPKI DER, base64url, same from public and private key', async () => {
    const { rsa2048, other2048 } = await testKeys();
    assert.match(rsa2048.fingerprint, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(publicKeyFingerprint(rsa2048.publicKeyPem), rsa2048.fingerprint);
    assert.equal(publicKeyFingerprint(loadAgentPrivateKey(rsa2048.privateKeyPem)), rsa2048.fingerprint);
    assert.notEqual(rsa2048.fingerprint, other2048.fingerprint);
  });

  it('accepts RSA ≥ 2048 public keys and refuses small, non-RSA, private or garbage keys', async () => {
    const { rsa2048, rsa3072 } = await testKeys();
    assert.equal(assertUsablePublicKey(rsa2048.publicKeyPem).asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(assertUsablePublicKey(rsa3072.publicKeyPem).asymmetricKeyDetails?.modulusLength, 3072);
    const small = spki(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
    assert.throws(() => assertUsablePublicKey(small), /2048–8192 bits, got 1024/);
    const ec = spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    assert.throws(() => assertUsablePublicKey(ec), /RSA \(rsaEncryption\) required, got ec/);
    const pss = spki(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey);
    assert.throws(() => assertUsablePublicKey(pss), /RSA \(rsaEncryption\) required/);
    const e3 = spki(generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).publicKey);
    assert.throws(() => assertUsablePublicKey(e3), /exponent/);
    assert.throws(() => assertUsablePublicKey(rsa2048.privateKeyPem), /private key/);
    assert.throws(() => assertUsablePublicKey('not a key'), /not a PEM public key/);
  });
});
