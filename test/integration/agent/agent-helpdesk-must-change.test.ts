import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { startSlapd, type Slapd } from '../../support/slapd.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { adminApi, verifyHelpdeskCaller } from '../../support/admin-api.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { runCli } from '../../support/processes.js';
import { createEnrolmentToken, startAgentProcess, type AgentProcess } from '../../support/agent-process.js';
import { FormClient } from '../../support/form-client.js';
import { signInToConsole } from '../../support/console-step-up.js';
import { hashPassword } from '../../../src/crypto/password-hash.js';
import { LdapDirectory } from '../../../src/directory/ldap/ldap-directory.js';
import { SsprError } from '../../../src/errors/sspr-error.js';

/**
 * "Must change at next sign-in" from the helpdesk through the real agent against a real OpenLDAP (ppolicy with
 * pwdMustChange): an agent that does not announce 'must-change' (as one from before the feature) gets jobs
 * without the field and the operator a plain refusal before anything changes — on the page (option disabled with
 * the reason) and in the API (409 writeback-must-change-unsupported), audited with its cause, and the doctor warns;
 * a queued job that needs the feature is never handed to an agent whose current connection lacks it, whatever the
 * stored row said when it was sealed; a cloud-only account is refused by the account directory itself; an agent
 * that announces it leaves pwdReset TRUE, so a bind with the temporary password is restricted to changing it
 * (ppolicy changeAfterReset). The agents' features are read at most once per reset.
 */
