import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { postJson } from '../support/json-client.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { ManualClock } from '../support/manual-clock.js';
import { registerTotp, stepUpWithTotp, totpCode } from '../support/console-step-up.js';
import { hashPassword } from '../../src/crypto/password-hash.js';
import { seedDemoOrganisation } from '../../src/demo/demo-organisation.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const MINUTE = 60_000;

/**
 * The console gate: a password alone opens nothing; a second registered method does, for a short while; acting
 * for someone else needs a fresh proof; helpdesk operators act only on accounts without a role in their scope;
 * admin API tokens are scoped, lapse and record their last use.
 */
describe('console access', () => {
  let svc: TestService;
  let smtp: SmtpSink;
  const clock = new ManualClock();
  const secrets = new Map<string, string>();

  before(async () => {
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, clock, env: { SSPR_SESSION_TTL_SECONDS: '86400', SSPR_CONSOLE_SESSION_ABSOLUTE_HOURS: '2' } });
    const people = [['ops', true], ['eve', true], ['gus', true], ['ida', true], ['nom', true], ['hana', false], ['hugo', false], ['ben', false], ['cid', false]] as const;
    for (const [username, isAdmin] of people) {
      await svc.services.users.add({ username, isAdmin, email: `${username}@example.org`, passwordHash: await hashPassword(`${username} old passphrase 1`) });
    }
    for (const name of ['hana', 'hugo']) await svc.services.users.setRole((await svc.services.users.get(name)).id, 'helpdesk', true);
    for (const name of ['ops', 'gus', 'ida', 'hana', 'hugo']) secrets.set(name, await registerTotp(svc.services, name));
    const eve = await svc.services.users.get('eve');
    await svc.services.registrations.add(eve.id, 'email', { address: 'eve.second@example.org' }, clock.now());
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  async function signIn(username: string): Promise<string> {
    const response = await postJson(svc.baseUrl, '/api/v1/session', { username, password: `${username} old passphrase 1` });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  }
  const get = (path: string, headers: Record<string, string>) => fetch(svc.baseUrl + path, { headers, redirect: 'manual' });
  const reset = (headers: Record<string, string>, username: string, password = `a helpdesk passphrase ${Math.random()}`) =>
    postJson(svc.baseUrl, `/api/v1/admin/users/${username}/password`, { password }, { headers });
  /** A fresh TOTP step for every proof (codes are single use). */
  async function stepUp(cookie: string, username: string): Promise<void> {
    clock.advance(31_000);
    await stepUpWithTotp(svc.baseUrl, cookie, secrets.get(username)!, clock.now());
  }

  it('an administrator signed in with only a password can neither reset nor read; pages send them to the step-up', async () => {
    const cookie = await signIn('ops');
    const doctor = await get('/api/v1/admin/doctor', { cookie });
    assert.equal(doctor.status, 403);
    assert.equal(((await doctor.json()) as { error: { code: string } }).error.code, 'step-up-required');
    const refused = await reset({ cookie }, 'ben');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'step-up-required');
    const page = await get('/admin/doctor?user=ben', { cookie });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), `/admin/step-up?next=${encodeURIComponent('/admin/doctor?user=ben')}`);
    const stepUpPage = await get('/admin/step-up?next=%2Fadmin%2Fdoctor', { cookie });
    assert.equal(stepUpPage.status, 200);
    assert.match(await stepUpPage.text(), /name="code"/);
  });

  it('a TOTP step-up opens the console; a reset on behalf needs a proof from the last minutes', async () => {
    const cookie = await signIn('ops');
    await stepUp(cookie, 'ops');
    assert.equal((await get('/api/v1/admin/doctor', { cookie })).status, 200);
    assert.equal((await get('/admin/doctor', { cookie })).status, 200);
    assert.equal((await reset({ cookie }, 'ben')).status, 200);
    clock.advance(6 * MINUTE);
    assert.equal((await get('/api/v1/admin/doctor', { cookie })).status, 200, 'reading needs no fresh proof');
    const stale = await reset({ cookie }, 'ben');
    assert.equal(stale.status, 403);
    assert.equal(stale.body.error.code, 'step-up-stale');
    await stepUp(cookie, 'ops');
    assert.equal((await reset({ cookie }, 'ben')).status, 200);
    const trail = await svc.services.auditLog.list({ username: 'ops' });
    assert.ok(trail.some((e) => e.event === 'console-step-up' && e.outcome === 'success' && e.detail?.method === 'totp'));
  });

  it('the step-up form works without JavaScript and goes back to a local next only', async () => {
    const cookie = await signIn('ops');
    const page = await get('/admin/step-up?next=%2Fadmin%2Fdoctor', { cookie });
    const csrfCookie = (page.headers.getSetCookie().find((c) => c.includes('csrf')) ?? '').split(';')[0]!;
    const html = await page.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const methodId = /name="methodId" value="([^"]+)"/.exec(html)![1]!;
    clock.advance(31_000);
    const form = new URLSearchParams({ _csrf: csrf, methodId, code: totpCode(secrets.get('ops')!, clock.now()), next: 'https://evil.example/' });
    const posted = await fetch(`${svc.baseUrl}/admin/step-up/verify`, { method: 'POST', headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
    assert.equal(posted.status, 303);
    assert.equal(posted.headers.get('location'), '/admin', 'an absolute URL is not followed');
  });

  it('sign-in honours a local next and refuses to leave the site', async () => {
    for (const [next, expected] of [['/admin/doctor', '/admin/doctor'], ['//evil.example/x', '/account'], ['https://evil.example/', '/account'], ['/\\evil.example', '/account']] as const) {
      const page = await get(`/signin?next=${encodeURIComponent(next)}`, {});
      const html = await page.text();
      const csrfCookie = (page.headers.getSetCookie().find((c) => c.includes('csrf')) ?? '').split(';')[0]!;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
      if (expected !== next) {
        // The refused target is carried nowhere that leads off the site: not in the form, not as a link or action.
        // (The language links re-open this same page with its query, encoded; the target is refused again there.)
        assert.doesNotMatch(html, /name="next"[^>]*evil/);
        assert.doesNotMatch(html, /(?:href|action)="(?:https?:)?[/\\]{2}evil/);
      }
      const form = new URLSearchParams({ _csrf: csrf, username: 'cid', password: 'cid old passphrase 1', next });
      const posted = await fetch(`${svc.baseUrl}/signin`, { method: 'POST', headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
      assert.equal(posted.status, 303);
      assert.equal(posted.headers.get('location'), expected, next);
    }
  });

  it('an e-mail code from the SMTP sink steps the session up', async () => {
    const cookie = await signIn('eve');
    const options = (await (await get('/api/v1/session/step-up', { cookie })).json()) as { methods: Array<{ id: string; type: string }> };
    const email = options.methods.find((m) => m.type === 'email');
    assert.ok(email);
    const sent = await postJson(svc.baseUrl, '/api/v1/session/step-up/send', { methodId: email.id }, { headers: { cookie } });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const mail = await smtp.waitFor((m) => m.to === 'eve.second@example.org');
    const code = /\b(\d{6,10})\b/.exec(mail.text)![1]!;
    const wrong = await postJson(svc.baseUrl, '/api/v1/session/step-up/verify', { methodId: email.id, code: code === '000000' ? '111111' : '000000' }, { headers: { cookie } });
    assert.equal(wrong.status, 400);
    const verified = await postJson(svc.baseUrl, '/api/v1/session/step-up/verify', { methodId: email.id, code }, { headers: { cookie } });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal((await get('/api/v1/admin/doctor', { cookie })).status, 200);
  });

  it('guessing the second method is limited like guessing the password', async () => {
    const cookie = await signIn('gus');
    const { methods } = (await (await get('/api/v1/session/step-up', { cookie })).json()) as { methods: Array<{ id: string }> };
    clock.advance(31_000);
    const right = totpCode(secrets.get('gus')!, clock.now());
    const guesses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const guess = String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
      guesses.push((await postJson(svc.baseUrl, '/api/v1/session/step-up/verify', { methodId: methods[0]!.id, code: guess }, { headers: { cookie } })).status);
    }
    assert.deepEqual(guesses, [400, 400, 400, 400, 400]);
    const blocked = await postJson(svc.baseUrl, '/api/v1/session/step-up/verify', { methodId: methods[0]!.id, code: right }, { headers: { cookie } });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'sign-in-throttled');
    assert.equal((await get('/api/v1/admin/doctor', { cookie })).status, 403);
  });

  it('a console session ends after the idle timeout, and after its absolute lifetime however busy', async () => {
    const idle = await signIn('ida');
    await stepUp(idle, 'ida');
    clock.advance(16 * MINUTE);
    const ended = await get('/api/v1/admin/doctor', { cookie: idle });
    assert.equal(ended.status, 401);
    assert.equal(((await ended.json()) as { error: { code: string } }).error.code, 'console-session-ended');
    assert.equal((await get('/api/v1/me', { cookie: idle })).status, 401, 'the whole session ended');

    const busy = await signIn('ida');
    await stepUp(busy, 'ida');
    const statuses: number[] = [];
    for (let minutes = 0; minutes < 130; minutes += 10) {
      clock.advance(10 * MINUTE);
      statuses.push((await get('/api/v1/admin/doctor', { cookie: busy })).status);
    }
    assert.equal(statuses.filter((s) => s === 200).length, 11, statuses.join(','));
    assert.equal(statuses.at(-1), 401);
    const page = await get('/admin/doctor', { cookie: busy });
    assert.equal(page.status, 303);
    assert.match(page.headers.get('location') ?? '', /^\/signin\?next=/);
  });

  it('an administrator without a second method gets a page that says how to register one; a method added after sign-in does not count', async () => {
    const cookie = await signIn('nom');
    clock.advance(1_000);
    await registerTotp(svc.services, 'nom');
    const page = await get('/admin/step-up', { cookie });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /id="step-up-none"/);
    assert.match(html, /href="\/account\/security"/);
  });

  it('a helpdesk operator resets accounts without a role in its scope, never administrators or other operators, and opens no admin pages', async () => {
    const cookie = await signIn('hana');
    await stepUp(cookie, 'hana');
    assert.equal((await reset({ cookie }, 'ben')).status, 200);
    for (const target of ['ops', 'hugo']) {
      const refused = await reset({ cookie }, target);
      assert.equal(refused.status, 403, target);
      assert.equal(refused.body.error.code, 'operator-target-forbidden');
    }
    assert.equal((await get('/api/v1/admin/doctor/users/ops', { cookie })).status, 403, "an administrator's verdict is not theirs to read");
    assert.equal((await get('/api/v1/admin/doctor/users/ben', { cookie })).status, 200);
    const sync = await postJson(svc.baseUrl, '/api/v1/admin/sync', {}, { headers: { cookie } });
    assert.equal(sync.status, 403);
    assert.equal(sync.body.error.code, 'admin-only');
    assert.equal((await get('/admin/access', { cookie })).status, 403);
    assert.equal((await get('/api/v1/admin/tokens', { cookie })).status, 403);
    const policyPage = await get('/admin/policy', { cookie });
    assert.ok(policyPage.status === 403 || policyPage.status === 404, `/admin/policy: ${policyPage.status}`);

    // Limited to a group: only that group's members.
    const hana = await svc.services.users.get('hana');
    const sales = await svc.services.groups.add('Sales');
    await svc.services.users.setHelpdeskScope(hana.id, 'Sales');
    const outside = await reset({ cookie }, 'cid');
    assert.equal(outside.status, 403);
    assert.equal(outside.body.error.code, 'operator-target-forbidden');
    await svc.services.groups.addUser(sales.id, (await svc.services.users.get('cid')).id);
    assert.equal((await reset({ cookie }, 'cid')).status, 200);
    await svc.services.users.setHelpdeskScope(hana.id, null);
  });

  it('admin API tokens: scopes map onto needs, an expired token is refused, every use is recorded', async () => {
    const tokens = svc.services.adminTokens;
    const readOnly = await tokens.create('reports', { scope: 'read-only' });
    const helpdesk = await tokens.create('desk', { scope: 'helpdesk' });
    const lapsing = await tokens.create('short', { scope: 'admin', expiresInMs: 60_000 });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    assert.equal((await get('/api/v1/admin/doctor', bearer(readOnly.token))).status, 200);
    const readReset = await reset(bearer(readOnly.token), 'ben');
    assert.equal(readReset.status, 403);
    assert.equal(readReset.body.error.code, 'admin-token-scope');
    assert.equal((await reset(bearer(helpdesk.token), 'ben')).status, 200);
    assert.equal((await reset(bearer(helpdesk.token), 'ops')).body.error.code, 'operator-target-forbidden');
    assert.equal((await postJson(svc.baseUrl, '/api/v1/admin/sync', {}, { headers: bearer(helpdesk.token) })).body.error.code, 'admin-token-scope');

    assert.equal((await get('/api/v1/admin/doctor', bearer(lapsing.token))).status, 200);
    clock.advance(61_000);
    const expired = await get('/api/v1/admin/doctor', bearer(lapsing.token));
    assert.equal(expired.status, 401);
    assert.equal(((await expired.json()) as { error: { code: string } }).error.code, 'admin-token-expired');

    clock.advance(5_000);
    assert.equal((await get('/api/v1/admin/doctor', bearer(readOnly.token))).status, 200);
    const listed = (await tokens.list()).find((t) => t.id === readOnly.id)!;
    assert.equal(listed.lastUsedAt, clock.now());
    assert.equal(listed.scope, 'read-only');
  });

  it('the Access section: roles assigned through the console are audited, tokens are shown once and revoked; changes need a fresh proof', async () => {
    const cookie = await signIn('ops');
    await stepUp(cookie, 'ops');
    const page = await get('/admin/access', { cookie });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<table id="operators"/);
    assert.match(html, /href="\/admin\/access" aria-current="page"/);
    const csrfCookie = (page.headers.getSetCookie().find((c) => c.includes('csrf')) ?? '').split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const post = (path: string, fields: Record<string, string>) =>
      fetch(svc.baseUrl + path, { method: 'POST', headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, ...fields }), redirect: 'manual' });

    const noCsrf = await fetch(`${svc.baseUrl}/admin/access/role`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'cid', role: 'helpdesk', action: 'assign' }) });
    assert.equal(noCsrf.status, 403);
    const assigned = await post('/admin/access/role', { username: 'cid', role: 'helpdesk', action: 'assign', scopeGroup: 'Sales' });
    assert.equal(assigned.status, 200);
    assert.match(await assigned.text(), /cid now holds the role Helpdesk/);
    assert.deepEqual(await svc.services.users.grantsOf((await svc.services.users.get('cid')).id), { roles: ['helpdesk'], helpdeskScope: 'Sales' });
    const trail = await svc.services.auditLog.list({ username: 'cid' });
    assert.ok(trail.some((e) => e.event === 'role-assigned' && e.detail?.by === 'user:ops' && e.detail?.role === 'helpdesk' && e.detail?.scope === 'Sales'));
    const unknownGroup = await post('/admin/access/role', { username: 'cid', role: 'helpdesk', action: 'assign', scopeGroup: 'Nowhere' });
    assert.equal(unknownGroup.status, 404);

    const created = await post('/admin/access/token', { name: 'nightly report', scope: 'read-only', expiresInDays: '30' });
    const createdHtml = await created.text();
    const token = /<code id="new-token">([^<]+)<\/code>/.exec(createdHtml)![1]!;
    assert.equal((await get('/api/v1/admin/doctor', { authorization: `Bearer ${token}` })).status, 200);
    const again = await (await get('/admin/access', { cookie })).text();
    assert.doesNotMatch(again, new RegExp(token.split('.')[1]!), 'the secret is shown only once');
    const id = /^sspr_admin_([0-9a-f]{16})\./.exec(token)![1]!;
    assert.match(again, new RegExp(`<tr id="token-${id}"[^>]*>`));
    assert.equal((await post('/admin/access/token/revoke', { id })).status, 200);
    assert.equal((await get('/api/v1/admin/doctor', { authorization: `Bearer ${token}` })).status, 401);

    clock.advance(6 * MINUTE);
    const stale = await post('/admin/access/role', { username: 'cid', role: 'helpdesk', action: 'remove' });
    assert.equal(stale.status, 303);
    assert.equal(stale.headers.get('location'), `/admin/step-up?fresh=1&next=${encodeURIComponent('/admin/access')}`);
    assert.deepEqual((await svc.services.users.grantsOf((await svc.services.users.get('cid')).id)).roles, ['helpdesk']);

    // The same through the JSON API.
    await stepUp(cookie, 'ops');
    const removed = await fetch(`${svc.baseUrl}/api/v1/admin/users/cid/roles/helpdesk`, { method: 'DELETE', headers: { cookie } });
    assert.equal(removed.status, 200);
    assert.deepEqual(await removed.json(), { changed: true });
    const made = await postJson(svc.baseUrl, '/api/v1/admin/tokens', { name: 'desk bot', scope: 'helpdesk', expiresInDays: 7 }, { headers: { cookie } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.info.scope, 'helpdesk');
    const listed = (await (await get('/api/v1/admin/tokens', { cookie })).json()) as { tokens: Array<{ id: string; lastUsedAt: string | null }> };
    assert.ok(listed.tokens.some((t) => t.id === made.body.info.id && t.lastUsedAt === null));
    const badScope = await postJson(svc.baseUrl, '/api/v1/admin/tokens', { name: 'x', scope: 'root' }, { headers: { cookie } });
    assert.equal(badScope.status, 400);
    const operators = (await (await get('/api/v1/admin/operators', { cookie })).json()) as { operators: Array<{ username: string; roles: string[] }> };
    assert.ok(operators.operators.some((o) => o.username === 'hana' && o.roles.includes('helpdesk')));
    assert.ok(!operators.operators.some((o) => o.username === 'cid'));
  });
});

