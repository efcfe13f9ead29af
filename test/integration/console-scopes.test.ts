/**
 * What each operator may reach, tried as each would try it: a helpdesk operator (console session or helpdesk
 * token) helps one caller at a time — it opens the accounts it may act on, their doctor verdict and their trail,
 * and nothing organisation-wide (overview counts, reports, the whole audit log or its export, the doctor's service
 * run, the full user list, frozen accounts, directory, policy); a read-only token reads but starts no readiness
 * count; only administrators ask for one. Every refusal is a 403 with a sentence that says why.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { FormClient, csrfOf } from '../support/form-client.js';
import { signInToConsole } from '../support/console-step-up.js';
import { hashPassword } from '../../src/crypto/password-hash.js';

describe('console scopes: helpdesk sees single accounts, read-only starts no work', () => {
  let svc: TestService;
  let admin: FormClient;
  let desk: FormClient;
  const tokens: Record<'read-only' | 'helpdesk' | 'admin', string> = { 'read-only': '', helpdesk: '', admin: '' };
  const password = (username: string) => `${username} Console-Scopes 1`;

  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_SESSION_TTL_SECONDS: '86400', SSPR_LOG_LEVEL: 'silent' } });
    const { services } = svc;
    await services.users.add({ username: 'ada', isAdmin: true, email: 'ada@example.org', passwordHash: await hashPassword(password('ada')) });
    await services.users.add({ username: 'hana', email: 'hana@example.org', passwordHash: await hashPassword(password('hana')) });
    await services.users.setRole((await services.users.get('hana')).id, 'helpdesk', true);
    for (const name of ['carl', 'dora']) await services.users.add({ username: name, email: `${name}@example.org` });
    await services.audit.record({ event: 'reset-start', outcome: 'success', username: 'carl' });
    await services.audit.record({ event: 'reset-start', outcome: 'success', username: 'ada' });
    await services.audit.drain();
    for (const scope of ['read-only', 'helpdesk', 'admin'] as const) tokens[scope] = (await services.adminTokens.create(`scopes ${scope}`, { scope })).token;
    admin = new FormClient(svc.baseUrl);
    await signInToConsole(services, svc.baseUrl, admin, 'ada', password('ada'));
    desk = new FormClient(svc.baseUrl);
    await signInToConsole(services, svc.baseUrl, desk, 'hana', password('hana'));
  });
  after(() => svc?.close());

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(svc.baseUrl + path, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const organisationWide = /whole organisation, so it is for administrators and read-only tokens/;

  /** The organisation-wide JSON routes, each refused to a helpdesk session and a helpdesk token with its sentence. */
  const wideApi = [
    '/api/v1/admin/overview',
    '/api/v1/admin/doctor',
    '/api/v1/admin/audit',
    '/api/v1/admin/audit?event=reset-start',
    '/api/v1/admin/audit/export?format=csv',
    '/api/v1/admin/reports/coverage',
    '/api/v1/admin/frozen-users',
  ];

  for (const path of wideApi) {
    it(`GET ${path}: 403 operator-organisation-wide for a helpdesk session and token, 200 for administrators and read-only tokens`, async () => {
      for (const [who, answer] of [['session', await desk.json('GET', path)], ['token', await api(tokens.helpdesk, 'GET', path)]] as const) {
        assert.equal(answer.status, 403, `${who}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error.code, 'operator-organisation-wide', who);
        assert.match(answer.body.error.message, organisationWide, who);
      }
      assert.equal((await fetch(svc.baseUrl + path, { headers: { authorization: `Bearer ${tokens['read-only']}` } })).status, 200);
      assert.equal((await fetch(svc.baseUrl + path, { headers: { cookie: admin.sessionCookie() } })).status, 200);
    });
  }

  it('the console pages: overview sends a helpdesk operator on to the user search; audit, reports, doctor run, directory and policy are closed', async () => {
    const overview = await desk.get('/admin');
    assert.equal(overview.response.status, 303);
    assert.equal(overview.response.headers.get('location'), '/admin/users');
    for (const path of ['/admin/audit', '/admin/audit?event=reset-start', '/admin/reports', '/admin/reports/coverage', '/admin/reports/coverage?format=csv']) {
      const page = await desk.get(`${path}${path.includes('?') ? '&' : '?'}lang=en`);
      assert.equal(page.response.status, 403, path);
      assert.match(page.text, organisationWide, path);
    }
    for (const path of ['/admin/directory', '/admin/policy', '/admin/access']) {
      const page = await desk.get(path);
      assert.equal(page.response.status, 403, path);
      assert.match(page.text, /Only administrators may see this\./, path);
    }
    const doctor = await desk.get('/admin/doctor?lang=en');
    assert.equal(doctor.response.status, 200, 'the doctor page opens with its form');
    assert.doesNotMatch(doctor.text, /id="doctor-summary"|id="doctor-answer"/, 'but without the service run');
    const nav = /<nav class="console-nav"[\s\S]*?<\/nav>/.exec(doctor.text)![0];
    assert.deepEqual([...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]), ['/admin/users', '/admin/doctor'], 'the menu shows what opens');
    const adminNav = /<nav class="console-nav"[\s\S]*?<\/nav>/.exec((await admin.get('/admin/doctor')).text)![0];
    assert.equal([...adminNav.matchAll(/href="/g)].length, 8);
  });

  it('the user search lists only the accounts a helpdesk operator may act on, page and API alike', async () => {
    const page = await desk.get('/admin/users');
    assert.equal(page.response.status, 200);
    const listed = [...page.text.matchAll(/<a href="\/admin\/users\/([^"]+)">/g)].map((m) => m[1]).sort();
    assert.deepEqual(listed, ['carl', 'dora'], 'no administrator, no other operator');
    for (const answer of [await desk.json('GET', '/api/v1/admin/users'), await api(tokens.helpdesk, 'GET', '/api/v1/admin/users')]) {
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body.users.map((u: { username: string }) => u.username).sort(), ['carl', 'dora']);
    }
    const all = await admin.json('GET', '/api/v1/admin/users');
    assert.deepEqual(all.body.users.map((u: { username: string }) => u.username).sort(), ['ada', 'carl', 'dora', 'hana']);
  });

  it("one account in scope: its page, its verdict and its trail (page, API, export); an administrator's are refused", async () => {
    for (const path of ['/admin/users/carl', '/admin/doctor?user=carl', '/admin/audit?user=carl']) assert.equal((await desk.get(path)).response.status, 200, path);
    for (const path of ['/api/v1/admin/users/carl', '/api/v1/admin/doctor/users/carl', '/api/v1/admin/audit?user=carl', '/api/v1/admin/audit/export?format=jsonl&user=carl']) {
      assert.equal((await fetch(svc.baseUrl + path, { headers: { cookie: desk.sessionCookie() } })).status, 200, path);
      assert.equal((await fetch(svc.baseUrl + path, { headers: { authorization: `Bearer ${tokens.helpdesk}` } })).status, 200, path);
    }
    const trail = await desk.json('GET', '/api/v1/admin/audit?user=carl');
    assert.deepEqual(trail.body.events.map((e: { username: string }) => e.username), ['carl']);
    for (const path of ['/admin/users/ada', '/admin/audit?user=ada', '/admin/doctor?user=ada']) {
      const page = await desk.get(`${path}${path.includes('?') ? '&' : '?'}lang=en`);
      assert.equal(page.response.status, 403, path);
      assert.match(page.text, /helpdesk operators act only on accounts without an operator role/, path);
    }
    for (const path of ['/api/v1/admin/users/ada', '/api/v1/admin/doctor/users/ada', '/api/v1/admin/audit?user=ada', '/api/v1/admin/audit/export?format=csv&user=ada']) {
      const answer = await api(tokens.helpdesk, 'GET', path);
      assert.equal(answer.status, 403, path);
      assert.equal(answer.body.error.code, 'operator-target-forbidden', path);
    }
  });

  it('a readiness count on demand: administrators only; a read-only or helpdesk token and a helpdesk operator are refused with a sentence', async () => {
    for (const scope of ['read-only', 'helpdesk'] as const) {
      const refused = await api(tokens[scope], 'POST', '/api/v1/admin/readiness', {});
      assert.equal(refused.status, 403, scope);
      assert.equal(refused.body.error.code, 'admin-token-scope', scope);
      assert.match(refused.body.error.message, /start no work, such as a new readiness count/, scope);
    }
    const session = await desk.json('POST', '/api/v1/admin/readiness', {});
    assert.equal(session.status, 403);
    assert.equal(session.body.error.code, 'admin-only');
    const users = await desk.get('/admin/users');
    const page = await desk.post('/admin/readiness', { _csrf: csrfOf(users.text) });
    assert.equal(page.response.status, 403, 'the console button is no way round');
    const started = await api(tokens.admin, 'POST', '/api/v1/admin/readiness', {});
    assert.deepEqual([started.status, started.body], [202, { started: true }], 'the refusals used up nothing: the first administrator asking starts one');
    const again = await api(tokens.admin, 'POST', '/api/v1/admin/readiness', {});
    assert.deepEqual([again.status, again.body], [202, { started: false }], 'at most one a minute per node');
  });
});
