import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentWriteback } from '../../../src/writeback/agent-gateway/agent-writeback.js';
import type { AgentHub } from '../../../src/writeback/agent-gateway/agent-hub.js';
import type { AgentSession } from '../../../src/writeback/agent-gateway/agent-session.js';
import type { JobRow, JobsRepository } from '../../../src/writeback/agent-gateway/jobs-repository.js';
import type { NodeSignals } from '../../../src/writeback/agent-gateway/node-signals.js';
import type { AgentsRepository } from '../../../src/writeback/agents-repository.js';
import type { Audit } from '../../../src/audit/audit.js';
import type { EnvelopeVersion } from '../../../src/writeback/agent-protocol/envelope-format.js';
import { openSealed } from '../../../src/writeback/agent-protocol/sealed-password.js';
import { testKeys } from './fixtures.js';

const target = { userId: 'u1', username: 'lena', source: 'ldap', anchor: 'anchor-1' };

/**
 * AgentWriteback with fakes around it: a job is sealed per agent, in the envelope version negotiated on that
 * agent's own connection — the session's for a local agent, the stored one for an agent on another node.
 */
async function runReset(setup: { local?: { publicKey: string; envelopeVersion: EnvelopeVersion }; remote?: Array<{ id: string; publicKey: string; envelopeVersion: number | null }> }) {
  const sent: Array<Record<string, unknown>> = [];
  const inserted: JobRow[] = [];
  const session = setup.local && ({ agentId: 'local', publicKey: setup.local.publicKey, envelopeVersion: setup.local.envelopeVersion, clockOffsetMs: 0, supports: () => false, send: (m: Record<string, unknown>) => sent.push(m) > 0 } as Partial<AgentSession> as AgentSession);
  const hub = { pick: () => session ?? null, watch: () => () => undefined, track: () => undefined, untrack: () => undefined } as Partial<AgentHub> as AgentHub;
  const jobs = {
    insert: (job: JobRow) => Promise.resolve(void inserted.push(job)),
    find: (id: string) => Promise.resolve({ ...inserted.find((j) => j.id === id)!, state: 'succeeded' as const }),
  } as Partial<JobsRepository> as JobsRepository;
  const agents = {
    connectedFor: () => Promise.resolve((setup.remote ?? []).map((a) => ({ ...a, name: a.id, directory: 'ldap', fingerprint: '', identityKey: '', features: [] }))),
  } as Partial<AgentsRepository> as AgentsRepository;
  const writeback = new AgentWriteback({
    hub, jobs, agents,
    signals: { publish: () => Promise.resolve() } as Partial<NodeSignals> as NodeSignals,
    audit: { record: () => Promise.resolve() } as Partial<Audit> as Audit,
    clock: { now: () => Date.now() },
    nodeId: 'node-a',
    jobTimeoutMs: 5000,
    heartbeatSeconds: 30,
  });
  await writeback.reset(target, 'Copper kettle meadow 4', 'reset');
  return { sent, inserted };
}

const versionOf = (envelope: string) => (JSON.parse(envelope) as { v: number }).v;

describe('agent writeback: envelope version per agent', () => {
  it('seals a job for a local agent in the version its connection negotiated', async () => {
    const { agent } = await testKeys();
    for (const envelopeVersion of [3, 2] as const) {
      const { sent } = await runReset({ local: { publicKey: agent.publicKeyPem, envelopeVersion } });
      const envelope = String(sent[0]?.envelope);
      assert.equal(versionOf(envelope), envelopeVersion);
      const opened = await openSealed(agent.privateKeyPem, envelope, { expectedJobId: String(sent[0]?.jobId), now: Date.now() });
      assert.equal(opened.newPassword, 'Copper kettle meadow 4');
    }
  });

  it("seals each queued copy in that agent's stored version (none stored: the legacy version)", async () => {
    const { agent, previous, other } = await testKeys();
    const { inserted } = await runReset({
      remote: [
        { id: 'current', publicKey: agent.publicKeyPem, envelopeVersion: 3 },
        { id: 'old', publicKey: previous.publicKeyPem, envelopeVersion: 2 },
        { id: 'unknown', publicKey: other.publicKeyPem, envelopeVersion: null },
      ],
    });
    const envelopes = inserted[0]?.envelopes ?? {};
    assert.deepEqual(Object.fromEntries(Object.entries(envelopes).map(([id, e]) => [id, versionOf(e)])), { current: 3, old: 2, unknown: 2 });
    const jobId = inserted[0]!.id;
    for (const [id, key] of [['current', agent], ['old', previous], ['unknown', other]] as const) {
      assert.equal((await openSealed(key.privateKeyPem, envelopes[id]!, { expectedJobId: jobId, now: Date.now() })).newPassword, 'Copper kettle meadow 4');
    }
  });
});
