import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { Aes128Gcm, Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import {
  envelopeInfo,
  hpkeOpen,
  hpkePublicKey,
  hpkeRecipientKey,
  hpkeSeal,
  hpkeSuite,
  type HpkeAead,
} from '../../../src/writeback/agent-protocol/hpke-envelope.js';
import { openSealed, sealForAgent } from '../../../src/writeback/agent-protocol/sealed-password.js';
import { loadAgentPrivateKey, rawX25519PublicKey } from '../../../src/writeback/agent-protocol/agent-keys.js';
import { ENVELOPE_VERSIONS, negotiateEnvelopeVersion } from '../../../src/writeback/agent-protocol/envelope-format.js';
import { edit, flipBit, NOW, refused, resetPayload, testKeys, type Fields } from './fixtures.js';
import { a11 } from './rfc9180-vectors.js';

const hex = (text: string) => Buffer.from(text, 'hex');
/** The A.1.1 recipient key as the agent holds keys: a node:crypto KeyObject (RFC 8037 JWK of the raw scalar). */
const vectorRecipientKeyObject = () =>
  createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: hex(a11.skRm).toString('base64url'), x: hex(a11.pkRm).toString('base64url') }, format: 'jwk' });
/** @hpke/core, an independent RFC 9180 implementation on WebCrypto, for interoperability only. */
const librarySuite = (aead: HpkeAead) =>
  new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: aead === 'aes-256-gcm' ? new Aes256Gcm() : new Aes128Gcm() });
const libraryRecipientKey = async (suite: CipherSuite, skRm: Buffer, pkRm: Buffer) => ({
  privateKey: await suite.kem.deserializePrivateKey(skRm),
  publicKey: await suite.kem.deserializePublicKey(pkRm),
});

describe('RFC 9180 A.1.1 test vectors (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode)', () => {
  const suite = hpkeSuite('aes-128-gcm');
  const [first] = a11.encryptions;

  it('seals to the published enc and sequence-0 ciphertext from the published ephemeral ikm (DeriveKeyPair)', () => {
    const sealed = hpkeSeal(suite, hpkePublicKey(hex(a11.pkRm)), hex(a11.info), hex(first.aad), hex(a11.pt), hex(a11.ikmE));
    assert.equal(sealed.enc.toString('hex'), a11.enc);
    assert.equal(sealed.enc.toString('hex'), a11.pkEm);
    assert.equal(sealed.ct.toString('hex'), first.ct);
  });

  it('opens the published ciphertext with a node:crypto key object; refuses changed aad, info, enc or ct', () => {
    const recipient = hpkeRecipientKey(vectorRecipientKeyObject());
    assert.equal(recipient.publicKey.toString('hex'), a11.pkRm);
    const open = (enc: string, info: string, aad: string, ct: string) => hpkeOpen(suite, recipient, hex(enc), hex(info), hex(aad), hex(ct));
    assert.equal(open(a11.enc, a11.info, first.aad, first.ct).toString('hex'), a11.pt);
    const flip = (text: string, at = 0) => {
      const bytes = hex(text);
      bytes[at < 0 ? bytes.length + at : at]! ^= 1;
      return bytes.toString('hex');
    };
    assert.throws(() => open(a11.enc, a11.info, '436f756e742d31', first.ct));
    assert.throws(() => open(a11.enc, a11.info, `${first.aad}00`, first.ct));
    assert.throws(() => open(a11.enc, `${a11.info}00`, first.aad, first.ct));
    assert.throws(() => open(a11.enc, flip(a11.info), first.aad, first.ct));
    assert.throws(() => open(flip(a11.enc), a11.info, first.aad, first.ct));
    assert.throws(() => open(flip(a11.enc, 31), a11.info, first.aad, first.ct));
    assert.throws(() => open('00'.repeat(32), a11.info, first.aad, first.ct), 'all-zero enc: low-order point');
    assert.throws(() => open(a11.enc.slice(2), a11.info, first.aad, first.ct));
    assert.throws(() => open(a11.enc, a11.info, first.aad, flip(first.ct)));
    assert.throws(() => open(a11.enc, a11.info, first.aad, flip(first.ct, -1)));
    assert.throws(() => open(a11.enc, a11.info, first.aad, first.ct.slice(0, 30)));
    assert.throws(() => open(a11.enc, a11.info, first.aad, first.ct.slice(0, -2)));
  });

  it('refuses to seal to a low-order (all-zero) recipient key', () => {
    assert.throws(() => hpkeSeal(suite, hpkePublicKey(Buffer.alloc(32)), hex(a11.info), hex(first.aad), hex(a11.pt)));
  });
});

