import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { smsConfigSchema, smsGatewayFromConfig, smsSecretPaths } from '../../../src/sms/registry.js';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const messagingServiceSid = `MG${'0123456789abcdef'.repeat(2)}`;
const webhook = { provider: 'webhook', url: 'https://sms.example.org/send', secret: 'sixteen-chars-ok' };
const twilio = { provider: 'twilio', accountSid, authToken: 'a'.repeat(32), from: '+4915112345671' };

const issuePaths = (input: unknown) => {
  const result = smsConfigSchema.safeParse(input);
  assert.equal(result.success, false, JSON.stringify(input));
  return [...new Set(result.error?.issues.map((issue) => issue.path.join('.')))];
};

describe('sms config section', () => {
  it('parses a webhook section with the default timeout', () => {
    assert.deepEqual(smsConfigSchema.parse(webhook), { ...webhook, timeoutMs: 10_000 });
    assert.equal(smsGatewayFromConfig(smsConfigSchema.parse(webhook)).kind, 'webhook');
  });

  it('parses a twilio section with either a sender number or a messaging service', () => {
    assert.equal(smsGatewayFromConfig(smsConfigSchema.parse(twilio)).kind, 'twilio');
    const { from: _from, ...withoutFrom } = twilio;
    const viaService = smsConfigSchema.parse({ ...withoutFrom, messagingServiceSid, timeoutMs: 5000 });
    assert.equal(viaService.provider === 'twilio' && viaService.messagingServiceSid, messagingServiceSid);
    assert.equal(smsGatewayFromConfig(viaService).kind, 'twilio');
  });

  it('requires exactly one of from and messagingServiceSid', () => {
    const { from: _from, ...neither } = twilio;
    assert.deepEqual(issuePaths(neither), ['from']);
    assert.deepEqual(issuePaths({ ...twilio, messagingServiceSid }), ['from']);
  });

  it('refuses unknown providers, unknown keys and malformed values with their paths', () => {
    assert.deepEqual(issuePaths({ provider: 'carrier-pigeon' }), ['provider']);
    assert.deepEqual(issuePaths({ ...webhook, retries: 3 }), ['']);
    assert.deepEqual(issuePaths({ ...webhook, secret: 'short' }), ['secret']);
    assert.deepEqual(issuePaths({ ...twilio, accountSid: 'AC123' }), ['accountSid']);
    assert.deepEqual(issuePaths({ ...twilio, from: '0151 12345671' }), ['from']);
    assert.deepEqual(issuePaths({ ...webhook, timeoutMs: 100 }), ['timeoutMs']);
  });

  it('wants https, allows http only to loopback, and refuses credentials in URLs', () => {
    assert.deepEqual(issuePaths({ ...webhook, url: 'http://sms.example.org/send' }), ['url']);
    assert.deepEqual(issuePaths({ ...webhook, url: 'https://user:pw@sms.example.org/send' }), ['url']);
    assert.deepEqual(issuePaths({ ...webhook, url: 'ftp://sms.example.org/' }), ['url']);
    assert.equal(smsConfigSchema.safeParse({ ...webhook, url: 'http://127.0.0.1:9999/sms' }).success, true);
    assert.equal(smsConfigSchema.safeParse({ ...twilio, baseUrl: 'http://localhost:9999' }).success, true);
    assert.deepEqual(issuePaths({ ...twilio, baseUrl: 'http://twilio.example.org' }), ['baseUrl']);
  });

  it('lists its secrets', () => {
    assert.deepEqual([...smsSecretPaths].sort(), ['authToken', 'secret']);
  });
});
