import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { Sha256Hmac } from '../../../src/crypto/sha256-hmac.js';

describe('Sha256Hmac', () => {
  it('gives RFC 4231 test case 2 ("Jefe")', () => {
    const mac = new Sha256Hmac(Buffer.from('Jefe')).digest('what do ya want for nothing?');
    assert.equal(mac.toString('hex'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('gives RFC 4231 test case 6 (a key longer than the block is hashed first)', () => {
    const mac = new Sha256Hmac(Buffer.alloc(131, 0xaa)).digest('Test Using Larger Than Block-Size Key - Hash Key First');
    assert.equal(mac.toString('hex'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('equals createHmac for keys of every length around the block size and messages in parts, UTF-8 included', () => {
    for (const keyLength of [0, 1, 16, 32, 63, 64, 65, 128]) {
      for (let round = 0; round < 20; round++) {
        const key = randomBytes(keyLength);
        const parts = [randomBytes(round * 7).toString('base64'), '\0', `Straße ${round} 名前`, randomBytes(round)];
        const expected = createHmac('sha256', key);
        for (const part of parts) expected.update(part);
        assert.deepEqual(new Sha256Hmac(key).digest(...parts), expected.digest(), `key of ${keyLength} bytes, round ${round}`);
      }
    }
  });
});
