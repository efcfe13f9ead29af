import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AgentProtocolError,
  clockOffsetMs,
  directoryFailures,
  parseAgentMessage,
  type ProtocolRefusal,
} from '../../../src/writeback/agent-protocol/protocol.js';
import { sealForAgent } from '../../../src/writeback/agent-protocol/sealed-password.js';
import { NOW, resetPayload, testKeys } from './fixtures.js';

const refused = (reason: ProtocolRefusal) => (error: unknown) => {
  assert.ok(error instanceof AgentProtocolError, String(error));
  assert.equal(error.reason, reason);
  return true;
};
const FP = 'q'.repeat(43);
const hello = { type: 'hello', agentId: 'dc-agent-1', version: '1.2.0', publicKeyFingerprint: FP, clockMs: NOW };
const heartbeat = {
  type: 'heartbeat',
  agentId: 'dc-agent-1',
  at: NOW,
  directory: { reachable: true, encrypted: true, latencyMs: 3.5 },
  clockMs: NOW,
};

describe('agent protocol messages', () => {
  it('parses every message type', async () => {
    const { agent } = await testKeys();
    const payload = resetPayload();
    const job = { type: 'job', jobId: payload.jobId, directory: 'corp-ad', envelope: sealForAgent(agent.publicKeyPem, payload, NOW), deadline: payload.notAfter };
    const messages = [
      hello,
      heartbeat,
      { ...heartbeat, directory: { reachable: false, encrypted: false, latencyMs: 0, error: 'ECONNREFUSED' } },
      job,
      { type: 'result', jobId: 'job-1', outcome: 'success' },
      { type: 'result', jobId: 'job-1', outcome: 'failure', reason: 'in-history', raw: '0000052D: Constraint violation' },
      { type: 'ack', jobId: 'job-1' },
    ];
    for (const message of messages) {
      const text = JSON.stringify(message);
      assert.ok(Buffer.byteLength(text) <= 4096);
      assert.deepEqual(parseAgentMessage(text), message);
    }
  });

  it('refuses frames over 4 KB (UTF-8 bytes) before parsing', () => {
    const padded = JSON.stringify({ ...hello, version: '1' }).replace('}', `${' '.repeat(4096)}}`);
    assert.throws(() => parseAgentMessage(padded), refused('too-large'));
    const multibyte = JSON.stringify({ type: 'ack', jobId: 'ü'.repeat(2100) });
    assert.ok(multibyte.length < 4096 && Buffer.byteLength(multibyte) > 4096);
    assert.throws(() => parseAgentMessage(multibyte), refused('too-large'));
  });

  it('refuses extra fields, at the top and nested', () => {
    assert.throws(() => parseAgentMessage(JSON.stringify({ ...hello, admin: true })), refused('invalid'));
    const nested = { ...heartbeat, directory: { ...heartbeat.directory, password: 'x' } };
    assert.throws(() => parseAgentMessage(JSON.stringify(nested)), refused('invalid'));
  });

  it('refuses unknown or missing types and non-JSON', () => {
    assert.throws(() => parseAgentMessage(JSON.stringify({ ...hello, type: 'shell' })), refused('unknown-type'));
    assert.throws(() => parseAgentMessage(JSON.stringify({ ...hello, type: '__proto__' })), refused('unknown-type'));
    assert.throws(() => parseAgentMessage(JSON.stringify({ agentId: 'x' })), refused('unknown-type'));
    assert.throws(() => parseAgentMessage('{"type":"hello"'), refused('not-json'));
    assert.throws(() => parseAgentMessage('[]'), refused('invalid'));
    assert.throws(() => parseAgentMessage('null'), refused('invalid'));
  });

  it('validates field contents and the result contract', () => {
    const invalid = [
      { ...hello, publicKeyFingerprint: 'short' },
      { ...hello, clockMs: -1 },
      { ...hello, agentId: '../etc' },
      { ...heartbeat, directory: { reachable: true, encrypted: true, latencyMs: -1 } },
      { ...heartbeat, directory: { reachable: true, encrypted: true, latencyMs: 1, error: 'e'.repeat(501) } },
      { type: 'result', jobId: 'job-1', outcome: 'failure' },
      { type: 'result', jobId: 'job-1', outcome: 'success', reason: 'locked' },
      { type: 'result', jobId: 'job-1', outcome: 'failure', reason: 'made-up' },
      { type: 'result', jobId: 'job-1', outcome: 'failure', reason: 'locked', raw: 'r'.repeat(501) },
      { type: 'job', jobId: 'job-1', directory: 'corp', envelope: '', deadline: NOW },
      { type: 'ack' },
    ];
    for (const message of invalid) {
      assert.throws(() => parseAgentMessage(JSON.stringify(message)), refused('invalid'), JSON.stringify(message).slice(0, 80));
    }
    const raw500 = { type: 'result', jobId: 'job-1', outcome: 'failure', reason: 'locked', raw: 'r'.repeat(500) };
    assert.deepEqual(parseAgentMessage(JSON.stringify(raw500)), raw500);
    for (const reason of directoryFailures) {
      assert.equal(parseAgentMessage(JSON.stringify({ type: 'result', jobId: 'j', outcome: 'failure', reason })).type, 'result');
    }
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

  it('estimates the agent clock offset NTP-style', () => {
    assert.equal(clockOffsetMs(10_000, 10_000, 0), 0);
    assert.equal(clockOffsetMs(10_100, 10_050, 100), 0, 'agent read its clock half a round trip earlier');
    assert.equal(clockOffsetMs(10_000, 12_000, 0), 2_000, 'agent ahead: positive');
    assert.equal(clockOffsetMs(10_000, 7_000, 40), -2_980, 'agent behind: negative');
    assert.throws(() => clockOffsetMs(10_000, 10_000, -1), RangeError);
    assert.throws(() => clockOffsetMs(Number.NaN, 10_000, 1), RangeError);
  });
});
