/**
 * Acts on a user from the console's user page and the admin API, attacker-minded: "require re-registration"
 * (CSRF, confirmation, methods gone, owner told by mail, audited, sign-in sends the owner to register until they
 * did), unlock through the helpdesk's use-case (only inside a caller-verification window), and the one gate before
 * any change to another account — a fresh second-method proof and a target inside the operator's role and scope.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { FormClient, csrfOf } from '../support/form-client.js';
import { ManualClock } from '../support/manual-clock.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { signInToConsole, stepUpWithTotp } from '../support/console-step-up.js';
import { hashPassword } from '../../src/crypto/password-hash.js';

const MINUTE = 60_000;

describe('console user acts: re-registration, unlock, and the act-on gate', () => {
  let svc: TestService;
  let smtp: SmtpSink;
  const clock = new ManualClock();
  let admin: FormClient;
  let desk: FormClient;
  let deskSecret: string;
  let adminSecret: string;

  const password = (username: string) => `${username} Console-Acts 1`;
  const registrationsOf = async (username: string) => svc.services.registrations.listForUser((await svc.services.users.get(username)).id);
  const events = async (username: string, event: string) => (await svc.services.auditLog.list({ username })).filter((e) => e.event === event);
  const bearer = async (scope: 'read-only' | 'helpdesk' | 'admin') => (await svc.services.adminTokens.create(`acts ${scope}`, { scope })).token;
  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(svc.baseUrl + path, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };

  before(async () => {
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, clock, env: { SSPR_SESSION_TTL_SECONDS: '86400' } });
    const { services } = svc;
    await services.users.add({ username: 'ada', isAdmin: true, email: 'ada@example.org', passwordHash: await hashPassword(password('ada')) });
    await services.users.add({ username: 'hana', email: 'hana@example.org', passwordHash: await hashPassword(password('hana')) });
    await services.users.setRole((await services.users.get('hana')).id, 'helpdesk', true);
    for (const name of ['carl', 'dora', 'emil']) await services.users.add({ username: name, email: `${name}@example.org`, passwordHash: await hashPassword(password(name)) });
    await services.users.add({ username: 'nomad', passwordHash: await hashPassword(password('nomad')) });
    for (const name of ['carl', 'dora', 'emil']) await services.registrations.add((await services.users.get(name)).id, 'email', { address: `${name}.private@example.org` }, clock.now());
    admin = new FormClient(svc.baseUrl);
    adminSecret = await signInToConsole(services, svc.baseUrl, admin, 'ada', password('ada'));
    clock.advance(31_000);
    desk = new FormClient(svc.baseUrl);
    deskSecret = await signInToConsole(services, svc.baseUrl, desk, 'hana', password('hana'));
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  it('require re-registration from the user page: refused without CSRF or confirmation; then methods gone, owner told, audited', async () => {
    const page = await admin.get('/admin/users/carl');
    assert.equal(page.response.status, 200);
    assert.match(page.text, /id="reregister-submit"/);
    assert.match(page.text, /id="reregister-confirm"[^>]*required/);
    const csrf = csrfOf(page.text);

    const forged = await admin.post('/admin/users/carl/reregister', { confirm: '1' });
    assert.equal(forged.response.status, 403, 'no CSRF token, no change');
    const unconfirmed = await admin.post('/admin/users/carl/reregister', { _csrf: csrf });
    assert.equal(unconfirmed.response.status, 303);
    assert.match(unconfirmed.response.headers.get('location') ?? '', /notice=unconfirmed/);
    assert.equal((await registrationsOf('carl')).length, 1, 'nothing removed before the confirmation');
    assert.equal((await events('carl', 'reregistration-required')).length, 0);

    const done = await admin.post('/admin/users/carl/reregister', { _csrf: csrf, confirm: '1' });
    assert.equal(done.response.status, 303);
    assert.match(done.response.headers.get('location') ?? '', /notice=reregistered&count=1/);
    assert.equal((await registrationsOf('carl')).length, 0);
    const [audited] = await events('carl', 'reregistration-required');
    assert.ok(audited, 'audited');
    assert.deepEqual(audited.detail, { by: 'user:ada', removed: 1, types: 'email' });

    // The registered address hears of it (it was the owner's channel until now), and so does the directory's.
    for (const to of ['carl.private@example.org', 'carl@example.org']) {
      const mail = await smtp.waitFor((m) => m.to === to && /register your recovery methods again/.test(m.subject));
      assert.match(mail.text, /register them again when you next sign in/);
    }
    const after = await admin.get(done.response.headers.get('location')!);
    assert.match(after.text, /1 method was removed; carl is asked to register again/);
    assert.match(after.text, /id="reregister-pending"/);
  });

  it('the owner is sent to security info at sign-in until they register again; the request then ends (audited)', async () => {
    const owner = new FormClient(svc.baseUrl);
    const signedIn = await owner.signIn('carl', password('carl'));
    assert.equal(signedIn.response.status, 303);
    assert.equal(signedIn.response.headers.get('location'), '/account/security');
    assert.match((await owner.get('/account/security')).text, /id="reregister-due"/);

    const carl = (await svc.services.directory.findUser('carl'))!;
    const request = { ip: '127.0.0.1', userAgent: 'test', lang: 'en' as const };
    const sent = smtp.messages.length;
    await svc.services.securityInfo.begin(carl, 'email', { address: 'carl.new@example.org' }, request);
    await svc.services.securityInfo.confirm(carl, 'email', { code: await smtp.codeFor('carl.new@example.org', sent) }, request);
    assert.equal((await events('carl', 'reregistration-completed')).length, 1);
    assert.equal(await svc.services.registrations.reregistrationSince(carl.id), null);

    const again = await new FormClient(svc.baseUrl).signIn('carl', password('carl'));
    assert.equal(again.response.headers.get('location'), '/account');
  });

  it('the API: helpdesk never acts on an administrator, only inside its group scope, and only with a fresh proof', async () => {
    const adaBefore = (await registrationsOf('ada')).length;
    const onAdmin = await desk.json('POST', '/api/v1/admin/users/ada/reregister', {});
    assert.equal(onAdmin.status, 403);
    assert.equal(onAdmin.body.error.code, 'operator-target-forbidden');
    assert.equal((await registrationsOf('ada')).length, adaBefore, "the administrator's methods stay");

    const hana = await svc.services.users.get('hana');
    const sales = await svc.services.groups.add('Sales');
    await svc.services.users.setHelpdeskScope(hana.id, 'Sales');
    try {
      for (const [method, path, body] of [['POST', '/api/v1/admin/users/dora/reregister', {}], ['POST', '/api/v1/admin/users/dora/unblock', {}], ['DELETE', `/api/v1/admin/users/dora/methods/${(await registrationsOf('dora'))[0]!.id}`, undefined], ['GET', '/api/v1/admin/users/dora', undefined]] as const) {
        const outside = await desk.json(method, path, body);
        assert.equal(outside.status, 403, `${method} ${path}`);
        assert.equal(outside.body.error.code, 'operator-target-forbidden', `${method} ${path}`);
      }
      assert.equal((await desk.get('/admin/users/dora')).response.status, 403, 'the page of a user outside the scope');
      assert.equal((await registrationsOf('dora')).length, 1);

      await svc.services.groups.addUser(sales.id, (await svc.services.users.get('dora')).id);
      clock.advance(6 * MINUTE);
      const stale = await desk.json('POST', '/api/v1/admin/users/dora/reregister', {});
      assert.equal(stale.status, 403);
      assert.equal(stale.body.error.code, 'step-up-stale');
      const page = await desk.get('/admin/users/dora');
      const stalePage = await desk.post('/admin/users/dora/reregister', { _csrf: csrfOf(page.text), confirm: '1' });
      assert.equal(stalePage.response.status, 303);
      assert.match(stalePage.response.headers.get('location') ?? '', /^\/admin\/step-up\?fresh=1&next=%2Fadmin%2Fusers%2Fdora/);
      assert.equal((await registrationsOf('dora')).length, 1, 'a stale proof changes nothing');

      await stepUpWithTotp(svc.baseUrl, desk.sessionCookie(), deskSecret, clock.now());
      const fresh = await desk.json('POST', '/api/v1/admin/users/dora/reregister', {});
      assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
      assert.deepEqual(fresh.body, { removed: 1, types: ['email'] });
      assert.equal((await events('dora', 'reregistration-required'))[0]?.detail?.by, 'user:hana');
    } finally {
      await svc.services.users.setHelpdeskScope(hana.id, null);
    }
  });

  it('tokens: read-only is refused, helpdesk may act (tokens carry no proof); an unknown field is a 400', async () => {
    const readOnly = await api(await bearer('read-only'), 'POST', '/api/v1/admin/users/emil/reregister', {});
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.body.error.code, 'admin-token-scope');
    const helpdesk = await bearer('helpdesk');
    assert.equal((await api(helpdesk, 'POST', '/api/v1/admin/users/emil/reregister', { everything: true })).status, 400);
    assert.equal((await registrationsOf('emil')).length, 1);
    const done = await api(helpdesk, 'POST', '/api/v1/admin/users/emil/reregister', {});
    assert.equal(done.status, 200);
    assert.equal((await registrationsOf('emil')).length, 0);
    assert.match(String((await events('emil', 'reregistration-required'))[0]?.detail?.by), /^token:/);
    assert.equal((await api(helpdesk, 'POST', '/api/v1/admin/users/ada/reregister', {})).status, 403, 'a helpdesk token never acts on an administrator');
  });

  it("unlock on the user page is the helpdesk's act: without a verified caller, off to the helpdesk page; inside the window, unlocked and audited", async () => {
    clock.advance(31_000);
    const stale = await admin.post('/admin/users/nomad/unlock', { _csrf: csrfOf((await admin.get('/admin/users/nomad')).text) });
    assert.match(stale.response.headers.get('location') ?? '', /^\/admin\/step-up\?fresh=1/, 'the proof from minutes ago is too old to act');
    await stepUpWithTotp(svc.baseUrl, admin.sessionCookie(), adminSecret, clock.now());
    const page = await admin.get('/admin/users/nomad');
    assert.match(page.text, /id="unlock-verify" href="\/admin\/helpdesk\/nomad"/);
    assert.doesNotMatch(page.text, /id="unlock-submit"/);
    const csrf = csrfOf(page.text);

    const early = await admin.post('/admin/users/nomad/unlock', { _csrf: csrf });
    assert.equal(early.response.status, 303);
    assert.equal(early.response.headers.get('location'), '/admin/helpdesk/nomad');
    assert.equal((await events('nomad', 'helpdesk-refused')).length, 1, 'the refusal is audited');
    assert.equal((await events('nomad', 'helpdesk-unlock-account')).length, 0);
    assert.equal((await admin.post('/admin/users/nomad/unlock', {})).response.status, 403, 'no CSRF token, no unlock');

    const reason = await admin.post('/admin/helpdesk/nomad/reason', { _csrf: csrf, reason: 'Known in person, badge checked at the desk' });
    assert.equal(reason.response.status, 303);
    const open = await admin.get('/admin/users/nomad');
    assert.match(open.text, /id="unlock-window"/);
    const unlocked = await admin.post('/admin/users/nomad/unlock', { _csrf: csrfOf(open.text) });
    assert.equal(unlocked.response.status, 303);
    assert.equal(unlocked.response.headers.get('location'), '/admin/users/nomad?notice=unlocked');
    const [event] = await events('nomad', 'helpdesk-unlock-account');
    assert.ok(event, 'audited as the helpdesk unlock');
    assert.equal(event.detail?.by, 'user:ada');
    assert.match((await admin.get('/admin/users/nomad?notice=unlocked')).text, /The account was unlocked\./);
  });

  it('licences: the Access page and the API assign and take away plans (CSRF, administrators only, fresh proof, audited)', async () => {
    clock.advance(31_000);
    await stepUpWithTotp(svc.baseUrl, admin.sessionCookie(), adminSecret, clock.now());
    await svc.services.groups.add('Staff');
    const page = await admin.get('/admin/access');
    assert.equal(page.response.status, 200);
    assert.match(page.text, /id="licence-plan"/);
    const csrf = csrfOf(page.text);
    assert.equal((await admin.post('/admin/access/licence', { plan: 'sspr', user: 'emil', action: 'assign' })).response.status, 403, 'no CSRF token, no change');
    const assigned = await admin.post('/admin/access/licence', { _csrf: csrf, plan: 'sspr-writeback', group: 'Staff', action: 'assign' });
    assert.equal(assigned.response.status, 200);
    assert.match(assigned.text, /sspr-writeback is assigned to group Staff\./);
    const byUser = await admin.post('/admin/access/licence', { _csrf: csrf, plan: 'sspr', user: 'emil', action: 'assign' });
    assert.match(byUser.text, /<th scope="row"[^>]*>sspr<\/th><td[^>]*>emil<\/td>/);
    const bogus = await admin.post('/admin/access/licence', { _csrf: csrf, plan: 'everything', user: 'emil', action: 'assign' });
    assert.equal(bogus.response.status, 400, 'an unknown plan is a refusal on the page');
    assert.equal((await admin.json('GET', '/api/v1/admin/licences')).body.assignments.length, 2);

    assert.equal((await desk.json('GET', '/api/v1/admin/licences')).status, 403, 'helpdesk operators do not manage licences');
    assert.equal((await desk.json('POST', '/api/v1/admin/licences', { plan: 'sspr', user: 'hana' })).status, 403);
    const taken = await admin.json('POST', '/api/v1/admin/licences/unassign', { plan: 'sspr', user: 'emil' });
    assert.equal(taken.status, 200, JSON.stringify(taken.body));
    const again = await admin.json('POST', '/api/v1/admin/licences/unassign', { plan: 'sspr', user: 'emil' });
    assert.equal(again.status, 404);
    assert.equal(again.body.error.code, 'licence-not-assigned');
    assert.equal((await admin.json('POST', '/api/v1/admin/licences', { plan: 'sspr', user: 'emil', group: 'Staff' })).status, 400, 'exactly one of user or group');
    clock.advance(6 * MINUTE);
    const stale = await admin.json('POST', '/api/v1/admin/licences', { plan: 'sspr', user: 'emil' });
    assert.equal(stale.body.error?.code, 'step-up-stale');
    assert.deepEqual((await events('emil', 'licence-assigned')).map((e) => e.detail), [{ by: 'user:ada', plan: 'sspr', principalType: 'user', principal: 'emil' }]);
    assert.deepEqual((await events('emil', 'licence-unassigned')).map((e) => e.detail?.by), ['user:ada']);
  });
});
