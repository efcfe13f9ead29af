import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { octetCounted, syslogMessage } from '../../../src/audit/sinks/syslog/syslog-frame.js';
import { signedHeaders, webhookKey } from '../../../src/audit/sinks/webhook/standard-webhooks.js';
import { backoffMs } from '../../../src/delivery/queue-worker.js';
import { parseRfc5424 } from '../../support/syslog-receiver.js';
import { verifyStandardWebhook } from '../../support/webhook-receiver.js';
import type { AuditRecord } from '../../../src/store/audit-repository.js';

const event: AuditRecord = {
  id: 42, at: Date.UTC(2026, 11, 6, 13, 0, 0, 123), event: 'reset-password', outcome: 'failure', userId: 'u1', username: 'jürgen "x"]',
  ip: '192.0.2.1', userAgent: 'UA', flow: null, detail: { reason: 'password-rejected' },
};

describe('syslog frames (RFC 5424, RFC 6587)', () => {
  it('builds a message a strict parser accepts, with the event as ASCII JSON', () => {
    const text = syslogMessage(event, { facility: 'authpriv', hostname: 'host one', appName: 'sspr', procId: '123', sdId: 'sspr@32473' });
    assert.ok(/^[\x20-\x7e]+$/.test(text), 'plain ASCII');
    const parsed = parseRfc5424(text);
    assert.equal(parsed.facility, 10);
    assert.equal(parsed.severity, 4);
    assert.equal(parsed.timestamp, '2026-12-06T13:00:00.123Z');
    assert.equal(parsed.hostname, 'hostone');
    assert.equal(parsed.msgId, 'reset-password');
    assert.deepEqual(parsed.structuredData, { 'sspr@32473': { eventId: '42', outcome: 'failure' } });
    assert.equal((JSON.parse(parsed.msg) as { username: string }).username, 'jürgen "x"]');
  });

  it('sends NILVALUE without structured data, and frames by octet count (bytes, not characters)', () => {
    const text = syslogMessage(event, { facility: 'local0', hostname: '', appName: 'sspr', procId: '1', sdId: null });
    assert.equal(parseRfc5424(text).structuredData, null);
    assert.equal(parseRfc5424(text).hostname, '-');
    const framed = octetCounted('ä');
    assert.equal(framed.toString('utf8'), '2 ä');
  });
});

describe('Standard Webhooks signatures', () => {
  it('matches the specification example', () => {
    const headers = signedHeaders(webhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    assert.equal(headers['webhook-signature'], 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies at the test receiver and fails when the body changes', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const now = Date.now();
    const headers = signedHeaders(webhookKey(secret), 'audit-1', Math.floor(now / 1000), '{"a":1}');
    assert.equal(verifyStandardWebhook(secret, headers, '{"a":1}', now), true);
    assert.equal(verifyStandardWebhook(secret, headers, '{"a":2}', now), false);
    assert.equal(verifyStandardWebhook(secret, headers, '{"a":1}', now + 10 * 60_000), false, 'an old timestamp');
  });
});

describe('retry backoff', () => {
  it('doubles per attempt, caps, and keeps half of the delay random', () => {
    const policy = { maxAttempts: 10, initialBackoffMs: 1000, maxBackoffMs: 60_000 };
    assert.equal(backoffMs(policy, 1, 0), 500);
    assert.equal(backoffMs(policy, 1, 1), 1000);
    assert.equal(backoffMs(policy, 3, 1), 4000);
    assert.equal(backoffMs(policy, 20, 1), 60_000);
    assert.equal(backoffMs(policy, 20, 0), 30_000);
  });
});

describe('audit.sinks configuration', async () => {
  const { loadConfig } = await import('../../../src/config/load-config.js');
  const load = (sinks: unknown) => () => loadConfig({ env: { SSPR_AUDIT_SINKS: JSON.stringify(sinks) } });

  it('takes the sinks as one JSON variable, with defaults per kind', () => {
    const config = load([{ kind: 'syslog', id: 'siem', host: 'logs.example.org' }, { kind: 'log', id: 'log' }])();
    assert.deepEqual(config.audit.sinks.map((s) => s.id), ['siem', 'log']);
    const syslog = config.audit.sinks[0];
    assert.equal(syslog?.kind === 'syslog' && syslog.transport, 'tls');
  });

  it('refuses unknown kinds, duplicate ids, weak secrets and plain-http webhooks, naming the path', () => {
    assert.throws(load([{ kind: 'carrier-pigeon', id: 'x' }]), /audit\.sinks\.0\.kind/);
    assert.throws(load([{ kind: 'log', id: 'a' }, { kind: 'log', id: 'a' }]), /audit\.sinks: every sink needs its own id/);
    assert.throws(load([{ kind: 'webhook', id: 'h', url: 'https://x.example.org', secret: 'whsec_short' }]), /audit\.sinks\.0\.secret/);
    assert.throws(load([{ kind: 'webhook', id: 'h', url: 'http://x.example.org', secret: `whsec_${'A'.repeat(43)}=` }]), /audit\.sinks\.0\.url/);
    assert.throws(load([{ kind: 'webhook', id: 'h', url: 'https://x.example.org' }]), /exactly one of secret or secretFile/);
    assert.throws(load([{ kind: 'syslog', id: 'Bad Id', host: 'h' }]), /audit\.sinks\.0\.id/);
  });
});
