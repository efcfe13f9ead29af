import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ldapsDirectory, startSlapd, type Slapd } from '../../support/slapd.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { postJson } from '../../support/json-client.js';
import { createAdminToken } from '../../support/processes.js';
import { startAgentProcess, type AgentProcess } from '../../support/agent-process.js';
import { FormClient, csrfOf } from '../../support/form-client.js';
import { registerTotp, stepUpWithTotp } from '../../support/console-step-up.js';
import { hashPassword } from '../../../src/crypto/password-hash.js';
import type { DirectoryStatus } from '../../../src/admin/directory-status.js';

/**
 * The console's "Directory and agents" page and its JSON API, with the real agent and slapd: an enrolment token
 * made through the API enrols the agent, which then shows as connected with its version and directory probe; a
 * sync started from the page runs through the agent and lists who started it; revoking from the page is audited.
 */
describe('console: directory and agents', () => {
  let slapd: Slapd;
  let svc: TestService;
  let agent: AgentProcess;
  let dataDir: string;
  let auth: { headers: { authorization: string } };

  let consoleClient: FormClient | undefined;
  /** An administrator's console: signed in through the sign-in page, then stepped up with an authenticator app. */
  async function adminConsole(): Promise<FormClient> {
    if (consoleClient) return consoleClient;
    const secret = await registerTotp(svc.services, 'root');
    const browser = new FormClient(svc.baseUrl);
    const form = await browser.get('/signin');
    const signedIn = await browser.post('/signin', { _csrf: csrfOf(form.text), username: 'root', password: 'Granite lighthouse 77' });
    assert.equal(signedIn.response.status, 303);
    assert.match((await browser.get('/admin/directory')).response.headers.get('location') ?? '', /^\/admin\/step-up/, 'a password alone does not open the console');
    await stepUpWithTotp(svc.baseUrl, `sspr_session=${browser.cookies.get('sspr_session')}`, secret, svc.services.clock.now());
    consoleClient = browser;
    return browser;
  }

  before(async () => {
    slapd = await startSlapd();
    await slapd.addUser({ uid: 'lena', password: 'Original-Pass-1', givenName: 'Lena', sn: 'L', mail: 'lena@example.org' });
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-console-directory-'));
    const serverEnv = { SSPR_DATA_DIR: dataDir, SSPR_WRITEBACK_MODE: 'agent', SSPR_SYNC_INTERVAL_MINUTES: '60' };
    svc = await startTestService({ dialect: 'sqlite', env: serverEnv, dataDir });
    auth = { headers: { authorization: `Bearer ${createAdminToken(serverEnv)}` } };
    await svc.services.users.add({ username: 'root', isAdmin: true, passwordHash: await hashPassword('Granite lighthouse 77') });
    await svc.services.users.add({ username: 'plain', passwordHash: await hashPassword('Granite lighthouse 78') });
  });
  after(async () => {
    await agent?.stop();
    await svc?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an enrolment token from the API enrols the real agent, which shows as connected with its probe', async () => {
    const created = await postJson(svc.baseUrl, '/api/v1/admin/agents/tokens', { directory: 'ldap', hours: 24 }, auth);
    assert.equal(created.status, 201);
    assert.match(created.body.token, /\S{20,}/);
    agent = startAgentProcess({ servers: [svc.baseUrl], directory: ldapsDirectory(slapd), token: created.body.token });
    await agent.connected();
    const status = (await (await fetch(`${svc.baseUrl}/api/v1/admin/directory`, auth)).json()) as DirectoryStatus;
    assert.equal(status.writeback, 'agent');
    assert.equal(status.agents.length, 1);
    const [enrolled] = status.agents;
    assert.equal(enrolled?.state, 'connected');
    assert.ok(enrolled?.version, 'the agent reported its version');
    assert.equal(enrolled?.directoryReachable, true);
    assert.equal(typeof enrolled?.clockOffsetMs, 'number');
    const reused = await postJson(svc.baseUrl, '/api/v1/agent/enrol', { token: created.body.token, name: 'again', directory: 'ldap', sealingKey: 'x', identityKey: 'y' });
    assert.equal(reused.status, 401, 'the token was one-time');
  });

  it('the page runs a sync through the agent, shows the run and who started it; a POST without the CSRF token changes nothing', async () => {
    const browser = await adminConsole();
    const page = await browser.get('/admin/directory');
    assert.equal(page.response.status, 200);
    assert.match(page.text, /class="state-connected"[^>]*>Connected</);
    assert.match(page.text, /aria-current="page">Directory and agents</);
    const forged = await browser.post('/admin/directory/sync', { full: '1' });
    assert.equal(forged.response.status, 403);
    assert.equal((await svc.services.auditLog.latestOf('directory-sync', 5)).length, 0);
    const ran = await browser.post('/admin/directory/sync', { _csrf: csrfOf(page.text), full: '1' });
    assert.equal(ran.response.status, 200, ran.text.slice(0, 500));
    assert.match(ran.text, /id="notice">full sync from ldap: users 1 created/);
    const status = (await (await fetch(`${svc.baseUrl}/api/v1/admin/directory`, auth)).json()) as DirectoryStatus;
    assert.equal(status.sync.runs[0]?.by, 'user:root');
    assert.equal(status.sync.runs[0]?.created, 1);
    assert.equal(status.sync.nextRunAt, (status.sync.runs[0]?.at ?? 0) + 60 * 60_000);
    assert.ok(await svc.services.users.findByUsername('lena'));
  });

  it('the page creates a token shown once and revokes the agent (audited with the administrator)', async () => {
    const browser = await adminConsole();
    const page = await browser.get('/admin/directory?lang=de');
    const token = await browser.post('/admin/directory/tokens', { _csrf: csrfOf(page.text), directory: 'ad', hours: '72' });
    assert.equal(token.response.status, 200);
    assert.match(token.text, /id="new-token"><p>Registrierungstoken, einmal gültig bis/);
    const badHours = await browser.post('/admin/directory/tokens', { _csrf: csrfOf(page.text), directory: 'ad', hours: '9999' });
    assert.equal(badHours.response.status, 400);
    const [listed] = ((await (await fetch(`${svc.baseUrl}/api/v1/admin/directory`, auth)).json()) as DirectoryStatus).agents;
    assert.ok(listed);
    const revoked = await browser.post(`/admin/directory/agents/${listed.id}/revoke`, { _csrf: csrfOf(page.text) });
    assert.equal(revoked.response.status, 200);
    assert.match(revoked.text, /class="state-revoked"[^>]*>Widerrufen</);
    const [audit] = await svc.services.auditLog.latestOf('agent.revoked', 1);
    assert.deepEqual(audit?.detail, { agent: listed.id, by: 'user:root' });
    const unknown = await browser.post('/admin/directory/agents/no-such-agent/revoke', { _csrf: csrfOf(page.text) });
    assert.equal(unknown.response.status, 404);
  });

  it('refuses everyone else: no credentials (401), a non-administrator (403 / sign-in), a malformed body (400)', async () => {
    assert.equal((await fetch(`${svc.baseUrl}/api/v1/admin/directory`)).status, 401);
    assert.equal((await postJson(svc.baseUrl, '/api/v1/admin/agents/tokens', { directory: 'ldap', hours: 24 })).status, 401);
    assert.equal((await postJson(svc.baseUrl, '/api/v1/admin/agents/tokens', { directory: 'novell', hours: 24 }, auth)).status, 400);
    assert.equal((await postJson(svc.baseUrl, '/api/v1/admin/agents/tokens', { directory: 'ldap', hours: 10_000 }, auth)).status, 400);
    const anonymous = await new FormClient(svc.baseUrl).get('/admin/directory');
    assert.equal(anonymous.response.status, 303);
    assert.match(anonymous.response.headers.get('location') ?? '', /^\/signin/);
    const plain = new FormClient(svc.baseUrl);
    const form = await plain.get('/signin');
    await plain.post('/signin', { _csrf: csrfOf(form.text), username: 'plain', password: 'Granite lighthouse 78' });
    assert.equal((await plain.get('/admin/directory')).response.status, 403);
  });
});
