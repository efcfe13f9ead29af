/** agent-connected / agent-network from agent rows inserted through AgentsRepository (SQLite in memory). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, migrate, type Store } from '../../../src/store/database.js';
import { AgentsRepository, type EnrolledAgent } from '../../../src/writeback/agents-repository.js';
import { configSchema } from '../../../src/config/schema.js';
import { defaultSsprPolicy } from '../../../src/policy/sspr-policy.js';
import { agentConnected, agentNetwork } from '../../../src/doctor/checks/writeback-checks.js';
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
});
