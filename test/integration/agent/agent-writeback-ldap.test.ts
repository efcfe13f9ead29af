import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd, type Slapd } from '../../support/slapd.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { verifiedResetFlow } from '../../support/reset-client.js';
import { postJson } from '../../support/json-client.js';
import { runCli, runCliAsync } from '../../support/processes.js';
import { createEnrolmentToken, startAgentProcess, type AgentProcess } from '../../support/agent-process.js';
import { LdapDirectory } from '../../../src/directory/ldap/ldap-directory.js';

/**
 * Agent mode against a real OpenLDAP (ppolicy): the server never talks to the directory for writes; the real
 * `sspr agent` process enrols with a one-time token, connects outbound and carries every reset. Covers: no agent
 * online, enrolment, reset / sign-in / refusals through the agent, two agents sharing the work, kill -9 of the
 * agent mid-job, and the directory crashing mid-job — each ending in a definite answer and a truthful audit trail.
 */
describe('writeback through the agent (OpenLDAP)', () => {
  let slapd: Slapd;
  let smtp: SmtpSink;
  let svc: TestService;
  let dataDir: string;
  let serverEnv: Record<string, string>;
  let directory: Record<string, unknown>;
  let check: LdapDirectory;
  const agents: AgentProcess[] = [];

  before(async () => {
    slapd = await startSlapd();
    smtp = await SmtpSink.start();
    for (const [uid, given] of [['lena', 'Lena'], ['karl', 'Karl'], ['mira', 'Mira'], ['otto', 'Otto']] as const) {
      await slapd.addUser({ uid, password: `Original-Pass-${uid}`, givenName: given, sn: 'Test', mail: `${uid}@example.org` });
    }
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-agent-mode-'));
    directory = { kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn, timeoutMs: 3000 };
    serverEnv = { SSPR_DATA_DIR: dataDir, SSPR_DIRECTORY: JSON.stringify(directory), SSPR_WRITEBACK_MODE: 'agent', SSPR_WRITEBACK_JOB_TIMEOUT_SECONDS: '6' };
    assert.equal(runCli(['sync'], { env: serverEnv }).status, 0);
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: serverEnv, dataDir });
    check = LdapDirectory.fromConfig({ url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn });
  });
  after(async () => {
    for (const agent of agents) await agent?.stop().catch(() => undefined);
    await check?.close();
    await svc?.close();
    await smtp?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const verifiedFlow = (username: string) => verifiedResetFlow(svc.baseUrl, smtp, username, `${username}@example.org`);
  const directoryAccepts = async (username: string, password: string) => {
    const account = await check.findAccount(username);
    return check.verifyPassword(account!, password);
  };
  const startAgent = async (name: string) => {
    const agent = startAgentProcess({ servers: [svc.baseUrl], directory, token: createEnrolmentToken(serverEnv, 'ldap'), name });
    agents.push(agent);
    await agent.connected();
    return agent;
  };
  const waitForJob = async (state: string) => {
    for (let i = 0; i < 200; i++) {
      const row = await svc.services.store.db.selectFrom('writeback_jobs').selectAll().where('state', '=', state).orderBy('created_at', 'desc').executeTakeFirst();
      if (row) return row;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no job reached ${state}`);
  };
  const events = async (username: string) => (await svc.services.auditLog.list({ username })).map((e) => e.event);

  it('with no agent online a reset fails at once with a clear error and changes nothing', async () => {
    const flow = await verifiedFlow('lena');
    const started = Date.now();
    const answer = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Fjord lantern meadow 7' });
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error.code, 'writeback-no-agent');
    assert.ok(Date.now() - started < 1500, 'no waiting for a deadline');
    assert.equal(await directoryAccepts('lena', 'Original-Pass-lena'), true);
  });

  it('refuses a used, unknown or malformed enrolment token without saying which', async () => {
    const token = createEnrolmentToken(serverEnv, 'ldap');
    const first = startAgentProcess({ servers: [svc.baseUrl], directory, token, name: 'first' });
    agents.push(first);
    await first.connected();
    const reuse = await runCliAsync(['agent', 'enrol', '--token', token], {
      SSPR_AGENT_SERVER: svc.baseUrl, SSPR_AGENT_DATA_DIR: mkdtempSync(join(tmpdir(), 'sspr-agent-x-')), SSPR_AGENT_DIRECTORY: JSON.stringify(directory),
    });
    assert.equal(reuse.status, 1);
    assert.match(reuse.stderr, /enrolment refused \(HTTP 401\): This enrolment token is not valid/);
    const wrongKind = await postJson(svc.baseUrl, '/api/v1/agent/enrol', { token: createEnrolmentToken(serverEnv, 'ad'), name: 'x', directory: 'ldap', sealingKey: 'k', identityKey: 'k' });
    assert.equal(wrongKind.status, 401);
    const malformed = await postJson(svc.baseUrl, '/api/v1/agent/enrol', { token: 'x', name: 'x', directory: 'ldap', sealingKey: 'k', identityKey: 'k', extra: 1 });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error.message, /unexpected field/);
    const listed = JSON.parse(runCli(['agent', 'list', '--json'], { env: serverEnv }).stdout) as Array<{ name: string; state: string; directoryReachable: boolean }>;
    assert.deepEqual(listed.map((a) => [a.name, a.state, a.directoryReachable]), [['first', 'connected', true]]);
  });

  it('carries a reset to the directory, audited like Entra Connect, and keeps no sealed password', async () => {
    const flow = await verifiedFlow('lena');
    const answer = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Fjord lantern meadow 7' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(await directoryAccepts('lena', 'Fjord lantern meadow 7'), true);
    const jobs = await svc.services.store.db.selectFrom('writeback_jobs').selectAll().where('state', '=', 'succeeded').execute();
    assert.ok(jobs.length >= 1 && jobs.every((j) => j.envelopes === null), 'envelopes are erased when a job ends');
    const audit = await svc.services.auditLog.list({ username: 'lena' });
    const success = audit.find((e) => e.event === 'writeback.reset.success');
    assert.equal(success?.detail?.entraEvent, 31002);
    assert.equal(success?.detail?.mode, 'agent');
    assert.ok(audit.some((e) => e.event === 'writeback.reset.start' && e.detail?.entraEvent === 31001));
  });

  it("passes on the directory's refusal in the user's language (password history)", async () => {
    const flow = await verifiedFlow('lena');
    const reused = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Fjord lantern meadow 7' }, { headers: { 'accept-language': 'de' } });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error.code, 'writeback-in-history');
    assert.match(reused.body.error.message, /kürzlich verwendet/);
    const failure = (await svc.services.auditLog.list({ username: 'lena' })).find((e) => e.event === 'writeback.reset.failure' && e.detail?.reason === 'in-history');
    assert.equal(failure?.detail?.entraEvent, 31003);
    assert.equal(failure?.detail?.entraError, 33008);
    assert.equal(failure?.detail?.reason, 'in-history');
  });

  it('signs a directory user in through the agent (right and wrong password)', async () => {
    assert.equal((await postJson(svc.baseUrl, '/api/v1/session', { username: 'lena', password: 'Fjord lantern meadow 7' })).status, 200);
    assert.equal((await postJson(svc.baseUrl, '/api/v1/session', { username: 'lena', password: 'not her password' })).status, 401);
  });

  it('changes a known password and unlocks a locked account through the agent', async () => {
    const signIn = await postJson(svc.baseUrl, '/api/v1/session', { username: 'otto', password: 'Original-Pass-otto' });
    assert.equal(signIn.status, 200);
    const cookie = { cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0]! };
    const wrong = await postJson(svc.baseUrl, '/api/v1/me/password', { currentPassword: 'not it', newPassword: 'Walnut comet harbour 6' }, { headers: cookie });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'writeback-wrong-old-password');
    const changed = await postJson(svc.baseUrl, '/api/v1/me/password', { currentPassword: 'Original-Pass-otto', newPassword: 'Walnut comet harbour 6' }, { headers: cookie });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(await directoryAccepts('otto', 'Walnut comet harbour 6'), true);
    assert.ok((await svc.services.auditLog.list({ username: 'otto' })).some((e) => e.event === 'writeback.change.success' && e.detail?.entraEvent === 31007));

    for (let i = 0; i < 3; i++) await directoryAccepts('otto', 'wrong password').catch(() => false);
    assert.equal((await check.findAccount('otto'))!.locked, true);
    const flow = await verifiedFlow('otto');
    const unlocked = await postJson(svc.baseUrl, `${flow}/unlock`, {});
    assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));
    assert.equal((await check.findAccount('otto'))!.locked, false);
    assert.equal(await directoryAccepts('otto', 'Walnut comet harbour 6'), true, 'unlock keeps the password');
  });

  it('an agent announcing no envelope versions (built before negotiation) is sealed the legacy envelope and applies jobs', async () => {
    const envelopeVersions = () => {
      const listed = JSON.parse(runCli(['agent', 'list', '--json'], { env: serverEnv }).stdout) as Array<{ name: string; state: string; envelope: number | null }>;
      return Object.fromEntries(listed.filter((a) => a.state === 'connected').map((a) => [a.name, a.envelope]));
    };
    assert.deepEqual(envelopeVersions(), { first: 3 }, 'a current agent negotiates the HPKE envelope');
    await agents[0]!.stop();
    const legacy = startAgentProcess({ servers: [svc.baseUrl], directory, token: createEnrolmentToken(serverEnv, 'ldap'), name: 'legacy', env: { SSPR_AGENT_ENVELOPES: '' } });
    agents.push(legacy);
    await legacy.connected();
    assert.deepEqual(envelopeVersions(), { legacy: 2 });
    const flow = await verifiedFlow('lena');
    const answer = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Copper kettle meadow 4' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(await directoryAccepts('lena', 'Copper kettle meadow 4'), true);
    const job = await svc.services.store.db.selectFrom('writeback_jobs').selectAll().where('state', '=', 'succeeded').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const legacyId = (await svc.services.store.db.selectFrom('agents').select('id').where('name', '=', 'legacy').executeTakeFirstOrThrow()).id;
    assert.equal(job.agent_id, legacyId);
  });

  it('two agents share the work; kill -9 of the one holding a job still ends in one applied reset', async () => {
    await startAgent('second');
    const flow = await verifiedFlow('karl');
    slapd.signal('SIGSTOP');
    const pending = postJson(svc.baseUrl, `${flow}/password`, { password: 'Granite orchard piano 5' });
    try {
      const job = await waitForJob('dispatched');
      await new Promise((r) => setTimeout(r, 150)); // the agent has opened the envelope and sent the modify
      const holder = agents.find((a) => a.output().includes(job.agent_id!)) ?? agents[0]!;
      await holder.kill('SIGKILL');
    } finally {
      slapd.signal('SIGCONT');
    }
    const answer = await pending;
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(await directoryAccepts('karl', 'Granite orchard piano 5'), true);
    const trail = await events('karl');
    assert.ok(trail.includes('writeback.agent-lost'), trail.join(','));
    assert.ok(trail.includes('writeback.reconciled'), trail.join(','));
    assert.equal(trail.filter((e) => e === 'writeback.reset.success').length, 1);
    assert.equal(trail.filter((e) => e === 'writeback.reset.failure').length, 0);
  });

  it('the directory crashing mid-job is a definite "not changed" answer', async () => {
    const flow = await verifiedFlow('mira');
    slapd.signal('SIGSTOP');
    const pending = postJson(svc.baseUrl, `${flow}/password`, { password: 'Silent river quartz 8' });
    await waitForJob('dispatched');
    await new Promise((r) => setTimeout(r, 150));
    slapd.signal('SIGKILL');
    const answer = await pending;
    assert.equal(answer.status, 503, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'writeback-unavailable');
    assert.match(answer.body.error.message, /not changed/);
    const failure = (await svc.services.auditLog.list({ username: 'mira' })).find((e) => e.event === 'writeback.reset.failure');
    assert.equal(failure?.detail?.reason, 'unreachable');
    await slapd.restart();
    assert.equal(await directoryAccepts('mira', 'Original-Pass-mira'), true, 'the old password still works');
  });
});