describe('console access in demo mode', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_DEMO: 'true' } });
  });
  after(() => svc.close());

  it('the demo administrator steps up with the code shown on the demo outbox', async () => {
    const { users, groups, licences, registrations, clock } = svc.services;
    await seedDemoOrganisation(users, groups, licences, registrations, clock.now());
    await users.setPasswordHash((await users.get('dieter')).id, await hashPassword('dieter demo passphrase 1'));
    const signedIn = await postJson(svc.baseUrl, '/api/v1/session', { username: 'dieter', password: 'dieter demo passphrase 1' });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { methods } = (await (await fetch(`${svc.baseUrl}/api/v1/session/step-up`, { headers: { cookie } })).json()) as { methods: Array<{ id: string; type: string }> };
    assert.deepEqual(methods.map((m) => m.type).sort(), ['email', 'totp'], 'the demo administrator steps up by e-mail (outbox) or the demo authenticator app');
    const email = methods.find((m) => m.type === 'email')!;
    assert.equal((await postJson(svc.baseUrl, '/api/v1/session/step-up/send', { methodId: email.id }, { headers: { cookie } })).status, 200);
    await svc.services.mail.drain();
    const mail = svc.services.outbox!.list().find((m) => m.to === 'dieter@example.org')!;
    const code = /\b(\d{6,10})\b/.exec(mail.text)![1]!;
    assert.equal((await postJson(svc.baseUrl, '/api/v1/session/step-up/verify', { methodId: email.id, code }, { headers: { cookie } })).status, 200);
    assert.equal((await fetch(`${svc.baseUrl}/admin/doctor`, { headers: { cookie } })).status, 200);
    const account = await (await fetch(`${svc.baseUrl}/account`, { headers: { cookie } })).text();
    assert.match(account, /id="console-link" href="\/admin"/);
  });
});

