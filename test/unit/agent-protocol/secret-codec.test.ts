import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSecret, encodeSecret } from '../../../src/writeback/agent-protocol/secret-codec.js';

describe('secret codec', () => {
  it('round-trips, packs a UUID anchor into 16 bytes, and accepts nothing else', () => {
    const part = { username: 'anna', anchor: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', newPassword: 'pä"\\😀', oldPassword: '' };
    const bytes = encodeSecret(part);
    assert.deepEqual(decodeSecret(bytes), part);
    assert.equal(bytes.length, 1 + 2 + 4 + 16 + 2 + Buffer.byteLength(part.newPassword) + 2);
    assert.deepEqual(decodeSecret(encodeSecret({ username: 'a', anchor: 'CN=A' })), { username: 'a', anchor: 'CN=A' });
    assert.equal(decodeSecret(Buffer.concat([bytes, Buffer.of(0)])), null, 'trailing byte');
    assert.equal(decodeSecret(bytes.subarray(0, -1)), null, 'truncated');
    assert.equal(decodeSecret(Buffer.from([16, ...bytes.subarray(1)])), null, 'unknown flag');
    assert.equal(decodeSecret(Buffer.from([0, 0, 1, 0xff, 0, 1, 0x41])), null, 'invalid UTF-8');
    assert.equal(decodeSecret(Buffer.alloc(0)), null);
  });

  it('carries "must change at next sign-in" as flag 8, and a part without it encodes as before', () => {
    const part = { username: 'anna', anchor: 'CN=A', newPassword: 'Harbour lantern quartz 9' };
    const plain = encodeSecret(part);
    assert.equal(plain[0], 1, 'new password only: the byte an agent from before the flag expects');
    const flagged = encodeSecret({ ...part, mustChange: true });
    assert.equal(flagged[0], 1 | 8);
    assert.deepEqual(flagged.subarray(1), plain.subarray(1), 'the flag adds no bytes');
    assert.deepEqual(decodeSecret(flagged), { ...part, mustChange: true });
    assert.equal('mustChange' in (decodeSecret(plain) ?? {}), false);
  });
});
