import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import {
  envelopeInfo,
  hpkeOpen,
  hpkePublicKey,
  hpkeRecipientKey,
  hpkeSeal,
  hpkeSuite,
} from '../../../src/writeback/agent-protocol/hpke-envelope.js';
import { openSealed, sealForAgent } from '../../../src/writeback/agent-protocol/sealed-password.js';
import { loadAgentPrivateKey } from '../../../src/writeback/agent-protocol/agent-keys.js';
import { ENVELOPE_VERSIONS, negotiateEnvelopeVersion } from '../../../src/writeback/agent-protocol/envelope-format.js';
import { edit, flipBit, NOW, refused, resetPayload, testKeys, type Fields } from './fixtures.js';
import { a11 } from './rfc9180-vectors.js';

const hex = (text: string) => Buffer.from(text, 'hex');
const toHex = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
/** The A.1.1 recipient key as the agent holds keys: a node:crypto KeyObject (RFC 8037 JWK of the raw scalar). */
const vectorRecipientKeyObject = () =>
  createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: hex(a11.skRm).toString('base64url'), x: hex(a11.pkRm).toString('base64url') }, format: 'jwk' });

describe('RFC 9180 A.1.1 test vectors (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode)', () => {
  const suite = hpkeSuite('aes-128-gcm');

  it('the library derives the published key pairs and shared secret', async () => {
    const recipient = await suite.kem.deriveKeyPair(hex(a11.ikmR));
    assert.equal(toHex(await suite.kem.serializePublicKey(recipient.publicKey)), a11.pkRm);
    assert.equal(toHex(await suite.kem.serializePrivateKey(recipient.privateKey)), a11.skRm);
    const ephemeral = await suite.kem.deriveKeyPair(hex(a11.ikmE));
    assert.equal(toHex(await suite.kem.serializePublicKey(ephemeral.publicKey)), a11.pkEm);
    assert.equal(toHex(await suite.kem.serializePrivateKey(ephemeral.privateKey)), a11.skEm);
    const encap = await suite.kem.encap({ recipientPublicKey: recipient.publicKey, ekm: hex(a11.ikmE) });
    assert.equal(toHex(encap.enc), a11.enc);
    assert.equal(toHex(encap.sharedSecret), a11.sharedSecret);
    assert.equal(toHex(await suite.kem.decap({ recipientKey: recipient, enc: hex(a11.enc) })), a11.sharedSecret);
  });

  it('the library reproduces every published encryption (nonce sequence 0…256) and exported value', async () => {
    const recipientPublicKey = await hpkePublicKey(suite, hex(a11.pkRm));
    const sender = await suite.createSenderContext({ recipientPublicKey, info: hex(a11.info), ekm: hex(a11.ikmE) });
    assert.equal(toHex(sender.enc), a11.enc);
    const bySeq = new Map<number, (typeof a11.encryptions)[number]>(a11.encryptions.map((e) => [e.seq, e]));
    for (let seq = 0; seq <= 256; seq += 1) {
      const vector = bySeq.get(seq);
      const ct = await sender.seal(hex(a11.pt), hex(vector?.aad ?? '00'));
      if (vector) assert.equal(toHex(ct), vector.ct, `sequence ${seq}`);
    }
    const recipient = await suite.createRecipientContext({ recipientKey: await hpkeRecipientKey(suite, vectorRecipientKeyObject()), enc: hex(a11.enc), info: hex(a11.info) });
    for (const { context, value } of a11.exports) {
      assert.equal(toHex(await sender.export(hex(context), 32)), value);
      assert.equal(toHex(await recipient.export(hex(context), 32)), value);
    }
  });

  it('our wrapper seals to the published ciphertext and opens it with a node:crypto key object', async () => {
    const [first] = a11.encryptions;
    const sealed = await hpkeSeal(suite, await hpkePublicKey(suite, hex(a11.pkRm)), hex(a11.info), hex(first.aad), hex(a11.pt), hex(a11.ikmE));
    assert.equal(sealed.enc.toString('hex'), a11.enc);
    assert.equal(sealed.ct.toString('hex'), first.ct);
    const recipient = await hpkeRecipientKey(suite, vectorRecipientKeyObject());
    assert.equal((await hpkeOpen(suite, recipient, hex(a11.enc), hex(a11.info), hex(first.aad), hex(first.ct))).toString('hex'), a11.pt);
    await assert.rejects(hpkeOpen(suite, recipient, hex(a11.enc), hex(a11.info), hex('436f756e742d31'), hex(first.ct)));
    await assert.rejects(hpkeOpen(suite, recipient, hex(a11.enc), hex(`${a11.info}00`), hex(first.aad), hex(first.ct)));
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

  it('an independent HPKE implementation opens it with the documented info and aad', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload();
    const envelope = JSON.parse(await sealForAgent(agent.publicKeyPem, payload, NOW)) as { kid: string; job: string; op: string; exp: number; enc: string; ct: string };
    const suite = hpkeSuite('aes-256-gcm');
    const key = loadAgentPrivateKey(agent.privateKeyPem);
    const digest = Buffer.from(envelope.kid, 'base64url');
    const aad = Buffer.from(`sspr-writeback-seal;2:v3;43:${envelope.kid};${envelope.job.length}:${envelope.job};${envelope.op.length}:${envelope.op};13:${envelope.exp};`);
    const plaintext = await suite.open({ recipientKey: await hpkeRecipientKey(suite, key), enc: Buffer.from(envelope.enc, 'base64url'), info: envelopeInfo(digest) }, Buffer.from(envelope.ct, 'base64url'), aad);
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
