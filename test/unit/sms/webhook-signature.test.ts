import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signWebhookBody, verifyWebhookSignature } from '../../../src/sms/webhook/webhook-gateway.js';

const secret = 'a-shared-secret-of-32-characters';
const body = JSON.stringify({ to: '+4915112345671', text: 'Your code: 123456', id: 'x', sentAt: '2025-01-01T00:00:00.000Z' });
const timestamp = '1735689600';
const now = 1735689600;

describe('webhook signatures', () => {
  it('is sha256=hex HMAC-SHA256(secret, timestamp + "." + body)', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    assert.equal(signWebhookBody(secret, timestamp, body), `sha256=${expected}`);
  });

  it('verifies a valid signature, from a string or the raw bytes', () => {
    const header = signWebhookBody(secret, timestamp, body);
    assert.equal(verifyWebhookSignature(secret, timestamp, body, header, now), true);
    assert.equal(verifyWebhookSignature(secret, timestamp, Buffer.from(body), header, now + 299), true);
  });

  it('refuses a tampered body', () => {
    const header = signWebhookBody(secret, timestamp, body);
    const tampered = body.replace('+4915112345671', '+4915112345672');
    assert.equal(verifyWebhookSignature(secret, timestamp, tampered, header, now), false);
  });

  it('refuses a signature made with another secret', () => {
    const header = signWebhookBody('another-secret-of-32-characters!', timestamp, body);
    assert.equal(verifyWebhookSignature(secret, timestamp, body, header, now), false);
  });

  it('refuses a moved timestamp (the signature covers it)', () => {
    const header = signWebhookBody(secret, timestamp, body);
    assert.equal(verifyWebhookSignature(secret, String(now + 10), body, header, now), false);
  });

  it('refuses old and far-future timestamps, honouring the tolerance', () => {
    const header = signWebhookBody(secret, timestamp, body);
    assert.equal(verifyWebhookSignature(secret, timestamp, body, header, now + 301), false);
    assert.equal(verifyWebhookSignature(secret, timestamp, body, header, now - 301), false);
    assert.equal(verifyWebhookSignature(secret, timestamp, body, header, now + 3600, 3600), true);
    assert.equal(verifyWebhookSignature(secret, timestamp, body, header, now + 31, 30), false);
  });

  it('refuses malformed headers and timestamps without throwing', () => {
    const header = signWebhookBody(secret, timestamp, body);
    for (const bad of ['', 'sha256=', header.slice(0, -2), header.replace('sha256=', 'sha1='), `${header}00`, header.toUpperCase()]) {
      assert.equal(verifyWebhookSignature(secret, timestamp, body, bad, now), false, bad);
    }
    for (const badTimestamp of ['', 'abc', '-1', '1735689600.5', ' 1735689600']) {
      assert.equal(verifyWebhookSignature(secret, badTimestamp, body, header, now), false, badTimestamp);
    }
  });
});
