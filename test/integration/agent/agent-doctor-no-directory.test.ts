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
import { createAdminToken, runCliAsync } from '../../support/processes.js';
import { createEnrolmentToken, startAgentProcess, type AgentProcess } from '../../support/agent-process.js';
import { hashPassword } from '../../../src/crypto/password-hash.js';
import type { CheckResult, DoctorReport } from '../../../src/doctor/doctor-types.js';
import { registerTotp, stepUpWithTotp } from '../../support/console-step-up.js';

/**
 * Agent mode with no server-side `directory`: after a sync and a reset through the real agent, the doctor — in
 * the server (API and page) and on the command line — says the user can reset. The directory's settings live
 * on the agent, so `writeback-enabled` passes and the directory checks run through the agent; the command line,
 * which no agent is connected to, says so in the doctor's own words and where to run the doctor instead.
 */
describe('doctor: agent mode without a server-side directory', () => {
  let slapd: Slapd;
  let smtp: SmtpSink;
  let svc: TestService;
  let agent: AgentProcess;
  let dataDir: string;
  let serverEnv: Record<string, string>;
  let token: string;

  before(async () => {
    slapd = await startSlapd();
    smtp = await SmtpSink.start();
    await slapd.addUser({ uid: 'lena', password: 'Original-Pass-1', givenName: 'Lena', sn: 'L', mail: 'lena@example.org' });
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-agent-doctor-nodir-'));
    serverEnv = { SSPR_DATA_DIR: dataDir, SSPR_WRITEBACK_MODE: 'agent', SSPR_SMTP_URL: smtp.url };
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: serverEnv, dataDir });
    agent = startAgentProcess({ servers: [svc.baseUrl], directory: ldapsDirectory(slapd), token: createEnrolmentToken(serverEnv, 'ldap') });
    await agent.connected();
    token = createAdminToken(serverEnv);
    const auth = { headers: { authorization: `Bearer ${token}` } };
    assert.equal((await postJson(svc.baseUrl, '/api/v1/admin/sync', {}, auth)).status, 200);
    const flow = await verifiedResetFlow(svc.baseUrl, smtp, 'lena', 'lena@example.org');
    assert.equal((await postJson(svc.baseUrl, `${flow}/password`, { password: 'Cedar harbour lantern 4' })).status, 200);
  });
  after(async () => {
    await agent?.stop();
    await svc?.close();
    await smtp?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const byId = (checks: CheckResult[], id: string): CheckResult => {
    const found = checks.find((c) => c.id === id);
    assert.ok(found, id);
    return found;
  };
  const fails = (report: DoctorReport) => JSON.stringify(report.checks.filter((c) => c.status === 'fail'));

  it('in the server: the user can reset, writeback-enabled says the directory is behind the agents, and the directory checks run through the agent', async () => {
    const report = await svc.services.doctor.diagnoseUser('lena', 'en');
    assert.equal(report.canReset, true, fails(report));
    const writeback = byId(report.checks, 'writeback-enabled');
    assert.equal(writeback.status, 'pass');
    assert.match(writeback.summary, /agent/);
    assert.equal(byId(report.checks, 'directory-reachable').status, 'pass');
    assert.equal(byId(report.checks, 'user-linked').status, 'pass');
    assert.equal(byId(report.checks, 'account-state').status, 'pass');
    assert.equal(byId(report.checks, 'unsupported-operation').status, 'pass');
    const service = await svc.services.doctor.diagnoseService('en');
    assert.equal(byId(service.checks, 'writeback-enabled').status, 'pass');
    assert.equal(byId(service.checks, 'directory-reachable').status, 'pass');
    assert.equal(service.summary?.checks.find((c) => c.id === 'writeback-enabled')?.failing, 0);
  });

  it('over the admin API and on the admin page', async () => {
    const api = await fetch(`${svc.baseUrl}/api/v1/admin/doctor/users/lena`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(api.status, 200);
    const report = (await api.json()) as DoctorReport;
    assert.equal(report.canReset, true, fails(report));
    assert.equal(byId(report.checks, 'writeback-enabled').status, 'pass');
    await svc.services.users.add({ username: 'root', isAdmin: true, passwordHash: await hashPassword('Granite lighthouse 77') });
    const secret = await registerTotp(svc.services, 'root');
    const signIn = await fetch(`${svc.baseUrl}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'root', password: 'Granite lighthouse 77' }) });
    assert.equal(signIn.status, 200);
    const cookie = (signIn.headers.getSetCookie().find((c) => c.startsWith('sspr_session=')) ?? '').split(';')[0] ?? '';
    await stepUpWithTotp(svc.baseUrl, cookie, secret, Date.now());
    const page = await fetch(`${svc.baseUrl}/admin/doctor?user=lena`, { headers: { cookie } });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<h2 id="doctor-answer">Can lena reset now\? <strong>Yes<\/strong><\/h2>/);
    assert.match(html, /<tr class="check-pass" id="check-writeback-enabled"[^>]*>/);
    assert.doesNotMatch(html, /no directory is configured here/);
  });

  it('on the command line: no agent reaches the CLI, so the directory checks say where to run the doctor instead', async () => {
    // The server's settings, its SMTP server included: lena resets by e-mail, which counts only while it can be delivered.
    const result = await runCliAsync(['doctor', 'lena', '--json', '--lang', 'en'], { ...serverEnv, SSPR_LOG_LEVEL: 'silent' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as DoctorReport;
    assert.equal(report.canReset, true, fails(report));
    assert.equal(byId(report.checks, 'writeback-enabled').status, 'pass');
    assert.equal(byId(report.checks, 'directory-reachable').status, 'pass', 'the agent\'s reported probe stands in');
    const permissions = byId(report.checks, 'directory-permissions');
    assert.equal(permissions.status, 'skip');
    assert.doesNotMatch(permissions.summary, /try again later|password was not changed/i);
    assert.match(permissions.summary, /no agent is connected to this process/);
    assert.match(permissions.summary, /\/api\/v1\/admin\/doctor\/users\/lena/);
    const text = await runCliAsync(['doctor', 'lena', '--lang', 'de'], { SSPR_DATA_DIR: dataDir, SSPR_WRITEBACK_MODE: 'agent', SSPR_LOG_LEVEL: 'silent' });
    assert.match(text.stdout, /SKIP\s+directory-permissions\s+Hier nicht geprüft/);
  });
});
