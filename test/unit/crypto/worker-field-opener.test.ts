import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FieldCipher, type SealedField } from '../../../src/crypto/field-cipher.js';
import { WorkerFieldOpener } from '../../../src/crypto/worker-field-opener.js';
import { warningsDuring } from '../../support/process-warnings.js';

const keyring = () => ({ currentKeyId: 'k0', keys: new Map([['k0', randomBytes(32)], ['k1', randomBytes(32)]]) });

/** Values as the store holds them: under each key, legacy plaintext, empty, non-ASCII. */
function sealedValues(cipher: FieldCipher, ring: ReturnType<typeof keyring>): SealedField[] {
  const fields: SealedField[] = [];
  for (let i = 0; i < 300; i++) {
    ring.currentKeyId = i % 2 ? 'k1' : 'k0';
    const context = `users.email:u${i}`;
    fields.push({ stored: cipher.encrypt(i % 7 === 0 ? '' : `user${i}@exämple.org ✓`, context), context });
  }
  ring.currentKeyId = 'k0';
  fields.push({ stored: 'legacy@example.org', context: 'users.email:legacy' });
  return fields;
}

/** A worker module that ends its thread at the first request, and one that never answers. */
const dyingThread = `data:text/javascript,${encodeURIComponent('export function serveOpenRequests(port) { port.on("message", () => process.exit(3)); }')}`;
const silentThread = `data:text/javascript,${encodeURIComponent('export function serveOpenRequests(port) { port.on("message", () => {}); }')}`;

describe('opening stored values in bulk in a worker thread', () => {
  it('answers value for value what decrypt answers in this thread', async () => {
    const ring = keyring();
    const cipher = new FieldCipher(ring);
    const fields = sealedValues(cipher, ring);
    const opener = new WorkerFieldOpener(cipher);
    try {
      const warnings = await warningsDuring('SSPR_FIELD_OPENER_WORKER', async () => {
        assert.deepEqual(await opener.openAll(fields), fields.map((f) => cipher.decrypt(f.stored, f.context)));
        assert.deepEqual(await opener.openAll([]), []);
        const [first, second] = await Promise.all([opener.openAll(fields.slice(0, 10)), opener.openAll(fields.slice(10, 20))]);
        assert.deepEqual([...first, ...second], fields.slice(0, 20).map((f) => cipher.decrypt(f.stored, f.context)), 'concurrent calls get their own answers');
      });
      assert.deepEqual(warnings, [], 'the worker answered');
    } finally {
      await opener.close();
    }
  });

  it('a value the worker cannot open is opened here: the same error, and an unknown key still asks for the keyring', async () => {
    const ring = keyring();
    let unknownKeyCalls = 0;
    const cipher = new FieldCipher(ring, () => unknownKeyCalls++);
    const opener = new WorkerFieldOpener(cipher);
    try {
      const good = { stored: cipher.encrypt('a@example.org', 'users.email:a'), context: 'users.email:a' };
      const moved = { stored: good.stored, context: 'users.email:b' };
      await assert.rejects(opener.openAll([good, moved]), (error: Error) => {
        assert.throws(() => cipher.decrypt(moved.stored, moved.context), { message: error.message });
        return true;
      }, 'a value copied into another row does not open');
      const later = randomBytes(32);
      cipher.useKeyring({ currentKeyId: 'k2', keys: new Map([...ring.keys, ['k2', later]]) });
      const rotated = { stored: cipher.encrypt('b@example.org', 'users.email:b'), context: 'users.email:b' };
      assert.deepEqual(await opener.openAll([good, rotated]), ['a@example.org', 'b@example.org'], 'a key this thread learnt after the worker started');
      const stranger = new FieldCipher({ currentKeyId: 'k9', keys: new Map([['k9', randomBytes(32)]]) });
      await assert.rejects(opener.openAll([{ stored: stranger.encrypt('x', 'c'), context: 'c' }]), /key "k9", which is not in the keyring/);
      assert.equal(unknownKeyCalls, 1, 'the keyring is re-read as decrypt asks');
    } finally {
      await opener.close();
    }
  });

  it('a worker that cannot start, dies or does not answer leaves the opening to this thread, with a warning that names why', async () => {
    const ring = keyring();
    const cipher = new FieldCipher(ring);
    const fields = sealedValues(cipher, ring).slice(0, 50);
    const expected = fields.map((f) => cipher.decrypt(f.stored, f.context));
    for (const [threadUrl, deadlineMs, why] of [
      ['file:///nonexistent/field-opener-thread.js', 30_000, /stored values are opened in the serving thread: .*nonexistent/],
      [dyingThread, 30_000, /stored values are opened in the serving thread: the worker exited \(code 3\)/],
      [silentThread, 500, /stored values are opened in the serving thread: no answer within 500 ms/],
    ] as const) {
      const opener = new WorkerFieldOpener(cipher, { threadUrl, deadlineMs });
      try {
        const warnings = await warningsDuring('SSPR_FIELD_OPENER_WORKER', async () => {
          assert.deepEqual(await opener.openAll(fields), expected, String(threadUrl).slice(0, 40));
          assert.deepEqual(await opener.openAll(fields), expected, 'later calls too');
        });
        assert.equal(warnings.length, 1, `one warning: ${warnings.join(' | ')}`);
        assert.match(warnings[0] as string, why);
      } finally {
        await opener.close();
      }
    }
  });

  it('after close, values open in this thread and no warning is given', async () => {
    const ring = keyring();
    const cipher = new FieldCipher(ring);
    const fields = sealedValues(cipher, ring).slice(0, 5);
    const opener = new WorkerFieldOpener(cipher);
    await opener.close();
    const warnings = await warningsDuring('SSPR_FIELD_OPENER_WORKER', async () => {
      assert.deepEqual(await opener.openAll(fields), fields.map((f) => cipher.decrypt(f.stored, f.context)));
    });
    assert.deepEqual(warnings, []);
  });
});
