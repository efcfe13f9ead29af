/** agent-connected / agent-network / agent-features from agent rows inserted through AgentsRepository (SQLite in memory). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, migrate, type Store } from '../../../src/store/database.js';
import { AgentsRepository, type EnrolledAgent } from '../../../src/writeback/agents-repository.js';
import { configSchema } from '../../../src/config/schema.js';
import { defaultSsprPolicy } from '../../../src/policy/sspr-policy.js';
import { agentConnected, agentNetwork } from '../../../src/doctor/checks/writeback-checks.js';
import { agentFeatures } from '../../../src/doctor/checks/agent-features-check.js';
import { render } from '../../../src/doctor/doctor-text.js';
import type { ServiceFacts } from '../../../src/doctor/facts.js';

let store: Store;
let agents: AgentsRepository;
const NOW = 1_800_000_000_000;
const report = (connectErrors: Array<{ at: number; message: string }> = []) => ({
  directory: { reachable: true, encrypted: true, serviceBindOk: true, latencyMs: 3, policyHints: null },
  connectErrors,
});

function facts(mode: 'direct' | 'agent', list: Awaited<ReturnType<AgentsRepository['list']>>): ServiceFacts {
  const config = configSchema.parse({ writeback: { mode, heartbeatSeconds: 30 }, directory: { kind: 'ldap', url: 'ldaps://dc:636', bindDn: 'cn=s', bindPassword: 'p', baseDn: 'ou=u' } });
  return { now: NOW, config, policy: defaultSsprPolicy, availableTypes: ['email'], directoryKind: 'ldap', directoryAt: 'server', agents: list, probe: null, probeError: null, smtpConfigured: true, smsConfigured: false, mailServer: { status: 'reachable', at: NOW } };
}

before(async () => {
  store = openStore('sqlite::memory:', '/tmp');
  await migrate(store);
  agents = new AgentsRepository(store.db);
});
after(() => store.close());

describe('agent checks', () => {
  it('direct mode: both skip and say why', async () => {
    const f = facts('direct', await agents.list());
    assert.equal(agentConnected(f, 'ldap').status, 'skip');
    assert.equal(agentConnected(f, 'ldap').key, 'direct');
    assert.equal(agentNetwork(f, 'ldap').status, 'skip');
  });

  it('agent mode: no agent fails, a connected agent with a fresh heartbeat passes, a stale one fails', async () => {
    assert.equal(agentConnected(facts('agent', await agents.list()), 'ldap').key, 'none-enrolled');
    const agent = { id: 'a1', name: 'agent-1', directory: 'ldap', publicKey: 'pk', fingerprint: 'fp', identityKey: 'ik' } as EnrolledAgent;
    await agents.insert(agent, NOW - 600_000);
    assert.equal(agentConnected(facts('agent', await agents.list()), 'ldap').key, 'none-connected');
    await agents.markConnected('a1', 'node-1', NOW - 10_000, '1.0', 0, report());
    await agents.recordHeartbeat('a1', NOW - 10_000, 30, 0, report());
    assert.equal(agentConnected(facts('agent', await agents.list()), 'ldap').status, 'pass');
    await agents.recordHeartbeat('a1', NOW - 91_000, 30, 0, report());
    const stale = agentConnected(facts('agent', await agents.list()), 'ldap');
    assert.equal(stale.status, 'fail');
    assert.equal(stale.key, 'stale');
    await agents.recordHeartbeat('a1', NOW - 5_000, 30, 0, report());
    assert.equal(agentConnected(facts('agent', await agents.list()), 'ldap').status, 'pass');
  });

  it('agent-network: connect errors warn while connected, fail when not; clock skew > 60 s fails', async () => {
    assert.equal(agentNetwork(facts('agent', await agents.list()), 'ldap').status, 'pass');
    await agents.recordHeartbeat('a1', NOW - 5_000, 30, 0, report([{ at: NOW - 60_000, message: 'self-signed certificate in certificate chain' }]));
    const warned = agentNetwork(facts('agent', await agents.list()), 'ldap');
    assert.equal(warned.status, 'warn');
    assert.equal(warned.params?.error, 'self-signed certificate in certificate chain');
    await agents.markDisconnected('a1', 'node-1');
    assert.equal(agentNetwork(facts('agent', await agents.list()), 'ldap').status, 'fail');
    await agents.markConnected('a1', 'node-1', NOW - 1000, '1.0', 0, report());
    await agents.recordHeartbeat('a1', NOW - 1000, 30, 95_000, report());
    const skew = agentNetwork(facts('agent', await agents.list()), 'ldap');
    assert.equal(skew.status, 'fail');
    assert.equal(skew.key, 'clock-skew');
    await agents.recordHeartbeat('a1', NOW - 1000, 30, 200, report());
    assert.equal(agentNetwork(facts('agent', await agents.list()), 'ldap').status, 'pass');
  });

  it('agent-features: skips without connected agents, warns when none or some lack must-change, passes when all have it', async () => {
    assert.equal(agentFeatures(facts('direct', await agents.list()), 'ldap').key, 'direct');
    assert.equal(agentFeatures(facts('agent', await agents.list()), 'local').key, 'cloud-only');
    await agents.markConnected('a1', 'node-1', NOW - 1000, '1.0', 0, report(), 3, ['password-facts']);
    const none = agentFeatures(facts('agent', await agents.list()), null);
    assert.deepEqual({ status: none.status, key: none.key, agents: none.params?.agents }, { status: 'warn', key: 'must-change-none', agents: 'agent-1' });
    assert.match(render(none, 'en').fix, /^Update the agent \(agent-1\) to this version/);
    assert.match(render(none, 'en').evidence, /agent-1 \(password-facts\)/);

    await agents.insert({ id: 'a2', name: 'agent-2', directory: 'ldap', publicKey: 'pk2', fingerprint: 'fp2', identityKey: 'ik2' }, NOW - 600_000);
    await agents.markConnected('a2', 'node-2', NOW - 1000, '1.1', 0, report(), 3, ['password-facts', 'must-change']);
    const some = agentFeatures(facts('agent', await agents.list()), 'ldap');
    assert.deepEqual({ status: some.status, key: some.key, agents: some.params?.agents, count: some.params?.count }, { status: 'warn', key: 'must-change-some', agents: 'agent-1', count: 1 });
    assert.match(render(some, 'de').summary, /1 Agent für das ldap-Verzeichnis kann keine Änderung/);

    await agents.markConnected('a1', 'node-1', NOW - 1000, '1.1', 0, report(), 3, ['password-facts', 'must-change']);
    assert.equal(agentFeatures(facts('agent', await agents.list()), 'ldap').status, 'pass');
    // A stale agent does not count, whatever it announced: with no fresh agent there is nothing to compare.
    await agents.recordHeartbeat('a1', NOW - 600_000, 30, 0, report());
    await agents.recordHeartbeat('a2', NOW - 600_000, 30, 0, report());
    assert.equal(agentFeatures(facts('agent', await agents.list()), 'ldap').key, 'no-agents');
  });
});
