import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { startSambaAd, type SambaAd } from '../../support/samba-ad.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { adminApi, verifyHelpdeskCaller } from '../../support/admin-api.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { runCli } from '../../support/processes.js';
import { createEnrolmentToken, startAgentProcess, type AgentProcess } from '../../support/agent-process.js';

/**
 * "Must change at next sign-in" from the helpdesk through the real agent against a real Active Directory (Samba AD
 * DC, LDAPS; the delegated service account holds "write pwdLastSet" on OU=People): an agent that does not announce
 * 'must-change' makes the reset a 409 with pwdLastSet untouched; one that does leaves pwdLastSet = 0, so a bind with
 * the temporary password is refused with AD's "must change" (data 773) — as the direct AD tests show for direct mode.
 * Samba binds 389/636: one DC per machine.
 */
describe('helpdesk "must change at next sign-in" through the agent (Samba AD)', () => {
  let ad: SambaAd;
  let smtp: SmtpSink;
  let svc: TestService;
  let dataDir: string;
  let serverEnv: Record<string, string>;
  let directory: Record<string, unknown>;
  let token: string;
  const agents: AgentProcess[] = [];
  const dnOf: Record<string, string> = {};

  before(async () => {
    ad = await startSambaAd();
    smtp = await SmtpSink.start();
    for (const name of ['tina', 'uwe']) dnOf[name] = await ad.addUser(name, `${name[0]?.toUpperCase()}${name.slice(1)}!Start-2026`, { mail: `${name}@example.test` });
    directory = { kind: 'ad', url: ad.ldapsUrl, bindUpn: ad.service.upn, bindPassword: ad.service.password, baseDn: ad.baseDn, caFile: ad.caFile, tlsServerName: ad.tlsServerName, timeoutMs: 5000 };
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-agent-ad-must-change-'));
    serverEnv = { SSPR_DATA_DIR: dataDir, SSPR_DIRECTORY: JSON.stringify(directory), SSPR_WRITEBACK_MODE: 'agent', SSPR_WRITEBACK_JOB_TIMEOUT_SECONDS: '8' };
    const sync = runCli(['sync'], { env: serverEnv });
    assert.equal(sync.status, 0, sync.stderr);
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: serverEnv, dataDir });
    token = (await svc.services.adminTokens.create('helpdesk AD test')).token;
  });
  after(async () => {
    for (const agent of agents) await agent.stop().catch(() => undefined);
    await svc?.close();
    await smtp?.close();
    await ad?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const api = adminApi(() => ({ baseUrl: svc.baseUrl, token }));
  const startAgent = async (name: string, env: Record<string, string> = {}) => {
    const agent = startAgentProcess({ servers: [svc.baseUrl], directory, token: createEnrolmentToken(serverEnv, 'ad'), name, env });
    agents.push(agent);
    await agent.connected();
    return agent;
  };
  const verifyCaller = (username: string) => verifyHelpdeskCaller(api, smtp, username, `${username}@example.test`);
  /** Runs `act` bound as Administrator over LDAPS. */
  const asAdmin = async <T>(act: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url: ad.ldapsUrl, tlsOptions: { ca: await readFile(ad.caFile), servername: ad.tlsServerName } });
    try {
      await client.bind(ad.admin.upn, ad.admin.password);
      return await act(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  const pwdLastSet = (name: string) => asAdmin(async (client) => String((await client.search(dnOf[name]!, { scope: 'base', attributes: ['pwdLastSet'] })).searchEntries[0]?.pwdLastSet));
  /** A simple bind as the user: 'ok', or the AD sub-code of the refusal (773 must change, 52e wrong password …). */
  const bindAs = async (name: string, password: string): Promise<string> => {
    const client = new Client({ url: ad.ldapsUrl, tlsOptions: { ca: await readFile(ad.caFile), servername: ad.tlsServerName } });
    try {
      await client.bind(dnOf[name]!, password);
      return 'ok';
    } catch (error) {
      return /data ([0-9a-f]{3})/.exec((error as Error).message)?.[1] ?? (error as Error).message;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  it('an agent without must-change: 409 before anything is written, pwdLastSet untouched', async () => {
    await startAgent('old-dc-agent', { SSPR_AGENT_FEATURES: 'password-facts' });
    const before = await pwdLastSet('tina');
    assert.notEqual(before, '0');
    assert.equal((await api('GET', 'helpdesk/tina')).body.mustChangeUnsupported, 'agentTooOld');
    await verifyCaller('tina');
    const refused = await api('POST', 'helpdesk/tina/reset', { mustChange: true });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'writeback-must-change-unsupported');
    assert.equal(await pwdLastSet('tina'), before);
    assert.equal(await bindAs('tina', 'Tina!Start-2026'), 'ok', 'the password is unchanged');
    const doctor = (await svc.services.doctor.diagnoseService('en')).checks.find((c) => c.id === 'agent-features');
    assert.equal(doctor?.status, 'warn', JSON.stringify(doctor));
  });

  it('an agent with must-change: pwdLastSet = 0 through the agent, and a bind with the temporary password says "must change" (773)', async () => {
    for (const agent of agents.splice(0)) await agent.stop();
    await startAgent('dc-agent');
    assert.equal((await api('GET', 'helpdesk/uwe')).body.mustChangeSupported, true);
    await verifyCaller('uwe');
    const reset = await api('POST', 'helpdesk/uwe/reset', { mustChange: true });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.equal(reset.body.mustChange, true);
    assert.equal(await pwdLastSet('uwe'), '0');
    assert.equal(await bindAs('uwe', reset.body.temporaryPassword), '773');
    assert.notEqual(await bindAs('uwe', 'Uwe!Start-2026'), 'ok', 'the old password is gone');
    const success = (await svc.services.auditLog.list({ username: 'uwe' })).filter((e) => e.event === 'writeback.admin-reset.success').at(-1);
    assert.equal(success?.detail?.mode, 'agent');

    // Without the option the same agent leaves the flag cleared (pwdLastSet = -1 → the DC stores the current time).
    await verifyCaller('uwe');
    const plain = await api('POST', 'helpdesk/uwe/reset', { mustChange: false });
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    assert.notEqual(await pwdLastSet('uwe'), '0');
    assert.equal(await bindAs('uwe', plain.body.temporaryPassword), 'ok');
  });
});