describe('console step-up with a passkey', () => {
  let svc: TestService;
  const authenticator = new SoftAuthenticator('localhost', 'http://localhost');
  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_PUBLIC_URL: 'http://localhost' } });
    await svc.services.policy.update({ methods: ['email', 'totp', 'passkey'] }, 'test');
    await svc.services.users.add({ username: 'pia', isAdmin: true, email: 'pia@example.org', passwordHash: await hashPassword('pia old passphrase 1') });
  });
  after(() => svc.close());

  const signIn = async () => {
    const response = await postJson(svc.baseUrl, '/api/v1/session', { username: 'pia', password: 'pia old passphrase 1' });
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  };
  const offered = async (cookie: string) =>
    ((await (await fetch(`${svc.baseUrl}/api/v1/session/step-up`, { headers: { cookie } })).json()) as { methods: Array<{ id: string; type: string }> }).methods;

  it('a passkey registered in an earlier session steps up; one registered in this session does not', async () => {
    const first = await signIn();
    const options = await postJson(svc.baseUrl, '/api/v1/me/methods/passkey/options', {}, { headers: { cookie: first } });
    const registered = await postJson(svc.baseUrl, '/api/v1/me/methods/passkey', { credential: authenticator.register(options.body.challenge), label: 'Laptop' }, { headers: { cookie: first } });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    assert.deepEqual(await offered(first), [], 'a method added with the password alone is not its own second proof');

    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await signIn();
    const [passkey] = await offered(second);
    assert.equal(passkey?.type, 'passkey');
    const begun = await postJson(svc.baseUrl, `/api/v1/session/step-up/passkey/options?m=${passkey!.id}`, {}, { headers: { cookie: second } });
    assert.equal(begun.status, 200, JSON.stringify(begun.body));
    const assertion = authenticator.authenticate(begun.body.challenge);
    const verified = await postJson(svc.baseUrl, `/api/v1/session/step-up/passkey/verify?m=${passkey!.id}&next=${encodeURIComponent('//evil.example')}`, assertion, { headers: { cookie: second } });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.next, '/admin');
    assert.equal((await fetch(`${svc.baseUrl}/api/v1/admin/doctor`, { headers: { cookie: second } })).status, 200);
    const replayed = await postJson(svc.baseUrl, `/api/v1/session/step-up/passkey/verify?m=${passkey!.id}`, assertion, { headers: { cookie: second } });
    assert.equal(replayed.body.error.code, 'code-not-sent', 'the challenge was single use');
  });
});
