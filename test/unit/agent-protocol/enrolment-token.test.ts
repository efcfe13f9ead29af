import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEnrolmentToken,
  createEnrolmentToken,
  DEFAULT_ENROLMENT_TTL_MS,
} from '../../../src/writeback/agent-protocol/enrolment-token.js';
import { tokenDigest } from '../../../src/crypto/tokens.js';

const NOW = 1_750_000_000_000;

describe('enrolment tokens', () => {
  it('carry ≥ 128 random bits after the prefix, store only the digest, expire after 24 h by default', () => {
    const created = createEnrolmentToken(NOW);
    assert.match(created.token, /^sspr-enrol-[A-Za-z0-9_-]+$/);
    const random = Buffer.from(created.token.slice('sspr-enrol-'.length), 'base64url');
    assert.ok(random.length * 8 >= 128, `${random.length * 8} bits`);
    assert.equal(created.digest, tokenDigest(created.token));
    assert.ok(!created.digest.includes(created.token));
    assert.equal(created.expiresAt, NOW + DEFAULT_ENROLMENT_TTL_MS);
    assert.equal(DEFAULT_ENROLMENT_TTL_MS, 86_400_000);
    const many = new Set(Array.from({ length: 200 }, () => createEnrolmentToken(NOW).token));
    assert.equal(many.size, 200);
  });

  it('accepts the right unused token before expiry', () => {
    const { token, digest, expiresAt } = createEnrolmentToken(NOW, 60_000);
    assert.equal(checkEnrolmentToken(token, { digest, expiresAt, usedAt: null }, NOW + 59_999), 'ok');
  });

  it('refuses at and after expiry', () => {
    const { token, digest, expiresAt } = createEnrolmentToken(NOW, 60_000);
    assert.equal(checkEnrolmentToken(token, { digest, expiresAt, usedAt: null }, NOW + 60_000), 'expired');
    assert.equal(checkEnrolmentToken(token, { digest, expiresAt, usedAt: null }, NOW + 10 ** 9), 'expired');
  });

  it('refuses reuse', () => {
    const { token, digest, expiresAt } = createEnrolmentToken(NOW);
    assert.equal(checkEnrolmentToken(token, { digest, expiresAt, usedAt: NOW + 5 }, NOW + 10), 'used');
  });

  it('answers unknown for a wrong, altered, empty or unmatched token', () => {
    const { token, digest, expiresAt } = createEnrolmentToken(NOW);
    const stored = { digest, expiresAt, usedAt: null };
    assert.equal(checkEnrolmentToken(createEnrolmentToken(NOW).token, stored, NOW), 'unknown');
    assert.equal(checkEnrolmentToken(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, stored, NOW), 'unknown');
    assert.equal(checkEnrolmentToken(token.slice('sspr-enrol-'.length), stored, NOW), 'unknown');
    assert.equal(checkEnrolmentToken('', stored, NOW), 'unknown');
    assert.equal(checkEnrolmentToken(token, null, NOW), 'unknown');
    // A wrong token against a used or expired record still says only "unknown".
    assert.equal(checkEnrolmentToken('sspr-enrol-guess', { digest, expiresAt: NOW - 1, usedAt: NOW - 2 }, NOW), 'unknown');
  });

  it('refuses unreasonable lifetimes', () => {
    assert.throws(() => createEnrolmentToken(NOW, 0), RangeError);
    assert.throws(() => createEnrolmentToken(NOW, 8 * DEFAULT_ENROLMENT_TTL_MS), RangeError);
  });
});