describe('interoperability with @hpke/core, both directions', () => {
  for (const aead of ['aes-256-gcm', 'aes-128-gcm'] as const) {
    it(`${aead}: library seals → we open; we seal → library opens`, async () => {
      const ours = hpkeSuite(aead);
      const theirs = librarySuite(aead);
      const { agent } = await testKeys();
      const key = loadAgentPrivateKey(agent.privateKeyPem);
      const recipient = hpkeRecipientKey(key);
      const skRm = Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url');
      const libraryKey = await libraryRecipientKey(theirs, skRm, recipient.publicKey);
      const info = envelopeInfo(Buffer.alloc(32, 7));
      for (const size of [0, 1, 15, 16, 17, 600]) {
        const pt = Buffer.alloc(size, 0x61 + (size % 26));
        const aad = Buffer.from(`aad-${size}`);
        const fromLibrary = await theirs.seal({ recipientPublicKey: libraryKey.publicKey, info }, pt, aad);
        assert.deepEqual(hpkeOpen(ours, recipient, new Uint8Array(fromLibrary.enc), info, aad, new Uint8Array(fromLibrary.ct)), pt);
        const sealed = hpkeSeal(ours, hpkePublicKey(rawX25519PublicKey(key)), info, aad, pt);
        assert.deepEqual(Buffer.from(await theirs.open({ recipientKey: libraryKey, enc: sealed.enc, info }, sealed.ct, aad)), pt);
        await assert.rejects(theirs.open({ recipientKey: libraryKey, enc: sealed.enc, info }, sealed.ct, Buffer.concat([aad, Buffer.of(0)])));
      }
    });
  }

  it('the library derives the A.1.1 key pairs and seals the A.1.1 ciphertext that we open', async () => {
    const theirs = librarySuite('aes-128-gcm');
    const derived = await theirs.kem.deriveKeyPair(hex(a11.ikmR));
    assert.equal(Buffer.from(await theirs.kem.serializePublicKey(derived.publicKey)).toString('hex'), a11.pkRm);
    const sealed = await theirs.seal({ recipientPublicKey: derived.publicKey, info: hex(a11.info), ekm: hex(a11.ikmE) }, hex(a11.pt), hex(a11.encryptions[0].aad));
    assert.equal(Buffer.from(sealed.ct).toString('hex'), a11.encryptions[0].ct);
  });
});

