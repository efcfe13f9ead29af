import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { openSealed, sealForAgent } from '../../../src/writeback/agent-protocol/sealed-password.js';
import { generateAgentKeyPair, loadAgentPrivateKey } from '../../../src/writeback/agent-protocol/agent-keys.js';
import { MAX_ENVELOPE_BYTES } from '../../../src/writeback/agent-protocol/envelope-format.js';
import { edit, flipBit, NOW, refused, resetPayload, testKeys, type Fields } from './fixtures.js';

const setBytes = (field: string, bytes: Buffer) => (fields: Fields) => {
  fields[field] = bytes.toString('base64url');
};

describe('sealed password envelope (v2: X25519 + HKDF-SHA256 + AES-256-GCM)', () => {
  it('opens an envelope sealed by the code before version negotiation (wire format unchanged)', async () => {
    // Sealed by the pre-HPKE sealForAgent to this test key; an agent of that build opens today's v2 likewise.
    const privateKeyPem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIMiaJPpcvZj6ZTKPgAwiBdzV4rzpug57KwZsqh6Lnlhl\n-----END PRIVATE KEY-----\n';
    const envelope = JSON.stringify({
      v: 2, kid: 'zKSf63cJMgZ9kT0IL-nuoQUJ-0lk7X1L6GhjRb48nV8', job: 'job-golden-1', op: 'change', exp: 1_750_000_060_000,
      epk: 'B7r5JnIx13HT-6-TxVw5ZUjRdoYBLFO8b-we2tTBqhc', iv: 'gWEA9a8baeV_MSt5',
      ciphertext: 'PgOFNmEReaAic9xT475uqLKy258pjAYgEvr4Y9jhPagelHqIZe5zytutIBd1EAApaihrxS2t8g', tag: 'd5QV4ow8rLNpfCJlhz5U4Q',
    });
    assert.deepEqual(await openSealed(privateKeyPem, envelope, { expectedJobId: 'job-golden-1', now: NOW }), {
      jobId: 'job-golden-1', operation: 'change', account: { username: 'lena', anchor: 'anchor-1' },
      newPassword: 'Copper kettle meadow 4', oldPassword: 'Original ✓', notAfter: 1_750_000_060_000,
    });
  });

  it('round-trips reset, change and unlock payloads', async () => {
    const { agent } = await testKeys();
    const payloads = [
      resetPayload(),
      resetPayload({ operation: 'change', oldPassword: 'old "quoted" \\ pässwörd 😀' }),
      resetPayload({ operation: 'unlock', newPassword: undefined, account: { username: 'CN=Anna,OU=x', anchor: 'not-a-uuid' } }),
    ].map((p) => JSON.parse(JSON.stringify(p)) as typeof p);
    const loaded = loadAgentPrivateKey(agent.privateKeyPem);
    for (const payload of payloads) {
      const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW, 2);
      assert.ok(!envelope.includes(payload.account.username), 'account stays inside the ciphertext');
      assert.deepEqual(await openSealed(agent.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW }), payload);
      assert.deepEqual(await openSealed(loaded, envelope, { expectedJobId: payload.jobId, now: NOW }), payload);
    }
  });

  it('opens with a passphrase-protected private key once loaded', async () => {
    const pair = await generateAgentKeyPair({ passphrase: 'agent secret' });
    const payload = resetPayload();
    const envelope = await sealForAgent(pair.publicKeyPem, payload, NOW, 2);
    const key = loadAgentPrivateKey(pair.privateKeyPem, 'agent secret');
    assert.deepEqual(await openSealed(key, envelope, { expectedJobId: payload.jobId, now: NOW }), payload);
    await assert.rejects(() => openSealed(pair.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW }));
  });

  it('names the key by its fingerprint, carries a fresh ephemeral key and never the password in the clear', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload();
    const text = await sealForAgent(agent.publicKeyPem, payload, NOW, 2);
    assert.ok(!text.includes('correct horse'));
    const fields = JSON.parse(text) as Fields;
    assert.deepEqual(Object.keys(fields), ['v', 'kid', 'job', 'op', 'exp', 'epk', 'iv', 'ciphertext', 'tag']);
    assert.equal(fields.v, 2);
    assert.equal(fields.kid, agent.fingerprint);
    assert.deepEqual([fields.job, fields.op, fields.exp], [payload.jobId, 'reset', payload.notAfter]);
    const epk = Buffer.from(String(fields.epk), 'base64url');
    assert.equal(epk.length, 32);
    assert.ok(!agent.publicKeyPem.includes(String(fields.epk)), 'epk is not the agent key');
    assert.equal(Buffer.from(String(fields.iv), 'base64url').length, 12);
    assert.equal(Buffer.from(String(fields.tag), 'base64url').length, 16);
    const sealedTwice = JSON.parse(await sealForAgent(agent.publicKeyPem, payload, NOW, 2)) as Fields;
    assert.notEqual(sealedTwice.epk, fields.epk, 'fresh ephemeral key each time');
    assert.notEqual(sealedTwice.iv, fields.iv);
    assert.notEqual(sealedTwice.ciphertext, fields.ciphertext);
  });

  it('accepts during a key roll whichever held key the kid names; refuses a key it does not hold', async () => {
    const { agent, previous, other } = await testKeys();
    const payload = resetPayload();
    const held = [loadAgentPrivateKey(previous.privateKeyPem), agent.privateKeyPem];
    const toNew = await sealForAgent(agent.publicKeyPem, payload, NOW, 2);
    const toOld = await sealForAgent(previous.publicKeyPem, payload, NOW, 2);
    assert.equal((JSON.parse(toOld) as Fields).kid, previous.fingerprint);
    assert.deepEqual(await openSealed(held, toNew, { expectedJobId: payload.jobId, now: NOW }), payload);
    assert.deepEqual(await openSealed(held, toOld, { expectedJobId: payload.jobId, now: NOW }), payload);
    await assert.rejects(() => openSealed(other.privateKeyPem, toNew, { expectedJobId: payload.jobId, now: NOW }), refused('wrong-key'));
    await assert.rejects(() => openSealed([], toNew, { expectedJobId: payload.jobId, now: NOW }), refused('wrong-key'));
  });

  it('detects tampering with every field', async () => {
    const { agent, previous, other } = await testKeys();
    const payload = resetPayload();
    const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW, 2);
    const held = [agent.privateKeyPem, previous.privateKeyPem];
    const open = (text: string, expectedJobId = payload.jobId) => () => openSealed(held, text, { expectedJobId, now: NOW });
    assert.deepEqual(await open(envelope)(), payload);
    // epk: any other key, including one X25519 itself cannot tell apart (the top bit is ignored by the
    // agreement, RFC 7748 §5, but bound by HKDF), low-order points (no shared secret) and another real key.
    await assert.rejects(open(edit(envelope, flipBit('epk'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('epk', 31, 0x80))), refused('tampered'));
    await assert.rejects(open(edit(envelope, setBytes('epk', Buffer.alloc(32)))), refused('tampered'));
    await assert.rejects(open(edit(envelope, setBytes('epk', Buffer.concat([Buffer.of(1), Buffer.alloc(31)])))), refused('tampered'));
    const otherEpk = (JSON.parse(await sealForAgent(agent.publicKeyPem, payload, NOW, 2)) as Fields).epk;
    await assert.rejects(open(edit(envelope, (f) => (f.epk = otherEpk))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('iv'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('iv', 11, 0x80))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('ciphertext'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('ciphertext', -1))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('tag'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, flipBit('tag', 15))), refused('tampered'));
    // Ciphertext and tag of another envelope under the same key: the tag does not match.
    const twin = JSON.parse(await sealForAgent(agent.publicKeyPem, payload, NOW, 2)) as Fields;
    await assert.rejects(open(edit(envelope, (f) => ((f.ciphertext = twin.ciphertext), (f.tag = twin.tag)))), refused('tampered'));
    // kid moved to another key the agent holds: another agreement, another key.
    await assert.rejects(open(edit(envelope, (f) => (f.kid = previous.fingerprint))), refused('tampered'));
    // kid naming no held key at all.
    await assert.rejects(open(edit(envelope, (f) => (f.kid = other.fingerprint))), refused('wrong-key'));
    await assert.rejects(open(edit(envelope, (f) => (f.kid = 'A'.repeat(43)))), refused('wrong-key'));
    // jobId, operation and deadline are bound as associated data: relabelling fails the tag.
    await assert.rejects(open(edit(envelope, (f) => (f.job = 'job-other')), 'job-other'), refused('tampered'));
    await assert.rejects(open(edit(envelope, (f) => (f.op = 'change'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, (f) => (f.op = 'unlock'))), refused('tampered'));
    await assert.rejects(open(edit(envelope, (f) => (f.exp = NOW + 3_600_000))), refused('tampered'));
    await assert.rejects(open(edit(envelope, (f) => (f.exp = Number(f.exp) - 1))), refused('tampered'));
  });

  it('refuses after notAfter (inclusive deadline), even when the rest is authentic', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload({ notAfter: NOW + 1_000 });
    const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW, 2);
    assert.deepEqual(await openSealed(agent.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW + 1_000 }), payload);
    await assert.rejects(() => openSealed(agent.privateKeyPem, envelope, { expectedJobId: payload.jobId, now: NOW + 1_001 }), refused('expired'));
  });

  it('refuses an envelope replayed into another job', async () => {
    const { agent } = await testKeys();
    const envelope = await sealForAgent(agent.publicKeyPem, resetPayload(), NOW, 2);
    await assert.rejects(() => openSealed(agent.privateKeyPem, envelope, { expectedJobId: 'job-other', now: NOW }), refused('wrong-job'));
  });

  it('refuses malformed envelopes: JSON, schema, base64url, lengths, version, size', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload();
    const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW, 2);
    const cases = [
      'not json',
      '',
      'null',
      '[]',
      '{}',
      edit(envelope, (f) => (f.v = 1)),
      edit(envelope, (f) => (f.v = 3)),
      // A version-1 (RSA-OAEP) envelope shape.
      edit(envelope, (f) => {
        f.v = 1;
        f.wrappedKey = Buffer.alloc(384).toString('base64url');
        delete f.epk;
      }),
      edit(envelope, (f) => (f.wrappedKey = f.epk)),
      edit(envelope, (f) => (f.extra = 1)),
      edit(envelope, (f) => delete f.tag),
      edit(envelope, (f) => delete f.epk),
      edit(envelope, (f) => (f.epk = '')),
      edit(envelope, (f) => (f.epk = Buffer.alloc(31, 9).toString('base64url'))),
      edit(envelope, (f) => (f.epk = Buffer.alloc(33, 9).toString('base64url'))),
      // 43 characters carry 258 bits for 256: 'B' sets a padding bit, a non-canonical spelling.
      edit(envelope, (f) => (f.epk = `${String(f.epk).slice(0, -1)}B`)),
      edit(envelope, (f) => (f.epk = String(f.epk).replace(/^./, '+'))),
      edit(envelope, (f) => (f.epk = 1)),
      edit(envelope, (f) => (f.iv = `${String(f.iv)}=`)),
      edit(envelope, (f) => (f.iv = String(f.iv).replace(/^./, '+'))),
      edit(envelope, (f) => (f.ciphertext = `${String(f.ciphertext)}!`)),
      edit(envelope, (f) => (f.ciphertext = '')),
      edit(envelope, (f) => (f.tag = String(f.tag).slice(0, -1))),
      edit(envelope, (f) => (f.iv = Buffer.alloc(16).toString('base64url'))),
      edit(envelope, (f) => (f.kid = String(f.kid).slice(1))),
      edit(envelope, (f) => (f.exp = String(f.exp))),
      edit(envelope, (f) => (f.op = 'delete')),
      `${envelope}${' '.repeat(MAX_ENVELOPE_BYTES)}`,
    ];
    for (const text of cases) {
      await assert.rejects(() => openSealed(agent.privateKeyPem, text, { expectedJobId: payload.jobId, now: NOW }), refused('malformed'), text.slice(0, 80));
    }
  });

  it('keeps a 256-code-point password well under 1 KB; the size limit refuses over-long passwords', async (t) => {
    const { agent } = await testKeys();
    const payload = resetPayload({ jobId: '7f1c2a9e-0b5d-4c61-9d2e-3a8b6f4e1c70', newPassword: 'P'.repeat(256) });
    const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW, 2);
    const size = Buffer.byteLength(envelope);
    t.diagnostic(`envelope bytes, 256 ASCII code points: ${size}`);
    assert.ok(size < 800, `envelope ${size} bytes`);
    const quoted = Buffer.byteLength(await sealForAgent(agent.publicKeyPem, { ...payload, newPassword: '"\\'.repeat(128) }, NOW, 2));
    assert.equal(quoted, size, 'quotes and backslashes cost no escaping');
    // The policy ceiling (1024 code points) fits for a reset in ASCII, and 512 four-byte characters do too.
    for (const newPassword of ['x'.repeat(1024), '😀'.repeat(512)]) {
      const longest = resetPayload({ newPassword });
      const sealedLongest = await sealForAgent(agent.publicKeyPem, longest, NOW, 2);
      t.diagnostic(`envelope bytes, ${[...newPassword].length} code points of ${Buffer.byteLength([...newPassword][0]!)} bytes: ${Buffer.byteLength(sealedLongest)}`);
      assert.ok(Buffer.byteLength(sealedLongest) <= MAX_ENVELOPE_BYTES);
      assert.deepEqual(await openSealed(agent.privateKeyPem, sealedLongest, { expectedJobId: longest.jobId, now: NOW }), longest);
    }
    // Maximal 4-byte passwords do not fit: refused at sealing, without echoing them.
    const tooLong = resetPayload({ operation: 'change', newPassword: '😀'.repeat(1024), oldPassword: 'secret-old-😀'.repeat(78) });
    await assert.rejects(() => sealForAgent(agent.publicKeyPem, tooLong, NOW, 2), (error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, new RegExp(`exceeds ${MAX_ENVELOPE_BYTES} bytes`));
      assert.ok(!error.message.includes('secret-old'));
      return true;
    });
  });

  it('refuses to seal invalid payloads, bad deadlines, unusable keys and oversized envelopes', async () => {
    const { agent } = await testKeys();
    const seal = (payload: ReturnType<typeof resetPayload>, key = agent.publicKeyPem) => () => sealForAgent(key, payload, NOW, 2);
    await assert.rejects(seal(resetPayload({ newPassword: undefined })), TypeError);
    await assert.rejects(seal(resetPayload({ oldPassword: 'x' })), TypeError);
    await assert.rejects(seal(resetPayload({ operation: 'change' })), TypeError);
    await assert.rejects(seal(resetPayload({ operation: 'unlock' })), TypeError);
    await assert.rejects(seal(resetPayload({ jobId: 'job with spaces' })), TypeError);
    await assert.rejects(seal(resetPayload({ notAfter: NOW })), RangeError);
    await assert.rejects(seal(resetPayload({ notAfter: NOW + 15 * 60_000 + 1 })), RangeError);
    await assert.rejects(seal(resetPayload(), agent.privateKeyPem), /private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await assert.rejects(seal(resetPayload(), rsa), /X25519 required, got RSA/);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await assert.rejects(seal(resetPayload(), p256), /X25519 required, got ec/);
    const lowOrder = `-----BEGIN PUBLIC KEY-----\n${Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), Buffer.alloc(32)]).toString('base64')}\n-----END PUBLIC KEY-----\n`;
    await assert.rejects(seal(resetPayload(), lowOrder), /low-order point/);
    await assert.rejects(seal(resetPayload({ operation: 'change', oldPassword: '😀'.repeat(1024) })), RangeError);
    const error = await (async () => {
      try {
        await sealForAgent(agent.publicKeyPem, resetPayload({ newPassword: 'secret-pw', oldPassword: 'x' }), NOW, 2);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(error instanceof Error && !error.message.includes('secret-pw'), 'the error never echoes a password');
  });

  it('refuses to open with a held key that is not an X25519 private key', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload();
    const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW, 2);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await assert.rejects(() => openSealed([rsa, agent.privateKeyPem], envelope, { expectedJobId: payload.jobId, now: NOW }), /X25519 private keys/);
  });
});
