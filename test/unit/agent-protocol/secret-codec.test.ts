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
    assert.equal(decodeSecret(Buffer.from([8, ...bytes.subarray(1)])), null, 'unknown flag');
    assert.equal(decodeSecret(Buffer.from([0, 0, 1, 0xff, 0, 1, 0x41])), null, 'invalid UTF-8');
    assert.equal(decodeSecret(Buffer.alloc(0)), null);
  });
});
