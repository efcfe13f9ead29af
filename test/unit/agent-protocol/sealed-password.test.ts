import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSealed, sealForAgent, SealError, type SealRefusal } from '../../../src/writeback/agent-protocol/sealed-password.js';
import { loadAgentPrivateKey } from '../../../src/writeback/agent-protocol/agent-keys.js';
import { NOW, resetPayload, testKeys } from './fixtures.js';

const refused = (reason: SealRefusal) => (error: unknown) => {
  assert.ok(error instanceof SealError, String(error));
  assert.equal(error.reason, reason);
  assert.equal(error.message, `sealed password refused: ${reason}`);
  return true;
};

type Fields = Record<string, unknown>;
const edit = (envelope: string, change: (fields: Fields) => void): string => {
  const fields = JSON.parse(envelope) as Fields;
  change(fields);
  return JSON.stringify(fields);
};
const flipBit = (field: string, byteIndex = 0) => (fields: Fields) => {
  const bytes = Buffer.from(String(fields[field]), 'base64url');
  bytes[byteIndex] = (bytes[byteIndex] ?? 0) ^ 0x01;
  fields[field] = bytes.toString('base64url');
};

describe('sealed password envelope', () => {
  it('round-trips reset, change and unlock payloads (RSA-2048 and RSA-3072)', async () => {
    const { rsa2048, rsa3072 } = await testKeys();
    const payloads = [
      resetPayload(),
      resetPayload({ operation: 'change', oldPassword: 'old "quoted" \\ pässwörd 😀' }),
      resetPayload({ operation: 'unlock', newPassword: undefined, account: { username: 'CN=Anna,OU=x', anchor: 'not-a-uuid' } }),
    ].map((p) => JSON.parse(JSON.stringify(p)) as typeof p);
    for (const pair of [rsa2048, rsa3072]) {
      for (const payload of payloads) {
        const envelope = sealForAgent(pair.publicKeyPem, payload, NOW);
        assert.ok(!envelope.includes(payload.account.username), 'account stays inside the ciphertext');
        assert.deepEqual(openSealed(pair.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW }), payload);
      }
    }
  });

  it('names the key by its fingerprint and never carries the password in the clear', async () => {
    const { rsa2048 } = await testKeys();
    const payload = resetPayload();
    const fields = JSON.parse(sealForAgent(rsa2048.publicKeyPem, payload, NOW)) as Fields;
    assert.deepEqual(Object.keys(fields), ['v', 'kid', 'job', 'op', 'exp', 'wrappedKey', 'iv', 'ciphertext', 'tag']);
    assert.equal(fields.v, 1);
    assert.equal(fields.kid, rsa2048.fingerprint);
    assert.equal(Buffer.from(String(fields.wrappedKey), 'base64url').length, 256);
    assert.equal(Buffer.from(String(fields.iv), 'base64url').length, 12);
    assert.equal(Buffer.from(String(fields.tag), 'base64url').length, 16);
    const sealedTwice = JSON.parse(sealForAgent(rsa2048.publicKeyPem, payload, NOW)) as Fields;
    assert.notEqual(sealedTwice.wrappedKey, fields.wrappedKey, 'fresh content key each time');
    assert.notEqual(sealedTwice.iv, fields.iv);
  });

  it('accepts during a key roll whichever held key the kid names; refuses a key it does not hold', async () => {
    const { rsa2048, rsa3072, other2048 } = await testKeys();
    const payload = resetPayload();
    const envelope = sealForAgent(rsa3072.publicKeyPem, payload, NOW);
    const held = [loadAgentPrivateKey(rsa2048.privateKeyPem), rsa3072.privateKeyPem];
    assert.deepEqual(openSealed(held, envelope, { expectedJobId: payload.jobId, now: NOW }), payload);
    assert.throws(() => openSealed(other2048.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW }), refused('wrong-key'));
  });

  it('detects tampering with every field', async () => {
    const { rsa2048, other2048 } = await testKeys();
    const payload = resetPayload();
    const envelope = sealForAgent(rsa2048.publicKeyPem, payload, NOW);
    const both = [rsa2048.privateKeyPem, other2048.privateKeyPem];
    const open = (text: string, expectedJobId = payload.jobId) => () => openSealed(both, text, { expectedJobId, now: NOW });
    assert.throws(open(edit(envelope, flipBit('wrappedKey'))), refused('tampered'));
    assert.throws(open(edit(envelope, flipBit('wrappedKey', 255))), refused('tampered'));
    assert.throws(open(edit(envelope, flipBit('iv'))), refused('tampered'));
    assert.throws(open(edit(envelope, flipBit('ciphertext', 5))), refused('tampered'));
    assert.throws(open(edit(envelope, flipBit('tag', 15))), refused('tampered'));
    // kid moved to another key the agent holds: the unwrap fails.
    assert.throws(open(edit(envelope, (f) => (f.kid = other2048.fingerprint))), refused('tampered'));
    // kid naming no held key at all.
    assert.throws(open(edit(envelope, (f) => (f.kid = 'A'.repeat(43)))), refused('wrong-key'));
    // jobId, operation and deadline are bound as associated data: relabelling fails the tag.
    assert.throws(open(edit(envelope, (f) => (f.job = 'job-other')), 'job-other'), refused('tampered'));
    assert.throws(open(edit(envelope, (f) => (f.op = 'change'))), refused('tampered'));
    assert.throws(open(edit(envelope, (f) => (f.exp = NOW + 3_600_000))), refused('tampered'));
  });

  it('refuses after notAfter (inclusive deadline), even when the rest is authentic', async () => {
    const { rsa2048 } = await testKeys();
    const payload = resetPayload({ notAfter: NOW + 1_000 });
    const envelope = sealForAgent(rsa2048.publicKeyPem, payload, NOW);
    assert.deepEqual(openSealed(rsa2048.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW + 1_000 }), payload);
    assert.throws(() => openSealed(rsa2048.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW + 1_001 }), refused('expired'));
  });

  it('refuses an envelope replayed into another job', async () => {
    const { rsa2048 } = await testKeys();
    const envelope = sealForAgent(rsa2048.publicKeyPem, resetPayload(), NOW);
    assert.throws(() => openSealed(rsa2048.privateKeyPem, envelope, { expectedJobId: 'job-other', now: NOW }), refused('wrong-job'));
  });

  it('refuses malformed envelopes: JSON, schema, base64url, lengths, version, size', async () => {
    const { rsa2048 } = await testKeys();
    const payload = resetPayload();
    const envelope = sealForAgent(rsa2048.publicKeyPem, payload, NOW);
    const cases = [
      'not json',
      '',
      'null',
      '[]',
      edit(envelope, (f) => (f.v = 2)),
      edit(envelope, (f) => (f.extra = 1)),
      edit(envelope, (f) => delete f.tag),
      edit(envelope, (f) => (f.iv = `${String(f.iv)}=`)),
      edit(envelope, (f) => (f.iv = String(f.iv).replace(/^./, '+'))),
      edit(envelope, (f) => (f.ciphertext = `${String(f.ciphertext)}!`)),
      edit(envelope, (f) => (f.tag = String(f.tag).slice(0, -1))),
      edit(envelope, (f) => (f.iv = Buffer.alloc(16).toString('base64url'))),
      edit(envelope, (f) => (f.wrappedKey = String(f.wrappedKey).slice(0, -4))),
      edit(envelope, (f) => (f.exp = String(f.exp))),
      edit(envelope, (f) => (f.op = 'delete')),
      `${envelope}${' '.repeat(4000)}`,
    ];
    for (const text of cases) {
      assert.throws(() => openSealed(rsa2048.privateKeyPem, text, { expectedJobId: payload.jobId, now: NOW }), refused('malformed'), text.slice(0, 80));
    }
  });

  it('keeps a 256-code-point password under 1 KB with RSA-2048 (and measures RSA-3072)', async (t) => {
    const { rsa2048, rsa3072 } = await testKeys();
    const payload = resetPayload({ jobId: '7f1c2a9e-0b5d-4c61-9d2e-3a8b6f4e1c70', newPassword: 'P'.repeat(256) });
    const size2048 = Buffer.byteLength(sealForAgent(rsa2048.publicKeyPem, payload, NOW));
    const size3072 = Buffer.byteLength(sealForAgent(rsa3072.publicKeyPem, payload, NOW));
    t.diagnostic(`envelope bytes, 256 ASCII code points: RSA-2048 ${size2048}, RSA-3072 ${size3072}`);
    assert.ok(size2048 < 1024, `RSA-2048 envelope ${size2048} bytes`);
    assert.ok(size3072 < 1200, `RSA-3072 envelope ${size3072} bytes`);
    const quoted = Buffer.byteLength(sealForAgent(rsa2048.publicKeyPem, { ...payload, newPassword: '"\\'.repeat(128) }, NOW));
    assert.equal(quoted, size2048, 'quotes and backslashes cost no escaping');
  });

  it('refuses to seal invalid payloads, bad deadlines, unusable keys and oversized envelopes', async () => {
    const { rsa2048 } = await testKeys();
    const seal = (payload: ReturnType<typeof resetPayload>, key = rsa2048.publicKeyPem) => () => sealForAgent(key, payload, NOW);
    assert.throws(seal(resetPayload({ newPassword: undefined })), TypeError);
    assert.throws(seal(resetPayload({ oldPassword: 'x' })), TypeError);
    assert.throws(seal(resetPayload({ operation: 'change' })), TypeError);
    assert.throws(seal(resetPayload({ operation: 'unlock' })), TypeError);
    assert.throws(seal(resetPayload({ jobId: 'job with spaces' })), TypeError);
    assert.throws(seal(resetPayload({ notAfter: NOW })), RangeError);
    assert.throws(seal(resetPayload({ notAfter: NOW + 15 * 60_000 + 1 })), RangeError);
    assert.throws(seal(resetPayload(), rsa2048.privateKeyPem), /private key/);
    assert.throws(seal(resetPayload({ operation: 'change', oldPassword: '😀'.repeat(1024) })), RangeError);
    const error = (() => {
      try {
        sealForAgent(rsa2048.publicKeyPem, resetPayload({ newPassword: 'secret-pw', oldPassword: 'x' }), NOW);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(error instanceof Error && !error.message.includes('secret-pw'), 'the error never echoes a password');
  });
});
