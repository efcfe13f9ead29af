import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AgentProtocolError,
  clockOffsetMs,
  directoryFailures,
  helloSignedText,
  parseAgentMessage,
  parseServerMessage,
  type ProtocolRefusal,
} from '../../../src/writeback/agent-protocol/protocol.js';
import { generateIdentityKeyPair, signWithIdentity, verifyIdentitySignature } from '../../../src/writeback/agent-protocol/agent-identity.js';
import { sealForAgent } from '../../../src/writeback/agent-protocol/sealed-password.js';
import { NOW, resetPayload, testKeys } from './fixtures.js';

const refused = (reason: ProtocolRefusal) => (error: unknown) => {
  assert.ok(error instanceof AgentProtocolError, String(error));
  assert.equal(error.reason, reason);
  return true;
};
const report = {
  directory: { reachable: true, encrypted: true, serviceBindOk: true, latencyMs: 3.5, policyHints: null },
  connectErrors: [{ at: NOW, message: 'https://sspr.example: connection refused' }],
};
const hello = { type: 'hello', agentId: 'dc-agent-1', version: '1.2.0', directory: 'ad', clockMs: NOW, signature: 's'.repeat(86), report, pendingResults: [] };
const heartbeat = { type: 'heartbeat', clockMs: NOW, report };