describe('sealed password envelope v3 (RFC 9180 HPKE, DHKEM(X25519), HKDF-SHA256, AES-256-GCM)', () => {
  it('is the default; round-trips reset, change, unlock and verify payloads with PEM and loaded keys', async () => {
    const { agent } = await testKeys();
    const loaded = loadAgentPrivateKey(agent.privateKeyPem);
    const payloads = [
      resetPayload(),
      resetPayload({ operation: 'change', oldPassword: 'old "quoted" \\ pässwörd 😀' }),
      resetPayload({ operation: 'unlock', newPassword: undefined }),
      resetPayload({ operation: 'verify', newPassword: undefined, oldPassword: 'checked' }),
    ].map((p) => JSON.parse(JSON.stringify(p)) as typeof p);
    for (const payload of payloads) {
      const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW);
      const fields = JSON.parse(envelope) as Fields;
      assert.deepEqual(Object.keys(fields), ['v', 'kid', 'job', 'op', 'exp', 'enc', 'ct']);
      assert.equal(fields.v, 3);
      assert.equal(fields.kid, agent.fingerprint);
      assert.equal(Buffer.from(String(fields.enc), 'base64url').length, 32);
      assert.ok(!envelope.includes(payload.account.username) && !envelope.includes('correct horse'));
      assert.deepEqual(await openSealed(agent.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW }), payload);
      assert.deepEqual(await openSealed(loaded, envelope, { expectedJobId: payload.jobId, now: NOW }), payload);
    }
    const again = JSON.parse(await sealForAgent(agent.publicKeyPem, payloads[0]!, NOW)) as Fields;
    const once = JSON.parse(await sealForAgent(agent.publicKeyPem, payloads[0]!, NOW)) as Fields;
    assert.notEqual(again.enc, once.enc, 'a fresh ephemeral key per envelope');
  });

  it('seals each envelope with its own sender context, whether set up ahead (between turns) or on the spot', async () => {
    const { agent } = await testKeys();
    const loaded = loadAgentPrivateKey(agent.privateKeyPem);
    const payloads = Array.from({ length: 6 }, (_, i) => resetPayload({ jobId: `job-ahead-${i}` }));
    const envelopes: string[] = [];
    for (const [i, payload] of payloads.entries()) {
      // Odd ones right after the previous seal (no turn in between: set up on the spot), even ones a turn later.
      if (i % 2 === 0) await new Promise((resolve) => setImmediate(resolve));
      envelopes.push(await sealForAgent(agent.publicKeyPem, payload, NOW));
    }
    envelopes.push(...(await Promise.all(payloads.map((payload) => sealForAgent(agent.publicKeyPem, payload, NOW)))));
    const encs = envelopes.map((envelope) => (JSON.parse(envelope) as Fields).enc);
    assert.equal(new Set(encs).size, encs.length, 'no encapsulated key (so no AEAD key and nonce) serves two envelopes');
    for (const [i, envelope] of envelopes.entries()) {
      const payload = payloads[i % payloads.length]!;
      assert.deepEqual(await openSealed(loaded, envelope, { expectedJobId: payload.jobId, now: NOW }), JSON.parse(JSON.stringify(payload)));
    }
  });

  it('an independent HPKE implementation opens it with the documented info and aad', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload();
    const envelope = JSON.parse(await sealForAgent(agent.publicKeyPem, payload, NOW)) as { kid: string; job: string; op: string; exp: number; enc: string; ct: string };
    const suite = librarySuite('aes-256-gcm');
    const key = loadAgentPrivateKey(agent.privateKeyPem);
    const recipientKey = await libraryRecipientKey(suite, Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url'), rawX25519PublicKey(key));
    const digest = Buffer.from(envelope.kid, 'base64url');
    const aad = Buffer.from(`sspr-writeback-seal;2:v3;43:${envelope.kid};${envelope.job.length}:${envelope.job};${envelope.op.length}:${envelope.op};13:${envelope.exp};`);
    const plaintext = await suite.open({ recipientKey, enc: Buffer.from(envelope.enc, 'base64url'), info: envelopeInfo(digest) }, Buffer.from(envelope.ct, 'base64url'), aad);
    assert.ok(Buffer.from(plaintext).includes(Buffer.from(payload.newPassword!)));
  });

  it('refuses when the job id, operation, deadline or agent key is changed', async () => {
    const { agent, previous, other } = await testKeys();
    const payload = resetPayload();
    const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW);
    const held = [agent.privateKeyPem, previous.privateKeyPem];
    const open = (text: string, expectedJobId = payload.jobId) => openSealed(held, text, { expectedJobId, now: NOW });
    assert.deepEqual(await open(envelope), payload);
    // Bound as associated data: relabelling fails the tag, even when the agent expects the relabelled job.
    await assert.rejects(open(edit(envelope, (f) => (f.job = 'job-other')), 'job-other'), refused('tampered'));
    await assert.rejects(open(edit(envelope, (f) => (f.op = 'change'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, (f) => (f.op = 'unlock'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, (f) => (f.exp = Number(f.exp) + 1))), refused('tampered'));
    await assert.rejects(open(edit(envelope, (f) => (f.exp = Number(f.exp) - 1))), refused('tampered'));
    // kid moved to another key the agent holds: another key in the KEM and in `info`.
    await assert.rejects(open(edit(envelope, (f) => (f.kid = previous.fingerprint))), refused('tampered'));
    // kid naming no held key.
    await assert.rejects(open(edit(envelope, (f) => (f.kid = other.fingerprint))), refused('wrong-key'));
    // Sealed to another agent's key and relabelled with this agent's kid.
    const foreign = await sealForAgent(other.publicKeyPem, payload, NOW);
    await assert.rejects(open(edit(foreign, (f) => (f.kid = agent.fingerprint))), refused('tampered'));
    // Encapsulated key and ciphertext.
    await assert.rejects(open(edit(envelope, flipBit('enc'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('enc', 31, 0x80))), refused('tampered'));
    await assert.rejects(open(edit(envelope, (f) => (f.enc = Buffer.alloc(32).toString('base64url')))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('ct'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('ct', -1))), refused('tampered'));
    // Version relabelled: v2 needs other fields; a v3 body is never opened as v2 or back.
    await assert.rejects(open(edit(envelope, (f) => (f.v = 2))), refused('malformed'));
    const v2 = await sealForAgent(agent.publicKeyPem, payload, NOW, 2);
    await assert.rejects(open(edit(v2, (f) => (f.v = 3))), refused('malformed'));
  });

  it('judges job and deadline only on authentic envelopes', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload({ notAfter: NOW + 1_000 });
    const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW);
    assert.deepEqual(await openSealed(agent.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW + 1_000 }), payload);
    await assert.rejects(openSealed(agent.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW + 1_001 }), refused('expired'));
    await assert.rejects(openSealed(agent.privateKeyPem, envelope, { expectedJobId: 'job-other', now: NOW }), refused('wrong-job'));
  });

  it('refuses malformed version-3 envelopes', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload();
    const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW);
    const cases = [
      edit(envelope, (f) => delete f.enc),
      edit(envelope, (f) => delete f.ct),
      edit(envelope, (f) => (f.ct = '')),
      edit(envelope, (f) => (f.enc = Buffer.alloc(31, 9).toString('base64url'))),
      edit(envelope, (f) => (f.enc = `${String(f.enc).slice(0, -1)}B`)),
      edit(envelope, (f) => (f.ct = `${String(f.ct)}=`)),
      edit(envelope, (f) => (f.epk = f.enc)),
    ];
    for (const text of cases) {
      await assert.rejects(openSealed(agent.privateKeyPem, text, { expectedJobId: payload.jobId, now: NOW }), refused('malformed'), text.slice(0, 80));
    }
  });

  it('keeps a 256-code-point password well under 1 KB and refuses a low-order agent key', async (t) => {
    const { agent } = await testKeys();
    const payload = resetPayload({ jobId: '7f1c2a9e-0b5d-4c61-9d2e-3a8b6f4e1c70', newPassword: 'P'.repeat(256) });
    const size = Buffer.byteLength(await sealForAgent(agent.publicKeyPem, payload, NOW));
    t.diagnostic(`v3 envelope bytes, 256 ASCII code points: ${size} (v2: ${Buffer.byteLength(await sealForAgent(agent.publicKeyPem, payload, NOW, 2))})`);
    assert.ok(size < 800, `envelope ${size} bytes`);
    const lowOrder = `-----BEGIN PUBLIC KEY-----\n${Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), Buffer.alloc(32)]).toString('base64')}\n-----END PUBLIC KEY-----\n`;
    await assert.rejects(sealForAgent(lowOrder, resetPayload(), NOW), /agent key refused/);
  });
});

describe('envelope version negotiation', () => {
  it('picks the newest version both sides know; an agent announcing none gets version 2', () => {
    assert.deepEqual([...ENVELOPE_VERSIONS], [3, 2]);
    assert.equal(negotiateEnvelopeVersion(undefined), 2);
    assert.equal(negotiateEnvelopeVersion([]), 2);
    assert.equal(negotiateEnvelopeVersion([2]), 2);
    assert.equal(negotiateEnvelopeVersion([3]), 3);
    assert.equal(negotiateEnvelopeVersion([2, 3]), 3);
    assert.equal(negotiateEnvelopeVersion([4, 3, 2]), 3);
    assert.equal(negotiateEnvelopeVersion([4]), null);
  });
});
