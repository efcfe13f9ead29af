/**
 * Agent mode without a server-side directory: the agent reads ppolicy's expiry facts and relays them in its sync
 * (the server asks for them with `facts: true`, announced by the agent's 'password-facts' feature), so the
 * reminders work the same as with a directory of the server's own.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ldapsDirectory, startSlapd, type Slapd } from '../../support/slapd.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { createEnrolmentToken, startAgentProcess, type AgentProcess } from '../../support/agent-process.js';
import { ManualClock } from '../../support/manual-clock.js';
import { runServiceSync } from '../../../src/app/service-sync.js';

const DAY = 86_400_000;

describe('expiry facts relayed by the agent', () => {
  let slapd: Slapd;
  let svc: TestService;
  let agent: AgentProcess;
  let dataDir: string;
  const clock = new ManualClock(Date.now());

  before(async () => {
    slapd = await startSlapd();
    await slapd.modifyAsRoot(slapd.policyDn, { pwdMaxAge: String(20 * 86_400) });
    const boss = await slapd.addUser({ uid: 'boss', password: 'Boss-Pass-1234', mail: 'boss@example.org' });
    await slapd.addUser({ uid: 'amy', password: 'Amy-Pass-1234', mail: 'amy@example.org' });
    await slapd.modifyAsRoot(`uid=amy,${slapd.usersDn}`, { manager: boss });
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-relay-facts-'));
    const serverEnv = { SSPR_DATA_DIR: dataDir, SSPR_WRITEBACK_MODE: 'agent' };
    svc = await startTestService({ dialect: 'sqlite', env: serverEnv, dataDir, clock });
    agent = startAgentProcess({ servers: [svc.baseUrl], directory: ldapsDirectory(slapd), token: createEnrolmentToken(serverEnv, 'ldap') });
    await agent.connected();
  });
  after(async () => {
    await agent?.stop();
    await svc?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores the expiry and the manager the agent read, and the reminder run finds them', async () => {
    const summary = await runServiceSync(svc.services, { full: true });
    assert.equal(summary.accounts.created, 2);
    const amy = await svc.services.store.db.selectFrom('users').select(['password_changed_at', 'password_expires_at', 'manager_dn']).where('username', '=', 'amy').executeTakeFirstOrThrow();
    assert.ok(amy.password_changed_at !== null);
    assert.equal(amy.password_expires_at, amy.password_changed_at + 20 * DAY);
    assert.equal(amy.manager_dn?.toLowerCase(), `uid=boss,${slapd.usersDn}`);
    clock.advance(amy.password_changed_at + 18 * DAY - clock.now());
    const report = await svc.services.reminders.expiry.run({ dryRun: true });
    assert.deepEqual(report.notices.map((n) => [n.username, n.interval, n.state]).sort(), [['amy', 3, 'due'], ['boss', 3, 'due']]);
  });
});
