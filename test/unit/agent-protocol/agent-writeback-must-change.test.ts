import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentWriteback } from '../../../src/writeback/agent-gateway/agent-writeback.js';
import type { AgentHub } from '../../../src/writeback/agent-gateway/agent-hub.js';
import type { AgentSession } from '../../../src/writeback/agent-gateway/agent-session.js';
import type { JobRow, JobsRepository } from '../../../src/writeback/agent-gateway/jobs-repository.js';
import type { NodeSignals } from '../../../src/writeback/agent-gateway/node-signals.js';
import type { AgentsRepository } from '../../../src/writeback/agents-repository.js';
import type { Audit } from '../../../src/audit/audit.js';
import type { AgentFeature } from '../../../src/writeback/agent-protocol/protocol.js';
import { openSealed, sealForAgent } from '../../../src/writeback/agent-protocol/sealed-password.js';
import { SsprError } from '../../../src/errors/sspr-error.js';
import { NOW, resetPayload, testKeys } from './fixtures.js';

const target = { userId: 'u1', username: 'lena', source: 'ldap', anchor: 'anchor-1' };

interface AgentSetup {
  id: string;
  publicKey: string;
  features: AgentFeature[];
}

/**
 * AgentWriteback with fakes around it: local agents are sessions on this node (the hub picks among those with the
 * feature asked for, as AgentHub.pick does), remote ones are rows another node holds, with their stored features.
 */
function writebackWith(setup: { local?: AgentSetup[]; remote?: AgentSetup[] }) {
  const sent: Array<{ agent: string; message: Record<string, unknown> }> = [];
  const inserted: JobRow[] = [];
  const sessions = (setup.local ?? []).map(
    (agent) =>
      ({
        agentId: agent.id, publicKey: agent.publicKey, envelopeVersion: 3, clockOffsetMs: 0,
        supports: (feature: AgentFeature) => agent.features.includes(feature),
        send: (message: Record<string, unknown>) => sent.push({ agent: agent.id, message }) > 0,
      }) as Partial<AgentSession> as AgentSession,
  );
  const hub = {
    pick: (_directory: string | null, feature?: AgentFeature) => sessions.find((s) => feature === undefined || s.supports(feature)) ?? null,
    watch: () => () => undefined, track: () => undefined, untrack: () => undefined,
  } as Partial<AgentHub> as AgentHub;
  const jobs = {
    insert: (job: JobRow) => Promise.resolve(void inserted.push(job)),
    find: (id: string) => Promise.resolve({ ...inserted.find((j) => j.id === id)!, state: 'succeeded' as const }),
  } as Partial<JobsRepository> as JobsRepository;
  const rows = [...(setup.local ?? []), ...(setup.remote ?? [])];
  const agents = {
    connectedFor: () => Promise.resolve(rows.map((a) => ({ ...a, name: a.id, directory: 'ldap', fingerprint: '', identityKey: '', envelopeVersion: 3 }))),
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
  return { writeback, sent, inserted };
}

const refusedAsTooOld = (error: unknown) => error instanceof SsprError && error.code === 'writeback-must-change-unsupported' && error.status === 409;

describe('agent writeback: "must change at next sign-in" only to agents that announced it', () => {
  it("seals mustChange for a local agent that announced 'must-change' and picks it over one that did not", async () => {
    const { agent, previous } = await testKeys();
    const { writeback, sent } = writebackWith({ local: [{ id: 'old', publicKey: previous.publicKeyPem, features: ['password-facts'] }, { id: 'new', publicKey: agent.publicKeyPem, features: ['password-facts', 'must-change'] }] });
    assert.equal(await writeback.mustChangeSupport('ldap'), 'supported');
    await writeback.reset(target, 'Harbour lantern quartz 9', 'admin-reset', { mustChange: true });
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.agent, 'new');
    const opened = await openSealed(agent.privateKeyPem, String(sent[0]?.message.envelope), { expectedJobId: String(sent[0]?.message.jobId), now: Date.now() });
    assert.equal(opened.mustChange, true);
    assert.equal(opened.newPassword, 'Harbour lantern quartz 9');
  });

  it('sends an agent without the feature a job without the field, and refuses a must-change reset before sealing anything', async () => {
    const { previous } = await testKeys();
    const { writeback, sent, inserted } = writebackWith({ local: [{ id: 'old', publicKey: previous.publicKeyPem, features: ['password-facts'] }] });
    assert.equal(await writeback.mustChangeSupport('ldap'), 'agent-lacks');
    await writeback.reset(target, 'Copper kettle meadow 4', 'admin-reset');
    const opened = await openSealed(previous.privateKeyPem, String(sent[0]?.message.envelope), { expectedJobId: String(sent[0]?.message.jobId), now: Date.now() });
    assert.equal('mustChange' in opened, false, 'the job an older agent gets carries no field it would refuse');
    assert.deepEqual(inserted[0]?.features, []);
    await assert.rejects(writeback.reset(target, 'Harbour lantern quartz 9', 'admin-reset', { mustChange: true }), refusedAsTooOld);
    assert.equal(sent.length, 1, 'nothing more was sent');
    assert.equal(inserted.length, 1, 'no job was queued');
  });

  it('queues copies only for agents on other nodes that announced it; none of them: refused; no agent at all: writeback-no-agent', async () => {
    const { agent, previous } = await testKeys();
    const mixed = writebackWith({ remote: [{ id: 'old', publicKey: previous.publicKeyPem, features: [] }, { id: 'new', publicKey: agent.publicKeyPem, features: ['must-change'] }] });
    await mixed.writeback.reset(target, 'Harbour lantern quartz 9', 'admin-reset', { mustChange: true });
    const envelopes = mixed.inserted[0]?.envelopes ?? {};
    assert.deepEqual(Object.keys(envelopes), ['new']);
    assert.deepEqual(mixed.inserted[0]?.features, ['must-change'], 'the queued job says what the agent picking it up must have announced');
    assert.equal((await openSealed(agent.privateKeyPem, envelopes.new!, { expectedJobId: mixed.inserted[0]!.id, now: Date.now() })).mustChange, true);

    const old = writebackWith({ remote: [{ id: 'old', publicKey: previous.publicKeyPem, features: ['password-facts'] }] });
    assert.equal(await old.writeback.mustChangeSupport('ldap'), 'agent-lacks');
    await assert.rejects(old.writeback.reset(target, 'Harbour lantern quartz 9', 'admin-reset', { mustChange: true }), refusedAsTooOld);
    assert.equal(old.inserted.length, 0);

    const none = writebackWith({});
    assert.equal(await none.writeback.mustChangeSupport('ldap'), 'supported', 'with no agent the reset itself names the reason');
    await assert.rejects(none.writeback.reset(target, 'Harbour lantern quartz 9', 'admin-reset', { mustChange: true }), (error: unknown) => error instanceof SsprError && error.code === 'writeback-no-agent');
  });

  it('seals mustChange only on a reset', async () => {
    const { agent } = await testKeys();
    const { newPassword: _newPassword, ...unlock } = resetPayload({ operation: 'unlock' });
    await assert.rejects(sealForAgent(agent.publicKeyPem, { ...unlock, mustChange: true }, NOW), /invalid payload at mustChange/);
    const sealed = await sealForAgent(agent.publicKeyPem, resetPayload({ mustChange: true }), NOW);
    assert.equal((await openSealed(agent.privateKeyPem, sealed, { expectedJobId: resetPayload().jobId, now: NOW })).mustChange, true);
  });
});
