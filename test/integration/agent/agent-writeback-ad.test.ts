import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSambaAd, type SambaAd } from '../../support/samba-ad.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { verifiedResetFlow } from '../../support/reset-client.js';
import { postJson } from '../../support/json-client.js';
import { runCli } from '../../support/processes.js';
import { createEnrolmentToken, startAgentProcess, type AgentProcess } from '../../support/agent-process.js';
import { AdDirectory } from '../../../src/directory/ad/ad-directory.js';

/**
 * Agent mode against a real Active Directory (Samba AD DC, LDAPS only): the agent process carries the reset
 * (unicodePwd), a user's own change (history enforced by the DC), and refuses a protected account (Domain Admins
 * member) before any write, with Entra's 33004 in the audit trail. Samba binds 389/636: one DC per machine.
 */
describe('writeback through the agent (Samba AD)', () => {
  let ad: SambaAd;
  let smtp: SmtpSink;
  let svc: TestService;
  let agent: AgentProcess;
  let dataDir: string;
  let check: AdDirectory;

  before(async () => {
    ad = await startSambaAd();
    smtp = await SmtpSink.start();
    await ad.addUser('alice', 'Alice!Start1', { givenName: 'Alice', surname: 'Liddell', mail: 'alice@example.test' });
    await ad.addUser('boss', 'Boss!Start1', { mail: 'boss@example.test' });
    await ad.adminModify(`CN=Domain Admins,CN=Users,${ad.baseDn}`, [{ op: 'add', attribute: 'member', values: [`CN=boss,${ad.peopleOu}`] }]);
    const directory = { kind: 'ad', url: ad.ldapsUrl, bindUpn: ad.service.upn, bindPassword: ad.service.password, baseDn: ad.baseDn, caFile: ad.caFile, tlsServerName: ad.tlsServerName, timeoutMs: 5000 };
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-agent-ad-'));
    const serverEnv = { SSPR_DATA_DIR: dataDir, SSPR_DIRECTORY: JSON.stringify(directory), SSPR_WRITEBACK_MODE: 'agent' };
    const sync = runCli(['sync'], { env: serverEnv });
    assert.equal(sync.status, 0, sync.stderr);
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: serverEnv, dataDir });
    agent = startAgentProcess({ servers: [svc.baseUrl], directory, token: createEnrolmentToken(serverEnv, 'ad'), name: 'dc-agent' });
    await agent.connected();
    check = AdDirectory.fromConfig({ url: ad.ldapsUrl, bindUpn: ad.service.upn, bindPassword: ad.service.password, baseDn: ad.baseDn, caFile: ad.caFile, tlsServerName: ad.tlsServerName });
  });
  after(async () => {
    await agent?.stop();
    await check?.close();
    await svc?.close();
    await smtp?.close();
    await ad?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const verifiedFlow = (username: string) => verifiedResetFlow(svc.baseUrl, smtp, username, `${username}@example.test`);
  const directoryAccepts = async (username: string, password: string) => check.verifyPassword((await check.findAccount(username))!, password);

  it('resets an AD password through the agent (unicodePwd over LDAPS)', async () => {
    const flow = await verifiedFlow('alice');
    const answer = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Harbour!Lantern-71' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(await directoryAccepts('alice', 'Harbour!Lantern-71'), true);
    // (Samba keeps accepting the immediately previous password for simple binds for a while: see ad-directory.test.ts.)
  });

  it("a user's own change goes through the agent and the DC's history applies", async () => {
    const signIn = await postJson(svc.baseUrl, '/api/v1/session', { username: 'alice', password: 'Harbour!Lantern-71' });
    assert.equal(signIn.status, 200, 'sign-in bound to AD through the agent');
    const cookie = { cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0]! };
    const again = await postJson(svc.baseUrl, '/api/v1/me/password', { currentPassword: 'Harbour!Lantern-71', newPassword: 'Harbour!Lantern-71' }, { headers: cookie });
    assert.equal(again.status, 400, JSON.stringify(again.body));
    assert.equal(again.body.error.code, 'writeback-in-history');
    const changed = await postJson(svc.baseUrl, '/api/v1/me/password', { currentPassword: 'Harbour!Lantern-71', newPassword: 'Meadow#Quartz-2026' }, { headers: cookie });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(await directoryAccepts('alice', 'Meadow#Quartz-2026'), true);
  });

  it('refuses a protected account (Domain Admins) up front, with Entra 33004 in the trail', async () => {
    const flow = await verifiedFlow('boss');
    const answer = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Granite!Orchard-55' });
    assert.equal(answer.status, 403, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'writeback-protected-account');
    assert.equal(await directoryAccepts('boss', 'Boss!Start1'), true, 'nothing was written');
    const failure = (await svc.services.auditLog.list({ username: 'boss' })).find((e) => e.event === 'writeback.reset.failure');
    assert.equal(failure?.detail?.entraError, 33004);
  });
});