describe('helpdesk "must change at next sign-in" through the agent (OpenLDAP)', () => {
  let slapd: Slapd;
  let smtp: SmtpSink;
  let svc: TestService;
  let dataDir: string;
  let serverEnv: Record<string, string>;
  let directory: Record<string, unknown>;
  let check: LdapDirectory;
  let token: string;
  const agents: AgentProcess[] = [];

  before(async () => {
    slapd = await startSlapd();
    smtp = await SmtpSink.start();
    for (const uid of ['lena', 'karl']) await slapd.addUser({ uid, password: `Original-Pass-${uid}`, givenName: uid, sn: 'Test', mail: `${uid}@example.org` });
    // ppolicy restricts a session bound after an administrative reset only when the policy says so.
    await slapd.asRoot((client) => client.modify(slapd.policyDn, new Change({ operation: 'add', modification: new Attribute({ type: 'pwdMustChange', values: ['TRUE'] }) })));
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-agent-must-change-'));
    directory = { kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn, timeoutMs: 3000 };
    serverEnv = { SSPR_DATA_DIR: dataDir, SSPR_DIRECTORY: JSON.stringify(directory), SSPR_WRITEBACK_MODE: 'agent', SSPR_WRITEBACK_JOB_TIMEOUT_SECONDS: '6' };
    assert.equal(runCli(['sync'], { env: serverEnv }).status, 0);
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: serverEnv, dataDir });
    token = (await svc.services.adminTokens.create('helpdesk test')).token;
    check = LdapDirectory.fromConfig({ url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn });
  });
  after(async () => {
    for (const agent of agents) await agent.stop().catch(() => undefined);
    await check?.close();
    await svc?.close();
    await smtp?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = adminApi(() => ({ baseUrl: svc.baseUrl, token }));
  const startAgent = async (name: string, env: Record<string, string> = {}) => {
    const agent = startAgentProcess({ servers: [svc.baseUrl], directory, token: createEnrolmentToken(serverEnv, 'ldap'), name, env });
    agents.push(agent);
    await agent.connected();
    return agent;
  };
  const verifyCaller = (username: string) => verifyHelpdeskCaller(api, smtp, username, `${username}@example.org`);
  /** The entry's pwdReset value, or null when it has none. */
  const pwdResetOf = (uid: string) => slapd.asRoot(async (client) => {
    const value = (await client.search(`uid=${uid},${slapd.usersDn}`, { scope: 'base', attributes: ['pwdReset'] })).searchEntries[0]?.pwdReset;
    return value === undefined || (Array.isArray(value) && value.length === 0) ? null : value;
  });
  /** Counts the reads of the stored agents' features (AgentsRepository.connectedFor) while `act` runs. */
  const featureReads = async <T>(act: () => Promise<T>): Promise<{ result: T; reads: number }> => {
    const agentsRepository = svc.services.writeback.agents;
    const original = agentsRepository.connectedFor;
    let reads = 0;
    agentsRepository.connectedFor = (...args) => {
      reads++;
      return original.apply(agentsRepository, args);
    };
    try {
      return { result: await act(), reads };
    } finally {
      agentsRepository.connectedFor = original;
    }
  };
  const lastEvent = async (username: string, event: string) => (await svc.services.auditLog.list({ username })).filter((e) => e.event === event).at(-1);
  const directoryAccepts = async (username: string, password: string) => check.verifyPassword((await check.findAccount(username))!, password).catch(() => false);
  /** Binds as the user and reads its own entry: the error text when ppolicy restricts the session. */
  const sessionAfterBind = async (uid: string, password: string): Promise<string> => {
    const client = new Client({ url: slapd.ldapsUrl, tlsOptions: { ca: [readFileSync(slapd.caFile)] } });
    try {
      await client.bind(`uid=${uid},${slapd.usersDn}`, password);
      await client.search(`uid=${uid},${slapd.usersDn}`, { scope: 'base', attributes: ['uid'] });
      return 'unrestricted';
    } catch (error) {
      return `${(error as { code?: number }).code ?? '?'}: ${(error as Error).message}`;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  it('an agent that does not announce must-change: the API says so beforehand and refuses (409) without changing anything', async () => {
    const old = await startAgent('old-agent', { SSPR_AGENT_FEATURES: 'password-facts' });
    const info = await api('GET', 'helpdesk/lena');
    assert.equal(info.body.mustChangeSupported, false);
    assert.equal(info.body.mustChangeUnsupported, 'agentTooOld');

    await verifyCaller('lena');
    const { result: refused, reads } = await featureReads(() => api('POST', 'helpdesk/lena/reset', { mustChange: true }, { 'accept-language': 'de' }));
    assert.equal(reads, 1, 'one read of the stored agents decides the refusal');
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'writeback-must-change-unsupported');
    assert.match(refused.body.error.message, /Es wurde nichts geändert: Die Agents.*zu alt/);
    assert.equal(await directoryAccepts('lena', 'Original-Pass-lena'), true, 'nothing changed');
    assert.equal(await pwdResetOf('lena'), null);
    const audited = await lastEvent('lena', 'admin-reset-password');
    assert.equal(audited?.outcome, 'failure');
    assert.deepEqual(
      { reason: audited?.detail?.reason, cause: audited?.detail?.cause, mustChange: audited?.detail?.mustChange, path: audited?.detail?.path },
      { reason: 'writeback-must-change-unsupported', cause: 'agent-lacks-must-change', mustChange: true, path: 'helpdesk-reset' },
    );

    const doctor = (await svc.services.doctor.diagnoseService('en')).checks.find((c) => c.id === 'agent-features');
    assert.equal(doctor?.status, 'warn', JSON.stringify(doctor));
    assert.match(doctor?.summary ?? '', /No agent connected for the ldap directory can require a change at next sign-in \(old-agent\)/);
    assert.match(doctor?.fix ?? '', /^Update the agent \(old-agent\)/);
    assert.match(doctor?.evidence ?? '', /old-agent \(password-facts\)/);

    // The window stays open: the same operator resets without the option; the agent's job carries no flag.
    const plain = await api('POST', 'helpdesk/lena/reset', { mustChange: false });
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    assert.equal(plain.body.mustChange, false);
    assert.equal(await directoryAccepts('lena', plain.body.temporaryPassword), true);
    assert.equal(await pwdResetOf('lena'), null);
    assert.doesNotMatch(old.output(), /sealed job refused/);

    const listed = (await api('GET', 'directory')).body.agents as Array<{ name: string; features: string[] | null }>;
    assert.deepEqual(listed.find((a) => a.name === 'old-agent')?.features, ['password-facts']);
  });

  it('a queued job that needs must-change is not handed to an agent whose current connection lacks it (stale stored features)', async () => {
    // The stored row says what the agent announced when a node sealed for it; the agent may have reconnected with
    // fewer features since (pinned, or an older build). Make the row say 'must-change' while the connected agent
    // does not: the job is sealed for it and queued, and the pick-up must still refuse to hand it over.
    await svc.services.store.db.updateTable('agents').set({ features: JSON.stringify(['password-facts', 'must-change']) }).where('name', '=', 'old-agent').execute();
    await verifyCaller('lena');
    const before = await lastEvent('lena', 'admin-reset-password');
    const reset = await api('POST', 'helpdesk/lena/reset', { mustChange: true });
    assert.equal(reset.status, 503, JSON.stringify(reset.body));
    assert.equal(reset.body.error.code, 'writeback-no-agent');
    assert.equal(await pwdResetOf('lena'), null, 'the agent never got the job');
    const job = await svc.services.store.db.selectFrom('writeback_jobs').selectAll().where('username', '=', 'lena').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual({ state: job.state, reason: job.reason, agent: job.agent_id, features: job.features }, { state: 'failed', reason: 'not-dispatched', agent: null, features: '["must-change"]' });
    const audited = await lastEvent('lena', 'admin-reset-password');
    assert.notEqual(audited?.id, before?.id);
    assert.deepEqual({ outcome: audited?.outcome, reason: audited?.detail?.reason }, { outcome: 'failure', reason: 'writeback-no-agent' });
    await svc.services.store.db.updateTable('agents').set({ features: JSON.stringify(['password-facts']) }).where('name', '=', 'old-agent').execute();
  });

  it('a cloud-only account: the account directory itself refuses must-change, for every origin, and the helpdesk refusal is audited', async () => {
    const user = await svc.services.users.add({ username: 'cleo', passwordHash: await hashPassword('Cloud only passphrase 5') });
    await assert.rejects(
      svc.services.directory.resetPassword(user, 'Another passphrase 66', 'admin-reset', { mustChange: true }),
      (error: unknown) => error instanceof SsprError && error.code === 'writeback-must-change-unsupported' && (error.params as { reason?: string }).reason === 'cloudOnly',
    );
    assert.ok(await svc.services.directory.authenticate('cleo', 'Cloud only passphrase 5'), 'nothing changed');

    assert.equal((await api('POST', 'helpdesk/cleo/reason', { reason: 'Known in person, badge checked' })).status, 200);
    const refused = await api('POST', 'helpdesk/cleo/reset', { mustChange: true });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'writeback-must-change-unsupported');
    const audited = await lastEvent('cleo', 'admin-reset-password');
    assert.deepEqual({ outcome: audited?.outcome, reason: audited?.detail?.reason, cause: audited?.detail?.cause }, { outcome: 'failure', reason: 'writeback-must-change-unsupported', cause: 'cloud-only' });
    assert.ok(await svc.services.directory.authenticate('cleo', 'Cloud only passphrase 5'), 'nothing changed');
  });

  it('the console shows it too: the option disabled with the reason, and the agent lacking the capability', async () => {
    await svc.services.users.add({ username: 'desk-admin', email: 'desk-admin@example.org', isAdmin: true, passwordHash: await hashPassword('desk admin passphrase 1') });
    const browser = new FormClient(svc.baseUrl);
    await signInToConsole(svc.services, svc.baseUrl, browser, 'desk-admin', 'desk admin passphrase 1');
    const page = await browser.get('/admin/helpdesk/karl');
    assert.equal(page.response.status, 200);
    assert.match(page.text, /<input type="checkbox" id="hd-must-change" disabled aria-describedby="hd-must-change-why">/);
    assert.match(page.text, /id="hd-must-change-why">Not available for this account: the agents that write to its directory are too old/);
    const agentsPage = await browser.get('/admin/directory');
    assert.match(agentsPage.text, /<td class="agent-features"[^>]*>password expiry facts<br><span class="lacks-must-change">Cannot require a change at next sign-in: update this agent.<\/span><\/td>/);
  });

  it('an agent that announces it: the reset leaves pwdReset TRUE and a bind with the temporary password may only change it', async () => {
    for (const agent of agents.splice(0)) await agent.stop();
    await startAgent('new-agent');
    const info = await api('GET', 'helpdesk/karl');
    assert.equal(info.body.mustChangeSupported, true, JSON.stringify(info.body));
    assert.equal(info.body.mustChangeUnsupported, null);

    await verifyCaller('karl');
    const { result: reset, reads } = await featureReads(() => api('POST', 'helpdesk/karl/reset', { mustChange: true }));
    assert.equal(reads, 0, 'an able agent on this node is known without reading the stored agents');
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.equal(reset.body.mustChange, true);
    const temporary: string = reset.body.temporaryPassword;
    assert.equal(await pwdResetOf('karl'), 'TRUE');
    assert.equal((await check.findAccount('karl'))?.mustChangePassword, true);
    assert.match(await sessionAfterBind('karl', temporary), /^50: .*restricted to bind\/unbind\/abandon\/StartTLS\/modify password/);
    const success = (await svc.services.auditLog.list({ username: 'karl' })).find((e) => e.event === 'writeback.admin-reset.success');
    assert.equal(success?.detail?.mode, 'agent');
    assert.equal((await svc.services.auditLog.list({ username: 'karl' })).find((e) => e.event === 'admin-reset-password')?.detail?.mustChange, true);

    const listed = (await api('GET', 'directory')).body.agents as Array<{ name: string; features: string[] | null }>;
    assert.deepEqual(listed.find((a) => a.name === 'new-agent')?.features, ['password-facts', 'must-change', 'account-hint']);
    const doctor = (await svc.services.doctor.diagnoseService('en')).checks.find((c) => c.id === 'agent-features');
    assert.equal(doctor?.status, 'pass', JSON.stringify(doctor));
  });
});
