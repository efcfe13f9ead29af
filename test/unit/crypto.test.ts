import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { numericCode, randomToken, safeEqual, hmac, tokenDigest } from '../../src/crypto/tokens.js';
import { createMasterKey, deriveKeys, readMasterKey } from '../../src/crypto/keys.js';
import { hashPassword, verifyPassword } from '../../src/crypto/password-hash.js';
import { maskEmail, decoyEmailHint } from '../../src/methods/hints.js';
import { FieldCipher } from '../../src/crypto/field-cipher.js';

describe('tokens and codes', () => {
  it('bearer tokens carry ≥128 bits and do not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken()));
    assert.equal(tokens.size, 1000);
    assert.ok(Buffer.from([...tokens][0]!, 'base64url').length >= 16);
    assert.notEqual(tokenDigest('a'), 'a');
  });
  it('codes have the asked number of digits, leading zeros kept, every digit used', () => {
    const codes = Array.from({ length: 2000 }, () => numericCode(6));
    assert.ok(codes.every((c) => /^\d{6}$/.test(c)));
    const digits = new Set(codes.join(''));
    assert.equal(digits.size, 10);
  });
  it('HMAC parts are length-prefixed so boundaries matter', () => {
    const key = Buffer.alloc(32);
    assert.notEqual(hmac(key, 'ab', 'c'), hmac(key, 'a', 'bc'));
  });
  it('compares in constant time and correctly', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
  });
});

describe('keys', () => {
  it('generates the master key once, privately, and derives one key per purpose', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sspr-keys-'));
    assert.equal(readMasterKey(dir), null);
    const first = createMasterKey(dir).key;
    assert.equal(first.length, 32);
    assert.equal(statSync(join(dir, 'secrets.json')).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(readMasterKey(dir)?.key, first);
    assert.throws(() => createMasterKey(dir), 'an existing master key is never overwritten');
    const keys = deriveKeys(first);
    assert.notDeepEqual(keys.keyFor('csrf'), keys.keyFor('code-hash'));
    assert.deepEqual(keys.keyFor('csrf'), deriveKeys(first).keyFor('csrf'));
  });
});

describe('look-up tags', () => {
  it('are deterministic per key k0 and context, survive a rotation, and reveal neither the value nor its length', () => {
    const k0 = Buffer.alloc(32, 5);
    const cipher = new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', k0]]) });
    const tag = cipher.lookupTag('ana@example.org', 'email');
    assert.equal(tag, cipher.lookupTag('ana@example.org', 'email'));
    assert.notEqual(tag, cipher.lookupTag('ana@example.org', 'phone'), 'bound to its context');
    assert.notEqual(tag, cipher.lookupTag('ana@example.org.', 'email'));
    assert.equal(cipher.lookupTag('a@b.c', 'email').length, tag.length, 'fixed length');
    assert.ok(!tag.includes('ana'));
    cipher.useKeyring({ currentKeyId: 'k1', keys: new Map([['k0', k0], ['k1', Buffer.alloc(32, 6)]]) });
    assert.equal(cipher.lookupTag('ana@example.org', 'email'), tag, 'a rotation keeps the tags');
    const other = new FieldCipher({ currentKeyId: 'k0', keys: new Map([['k0', Buffer.alloc(32, 9)]]) });
    assert.notEqual(other.lookupTag('ana@example.org', 'email'), tag, 'another master key, other tags');
  });
});

describe('password hashing', () => {
  it('stores Argon2id (19 MiB, t=2, p=1) and verifies; a missing hash never verifies', async () => {
    const stored = await hashPassword('correct horse');
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(stored, 'correct horse'), true);
    assert.equal(await verifyPassword(stored, 'wrong horse'), false);
    assert.equal(await verifyPassword(null, 'anything'), false);
    assert.equal(await verifyPassword('garbage', 'anything'), false);
  });
});

describe('hints', () => {
  it('masks addresses without leaking their length', () => {
    assert.equal(maskEmail('alice@example.org'), '•••••@e•••••.org');
    assert.equal(maskEmail('a@b.co.uk'), '•••••@b•••••.uk');
    assert.equal(decoyEmailHint('example.org'), '•••••@e•••••.org');
    assert.equal(decoyEmailHint(null), '•••••@e•••••.org');
  });
});
