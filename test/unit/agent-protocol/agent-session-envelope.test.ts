import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { AgentSession } from '../../../src/writeback/agent-gateway/agent-session.js';
import type { AgentsRepository, AgentStatus } from '../../../src/writeback/agents-repository.js';
import { generateIdentityKeyPair, signWithIdentity } from '../../../src/writeback/agent-protocol/agent-identity.js';
import { helloSignedText } from '../../../src/writeback/agent-protocol/protocol.js';
import { NOW } from './fixtures.js';

const identity = generateIdentityKeyPair();
const report = { directory: { reachable: true, encrypted: true, serviceBindOk: true, latencyMs: 1, policyHints: null }, connectErrors: [] };

/**
 * A real WebSocket pair on localhost: the server side is an AgentSession; the client answers the challenge with a
 * signed hello carrying `envelopes` and reports whether it was welcomed or closed, and what was recorded.
 */
async function handshake(envelopes: number[] | undefined) {
  const connected: Array<number | null> = [];
  const status: AgentStatus = {
    id: 'a1', name: 'a1', directory: 'ldap', fingerprint: 'f', enrolledAt: NOW, revokedAt: null, version: null, connectedNode: null,
    connectedAt: null, lastSeenAt: null, clockOffsetMs: null, heartbeatSeconds: null, report: null, envelopeVersion: null, features: null,
  };
  const agents = {
    findById: () => Promise.resolve({ ...status, publicKey: 'pem', identityKey: identity.publicKeyPem }),
    markConnected: (...args: unknown[]) => Promise.resolve(void connected.push((args[6] as number | null | undefined) ?? null)),
  } as Partial<AgentsRepository> as AgentsRepository;
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const sessions: AgentSession[] = [];
  server.on('connection', (socket) => {
    sessions.push(new AgentSession(socket, { agents, clock: { now: () => NOW }, log: pino({ level: 'silent' }), nodeId: 'n1', heartbeatSeconds: 30 }, { ready: () => undefined, result: () => undefined, closed: () => undefined }));
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const outcome = await new Promise<{ welcomed: boolean; code?: number; reason?: string }>((resolve) => {
    client.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; nonce?: string };
      if (message.type === 'welcome') return resolve({ welcomed: true });
      if (message.type !== 'challenge') return;
      client.send(JSON.stringify({
        type: 'hello', agentId: 'a1', version: '1.0.0', directory: 'ldap', clockMs: NOW, report, pendingResults: [],
        signature: signWithIdentity(identity.privateKeyPem, helloSignedText(String(message.nonce), 'a1', NOW)),
        ...(envelopes === undefined ? {} : { envelopes }),
      }));
    });
    client.on('close', (code: number, reason: Buffer) => resolve({ welcomed: false, code, reason: reason.toString() }));
  });
  client.terminate();
  await new Promise((resolve) => server.close(resolve));
  return { session: sessions[0]!, outcome, connected };
}

describe('agent session: envelope version per connection', () => {
  it('negotiates from the hello and records the version with the agent', async () => {
    for (const [offered, expected] of [[undefined, 2], [[], 2], [[2], 2], [[3, 2], 3], [[3], 3], [[7, 3], 3]] as const) {
      const { session, outcome, connected } = await handshake(offered === undefined ? undefined : [...offered]);
      assert.ok(outcome.welcomed, JSON.stringify(offered));
      assert.equal(session.envelopeVersion, expected);
      assert.deepEqual(connected, [expected]);
    }
  });

  it('refuses an agent that opens no version this server seals', async () => {
    const { outcome, connected } = await handshake([7]);
    assert.equal(outcome.welcomed, false);
    assert.equal(outcome.code, 1008);
    assert.match(outcome.reason ?? '', /no sealed-envelope version/);
    assert.deepEqual(connected, []);
  });
});
