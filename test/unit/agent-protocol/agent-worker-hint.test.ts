import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentWorker } from '../../../src/agent/agent-worker.js';
import { loadAgentPrivateKey } from '../../../src/writeback/agent-protocol/agent-keys.js';
import { sealForAgent } from '../../../src/writeback/agent-protocol/sealed-password.js';
import type { OnPremAccount, OnPremDirectory } from '../../../src/directory/onprem/onprem-directory.js';
import { NOW, resetPayload, testKeys } from './fixtures.js';

function account(username: string, anchor: string): OnPremAccount {
  return {
    dn: `uid=${username},ou=users`, anchor, username, displayName: username, firstName: '', lastName: '', email: null, mobile: null, enabled: true, locked: false,
    mustChangePassword: false, passwordExpired: false, accountExpired: false, passwordNeverExpires: false, protectedAccount: false, memberOf: [],
  };
}

/** A directory of two accounts that records the order of look-ups and writes. */
function fakeDirectory(accounts: OnPremAccount[]) {
  const log: string[] = [];
  const directory = {
    kind: 'ldap',
    findAccount: (username: string) => {
      log.push(`find ${username}`);
      return new Promise<OnPremAccount | null>((resolve) => setTimeout(() => resolve(accounts.find((a) => a.username === username) ?? null), 5));
    },
    resetPassword: (found: OnPremAccount, password: string) => {
      log.push(`reset ${found.dn} ${password}`);
      return Promise.resolve();
    },
  } as unknown as OnPremDirectory;
  return { directory, log };
}

describe('agent worker: account hint (feature account-hint)', () => {
  it('looks the hinted account up before opening and writes the sealed account once', async () => {
    const { agent } = await testKeys();
    const lena = account('lena', '6b1f0c1e-1111-4a4a-8a8a-000000000001');
    const { directory, log } = fakeDirectory([lena]);
    const payload = resetPayload({ account: { username: 'lena', anchor: lena.anchor } });
    const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW);
    const worker = new AgentWorker(directory, loadAgentPrivateKey(agent.privateKeyPem));
    const result = await worker.execute({ type: 'job', jobId: payload.jobId, envelope, deadline: payload.notAfter, account: { username: 'lena', anchor: lena.anchor } }, NOW);
    assert.deepEqual(result, { type: 'result', jobId: payload.jobId, outcome: 'success' });
    assert.deepEqual(log, ['find lena', `reset ${lena.dn} ${payload.newPassword}`]);
  });

  it('never writes the hinted account when the hint differs from the sealed one (name or anchor)', async () => {
    const { agent } = await testKeys();
    const lena = account('lena', '6b1f0c1e-1111-4a4a-8a8a-000000000001');
    const mallory = account('mallory', '6b1f0c1e-1111-4a4a-8a8a-000000000002');
    for (const hint of [{ username: 'mallory', anchor: mallory.anchor }, { username: 'lena', anchor: null }]) {
      const { directory, log } = fakeDirectory([lena, mallory]);
      const payload = resetPayload({ account: { username: 'lena', anchor: lena.anchor } });
      const envelope = await sealForAgent(agent.publicKeyPem, payload, NOW);
      const worker = new AgentWorker(directory, loadAgentPrivateKey(agent.privateKeyPem));
      const result = await worker.execute({ type: 'job', jobId: payload.jobId, envelope, deadline: payload.notAfter, account: hint }, NOW);
      assert.equal(result.outcome, 'success');
      assert.deepEqual(log.filter((line) => line.startsWith('reset')), [`reset ${lena.dn} ${payload.newPassword}`]);
      assert.ok(log.includes('find lena'), 'the sealed account is looked up itself');
    }
  });

  it('a failed early look-up of an envelope that does not open is no unhandled rejection; the refusal is reported', async () => {
    const { agent, other } = await testKeys();
    const { directory, log } = fakeDirectory([]);
    const payload = resetPayload();
    const envelope = await sealForAgent(other.publicKeyPem, payload, NOW);
    const worker = new AgentWorker(directory, loadAgentPrivateKey(agent.privateKeyPem));
    const result = await worker.execute({ type: 'job', jobId: payload.jobId, envelope, deadline: payload.notAfter, account: { username: 'ghost', anchor: null } }, NOW);
    assert.equal(result.outcome, 'failure');
    assert.equal(result.reason, 'access-denied');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(log, ['find ghost']);
  });
});
