import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ldapsDirectory, startSlapd, type Slapd } from '../../support/slapd.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { verifiedResetFlow } from '../../support/reset-client.js';
import { postJson } from '../../support/json-client.js';
import { createAdminToken, runCli } from '../../support/processes.js';
import { createEnrolmentToken, startAgentProcess, type AgentProcess } from '../../support/agent-process.js';

/**
 * The whole "cloud" deployment: the server has no `directory` section and never connects to the directory;
 * the agent reads it for the sync (relayed pages, nested groups, incremental) and carries the reset.
 */
describe('agent mode with no server-side directory: relayed sync + writeback', () => {
  let slapd: Slapd;
  let smtp: SmtpSink;
  let svc: TestService;
  let agent: AgentProcess;
  let dataDir: string;
  let token: string;

  before(async () => {
    slapd = await startSlapd();
    smtp = await SmtpSink.start();
    for (let i = 0; i < 1203; i++) await slapd.addUser({ uid: `u${i}`, password: `Original-Pass-${i}`, mail: `u${i}@example.org` });
    await slapd.addEntry(`cn=staff,${slapd.usersDn}`, { objectClass: 'groupOfNames', cn: 'staff', member: `uid=u1,${slapd.usersDn}` });
    await slapd.addEntry(`cn=everyone,${slapd.usersDn}`, { objectClass: 'groupOfNames', cn: 'everyone', member: `cn=staff,${slapd.usersDn}` });
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-relay-'));
    const serverEnv = { SSPR_DATA_DIR: dataDir, SSPR_WRITEBACK_MODE: 'agent' };
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: serverEnv, dataDir });
    agent = startAgentProcess({ servers: [svc.baseUrl], directory: ldapsDirectory(slapd), token: createEnrolmentToken(serverEnv, 'ldap') });
    await agent.connected();
    token = createAdminToken(serverEnv);
  });
  after(async () => {
    await agent?.stop();
    await svc?.close();
    await smtp?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const sync = (body: Record<string, unknown> = {}) => postJson(svc.baseUrl, '/api/v1/admin/sync', body, { headers: { authorization: `Bearer ${token}` } });

  it('imports every user and nested group through the agent (more than two pages), then runs incrementally', async () => {
    const first = await sync();
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.summary.mode, 'full');
    assert.equal(first.body.summary.kind, 'ldap');
    assert.equal(first.body.summary.accounts.created, 1203);
    assert.equal((await svc.services.users.get('u1202')).email, 'u1202@example.org');
    assert.equal(first.body.summary.groups.created, 2);
    const groups = await svc.services.groups.groupsOfUser((await svc.services.users.get('u1')).id);
    assert.deepEqual([...groups].sort(), ['everyone', 'staff'], 'nested membership arrives through the relay');
    await slapd.modifyAsRoot(`uid=u7,${slapd.usersDn}`, { mail: 'u7.new@example.org' });
    await new Promise((r) => setTimeout(r, 1100));
    const second = await sync();
    assert.equal(second.body.summary.mode, 'incremental');
    assert.equal(second.body.summary.accounts.updated, 1);
    assert.equal((await svc.services.users.get('u7')).email, 'u7.new@example.org');
  });

  it('needs an administrator, and `sspr sync` on the server explains where the sync runs', async () => {
    assert.equal((await postJson(svc.baseUrl, '/api/v1/admin/sync', {})).status, 401);
    const cli = runCli(['sync'], { env: { SSPR_DATA_DIR: dataDir, SSPR_WRITEBACK_MODE: 'agent' } });
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /in agent mode the agent reads it/);
  });

  it('a synced user resets through the agent; the server never had a directory connection', async () => {
    assert.equal(svc.services.onprem, null);
    const flow = await verifiedResetFlow(svc.baseUrl, smtp, 'u3', 'u3@example.org');
    const done = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Cedar harbour lantern 4' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
  });

  it('a helpdesk reset through the admin API writes back through the agent, audited as an admin reset', async () => {
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const weak = await postJson(svc.baseUrl, '/api/v1/admin/users/u4/password', { password: 'password1' }, auth);
    assert.equal(weak.status, 400);
    assert.equal(weak.body.error.code, 'password-rejected');
    assert.equal((await postJson(svc.baseUrl, '/api/v1/admin/users/nobody/password', { password: 'Cedar harbour lantern 4' }, auth)).status, 404);
    assert.equal((await postJson(svc.baseUrl, '/api/v1/admin/users/u4/password', { password: 'Cedar harbour lantern 4' })).status, 401);
    const done = await postJson(svc.baseUrl, '/api/v1/admin/users/u4/password', { password: 'Quiet meadow copper 8' }, auth);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const trail = await svc.services.auditLog.list({ username: 'u4' });
    assert.ok(trail.some((e) => e.event === 'writeback.admin-reset.success' && e.detail?.entraEvent === 31010));
    assert.ok(trail.some((e) => e.event === 'admin-reset-password' && e.detail?.writtenBack === true));
    assert.equal((await postJson(svc.baseUrl, '/api/v1/session', { username: 'u4', password: 'Quiet meadow copper 8' })).status, 200, 'the directory has it');
  });
});