describe('agent protocol messages', () => {
  it('parses every agent message type', () => {
    const messages = [
      hello,
      { ...hello, pendingResults: [{ type: 'result', jobId: 'job-1', outcome: 'success' }] },
      { ...hello, envelopes: [3, 2] },
      { ...hello, envelopes: [] },
      heartbeat,
      { ...heartbeat, report: { ...report, directory: { ...report.directory, reachable: false, error: { reason: 'unreachable', raw: 'ECONNREFUSED' } } } },
      { type: 'result', jobId: 'job-1', outcome: 'success' },
      { type: 'result', jobId: 'job-1', outcome: 'unknown' },
      { type: 'result', jobId: 'job-1', outcome: 'failure', reason: 'in-history', raw: '0000052D: Constraint violation' },
      { type: 'answer', queryId: 'q-1', ok: true, data: { passwordChangedAt: NOW } },
      { type: 'answer', queryId: 'q-1', ok: false, reason: 'unreachable', raw: 'down' },
      { type: 'sync-page', syncId: 's1', seq: 0, kind: 'accounts', items: [{ anchor: 'a', dn: 'uid=a,o=x', username: 'a', displayName: 'A', firstName: '', lastName: '', email: null, mobile: null, enabled: true, memberOfDns: [] }] },
      { type: 'sync-page', syncId: 's1', seq: 1, kind: 'groups', items: [{ anchor: 'g', dn: 'cn=g,o=x', name: 'g', memberDns: ['uid=a,o=x'] }] },
      { type: 'sync-end', syncId: 's1', marker: '20261125000000Z' },
      { type: 'sync-end', syncId: 's1', reason: 'unreachable', raw: 'down' },
    ];
    for (const message of messages) assert.deepEqual(parseAgentMessage(JSON.stringify(message)), message);
  });

  it('parses every server message type (the agent side)', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload();
    const messages = [
      { type: 'challenge', nonce: 'n'.repeat(43), serverTime: NOW },
      { type: 'welcome', heartbeatSeconds: 30, serverTime: NOW },
      { type: 'job', jobId: payload.jobId, envelope: await sealForAgent(agent.publicKeyPem, payload, NOW), deadline: payload.notAfter },
      { type: 'job', jobId: payload.jobId, envelope: await sealForAgent(agent.publicKeyPem, payload, NOW), deadline: payload.notAfter, account: { username: 'lena', anchor: null } },
      { type: 'query', queryId: 'q-1', kind: 'changed-since', username: 'lena', anchor: null, since: NOW, deadline: NOW + 1000 },
      { type: 'status', jobIds: ['job-1', 'job-2'] },
      { type: 'ack', jobId: 'job-1' },
      { type: 'sync', syncId: 's1', since: null },
      { type: 'sync-ack', syncId: 's1', seq: 3 },
    ];
    for (const message of messages) assert.deepEqual(parseServerMessage(JSON.stringify(message)), message);
    assert.throws(() => parseServerMessage(JSON.stringify(hello)), refused('unknown-type'), 'agent messages are not server messages');
  });

  it('caps frames: 4 KB, hello 16 KB, answers 64 KB (UTF-8 bytes, before parsing)', () => {
    const big = JSON.stringify({ type: 'result', jobId: 'j', outcome: 'failure', reason: 'locked', raw: 'ü'.repeat(2100) });
    assert.throws(() => parseAgentMessage(big), refused('too-large'));
    const answer = { type: 'answer', queryId: 'q', ok: true, data: { memberOf: 'x'.repeat(30_000) } };
    assert.deepEqual(parseAgentMessage(JSON.stringify(answer)), answer);
    assert.throws(() => parseAgentMessage(JSON.stringify({ ...answer, data: 'x'.repeat(70_000) })), refused('too-large'));
  });

  it('refuses extra fields, unknown types and non-JSON', () => {
    assert.throws(() => parseAgentMessage(JSON.stringify({ ...hello, admin: true })), refused('invalid'));
    assert.throws(() => parseAgentMessage(JSON.stringify({ ...heartbeat, report: { ...report, password: 'x' } })), refused('invalid'));
    assert.throws(() => parseAgentMessage(JSON.stringify({ ...hello, type: 'shell' })), refused('unknown-type'));
    assert.throws(() => parseAgentMessage(JSON.stringify({ ...hello, type: '__proto__' })), refused('unknown-type'));
    assert.throws(() => parseAgentMessage('{"type":"hello"'), refused('not-json'));
    assert.throws(() => parseAgentMessage('[]'), refused('invalid'));
    assert.throws(() => parseAgentMessage('null'), refused('invalid'));
  });

  it('validates field contents and the result contract', () => {
    const invalid = [
      { ...hello, signature: 'short' },
      { ...hello, clockMs: -1 },
      { ...hello, agentId: '../etc' },
      { ...hello, directory: 'novell' },
      { ...hello, envelopes: ['3'] },
      { ...hello, envelopes: [2.5] },
      { ...hello, envelopes: Array.from({ length: 17 }, () => 3) },
      { type: 'result', jobId: 'job-1', outcome: 'failure' },
      { type: 'result', jobId: 'job-1', outcome: 'success', reason: 'locked' },
      { type: 'result', jobId: 'job-1', outcome: 'failure', reason: 'made-up' },
      { type: 'result', jobId: 'job-1', outcome: 'failure', reason: 'locked', raw: 'r'.repeat(501) },
      { type: 'answer', queryId: 'q', ok: false },
      { type: 'sync-page', syncId: 's1', seq: 0, kind: 'accounts', items: [{ anchor: 'a', dn: 'x', username: 'a', isAdmin: true }] },
      { type: 'sync-page', syncId: 's1', seq: 0, kind: 'people', items: [] },
    ];
    for (const message of invalid) assert.throws(() => parseAgentMessage(JSON.stringify(message)), refused('invalid'), JSON.stringify(message).slice(0, 80));
    for (const reason of directoryFailures) assert.equal(parseAgentMessage(JSON.stringify({ type: 'result', jobId: 'j', outcome: 'failure', reason })).type, 'result');
  });

  it('reports field paths, never values, in its errors', () => {
    try {
      parseAgentMessage(JSON.stringify({ ...hello, version: 'secret value!' }));
      assert.fail('should refuse');
    } catch (error) {
      assert.ok(error instanceof AgentProtocolError);
      assert.deepEqual(error.paths, ['version']);
      assert.ok(!error.message.includes('secret value'));
    }
  });

  it('binds the hello signature to the nonce, the agent id and the clock', () => {
    const keys = generateIdentityKeyPair();
    const signature = signWithIdentity(keys.privateKeyPem, helloSignedText('nonce-1', 'agent-1', NOW));
    assert.equal(verifyIdentitySignature(keys.publicKeyPem, helloSignedText('nonce-1', 'agent-1', NOW), signature), true);
    assert.equal(verifyIdentitySignature(keys.publicKeyPem, helloSignedText('nonce-2', 'agent-1', NOW), signature), false, 'replayed on another connection');
    assert.equal(verifyIdentitySignature(keys.publicKeyPem, helloSignedText('nonce-1', 'agent-2', NOW), signature), false);
    assert.equal(verifyIdentitySignature(generateIdentityKeyPair().publicKeyPem, helloSignedText('nonce-1', 'agent-1', NOW), signature), false);
    assert.equal(verifyIdentitySignature(keys.publicKeyPem, helloSignedText('nonce-1', 'agent-1', NOW), 'garbage'), false);
  });

  it('estimates the agent clock offset NTP-style', () => {
    assert.equal(clockOffsetMs(10_000, 10_000, 0), 0);
    assert.equal(clockOffsetMs(10_100, 10_050, 100), 0, 'agent read its clock half a round trip earlier');
    assert.equal(clockOffsetMs(10_000, 12_000, 0), 2_000, 'agent ahead: positive');
    assert.equal(clockOffsetMs(10_000, 7_000, 40), -2_980, 'agent behind: negative');
    assert.throws(() => clockOffsetMs(10_000, 10_000, -1), RangeError);
    assert.throws(() => clockOffsetMs(Number.NaN, 10_000, 1), RangeError);
  });
});
