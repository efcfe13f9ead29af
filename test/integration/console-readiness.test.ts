/**
 * The overview's "can reset now": the exact number of users no user-level doctor check fails for, on a fixture with
 * users failing each kind of check — including those judged only in code (a mobile number by libphonenumber with
 * the default country, an address inside encrypted method data, a throttle block stored as a keyed hash) — and for
 * every user, the doctor's own verdict for that user agrees with their membership in the count. While e-mail cannot be
 * delivered, users whom e-mail makes able to reset leave the count, and the tile says why.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestService, type TestService } from '../support/test-service.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { FormClient, csrfOf } from '../support/form-client.js';
import { signInToConsole } from '../support/console-step-up.js';
import { hashPassword } from '../../src/crypto/password-hash.js';
import { ThrottleRepository } from '../../src/store/throttle-repository.js';
import { usernameKey } from '../../src/store/users-repository.js';
import { registrationContext } from '../../src/store/registrations-repository.js';
import type { CheckId } from '../../src/doctor/doctor-types.js';

/** Each fixture user, and the one check expected to fail for them (null: can reset). */
const expected: Record<string, CheckId | null> = {
  ada: null,
  'ok-mobile': null,
  'ok-national-mobile': null,
  'ok-block-ended': null,
  'ok-sms-registered': null,
  'bad-mobile': 'method-data-valid',
  'bad-registered-email': 'method-data-valid',
  'bad-registered-phone': 'method-data-valid',
  bouncing: 'method-data-valid',
  throttled: 'throttled',
  'no-methods': 'methods-registered',
  disabled: 'account-state',
  unlicensed: 'license-assigned',
  'out-of-scope': 'sspr-enabled',
  'one-method-admin': 'admin-policy',
  'synced-no-writeback': 'writeback-enabled',
};
const CAPABLE = Object.values(expected).filter((id) => id === null).length;

describe('console overview: users who can reset now, exact and as the doctor says', () => {
  let svc: TestService;
  let smtp: SmtpSink;
  let admin: FormClient;

  before(async () => {
    // E-mail codes must be deliverable for users with only an address to count (mail-server-reachable).
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: { SSPR_LOG_LEVEL: 'silent' } });
    const { services } = svc;
    const now = services.clock.now();
    // Scope: members of Staff (Team nested in it); licence: through Team, or directly.
    await services.policy.update({ enabled: 'selected', group: 'Staff', licenceRequired: true }, 'test');
    const staff = await services.groups.add('Staff');
    const team = await services.groups.add('Team');
    await services.groups.addGroup(staff, team);
    await services.licences.assign('sspr', 'group', team.id);
    const add = async (username: string, fields: { email?: string | null; mobile?: string | null; isAdmin?: boolean; source?: string; group?: 'team' | 'staff' | null; licence?: boolean } = {}) => {
      const user = await services.users.add({
        username,
        email: fields.email === undefined ? `${username}@example.org` : fields.email,
        mobile: fields.mobile ?? null,
        isAdmin: fields.isAdmin,
        source: fields.source,
        anchor: fields.source ? randomUUID() : null,
        passwordHash: username === 'ada' ? await hashPassword('Ada-Console-Passw0rd!') : null,
      });
      const group = fields.group === undefined ? 'team' : fields.group;
      if (group) await services.groups.addUser((group === 'team' ? team : staff).id, user.id);
      if (fields.licence) await services.licences.assign('sspr', 'user', user.id);
      return user;
    };
    const register = async (userId: string, type: string, data: object) => {
      const id = randomUUID();
      await services.store.db
        .insertInto('method_registrations')
        .values({ id, user_id: userId, type, data: services.cipher.encrypt(JSON.stringify(data), registrationContext(id)), created_at: now, confirmed_at: now, last_used_at: null })
        .execute();
    };
    await add('ada', { isAdmin: true });
    await add('ok-mobile', { mobile: '+49 151 12345671' });
    await add('ok-national-mobile', { mobile: '0151 12345671' });
    await add('ok-block-ended');
    await register((await add('ok-sms-registered', { email: null })).id, 'totp', { secret: 'x' });
    await add('bad-mobile', { mobile: '+49 30 12345678' });
    await register((await add('bad-registered-email')).id, 'email', { address: 'not-an-address' });
    await register((await add('bad-registered-phone')).id, 'sms', { phone: '12' });
    const bouncing = await add('bouncing');
    await services.store.db
      .insertInto('audit_events')
      .values({ at: now - 1000, event: 'email-delivery-failed', outcome: 'failure', user_id: bouncing.id, username: 'bouncing', flow: null, ip: null, user_agent: null, detail: JSON.stringify({ reason: 'mailbox unavailable' }) })
      .execute();
    await add('throttled');
    await add('no-methods', { email: null });
    await services.users.setEnabled((await add('disabled')).id, false);
    await add('unlicensed', { group: 'staff' });
    await add('out-of-scope', { group: null, licence: true });
    await add('one-method-admin', { isAdmin: true });
    await add('synced-no-writeback', { source: 'ldap' });
    const throttles = new ThrottleRepository(services.store.db, services.keys.keyFor('throttle'));
    await throttles.block(`user:${usernameKey('throttled')}:block`, now + 10 * 60_000, 'failed-proofs');
    await throttles.block(`user:${usernameKey('ok-block-ended')}:block`, now - 1000, 'failed-proofs');
    admin = new FormClient(svc.baseUrl);
    // Ada steps up with an authenticator app: her second method (administrators need two).
    await signInToConsole(services, svc.baseUrl, admin, 'ada', 'Ada-Console-Passw0rd!');
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  it('for every user, the doctor verdict for that user and membership in the count agree', async () => {
    const { services } = svc;
    const run = await services.doctor.beginPageRun();
    const users = await services.users.page('', 1000, run.fields);
    assert.equal(users.length, Object.keys(expected).length);
    let pauses = 0;
    const verdicts = new Map((await services.doctor.pageVerdicts(run, users, async () => void pauses++)).map((v) => [v.userId, v.failing]));
    await services.doctor.endPageRun(run);
    assert.ok(pauses >= users.length + 7, `the loop may be handed back after each read and each user (${pauses} pauses)`);
    for (const user of users) {
      const report = await services.doctor.diagnoseUser(user.username, 'en');
      const failing = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
      assert.deepEqual(verdicts.get(user.id), failing, `${user.username}: the sweep sees what the doctor sees`);
      const kind = expected[user.username];
      assert.equal(report.canReset, kind === null, `${user.username}: ${failing.join(', ') || 'can reset'}`);
      if (kind) assert.ok(failing.includes(kind), `${user.username} fails ${kind} (fails: ${failing.join(', ')})`);
    }
  });

  it('the overview shows the exact number, as of the count, and counts again on demand', async () => {
    const { services } = svc;
    const snapshot = await services.readiness.refresh();
    assert.equal(snapshot.users, Object.keys(expected).length);
    assert.equal(snapshot.capable, CAPABLE);
    assert.equal(snapshot.failing['method-data-valid'], 4);
    assert.equal(snapshot.failing.throttled, 1);
    assert.deepEqual(snapshot.blockedOnlyEnds.map(([, users]) => users), [1], 'the throttled user counts once the block ends');
    const api = await admin.json('GET', '/api/v1/admin/overview');
    // Three of them registered nothing: the address from the directory is their method (contactDataCounts).
    assert.deepEqual(api.body.users.capable, { count: CAPABLE, of: Object.keys(expected).length, at: snapshot.at, unregistered: 3, emailFailing: false, needEmail: 0 });
    const page = await admin.get('/admin?lang=en');
    assert.match(page.text, new RegExp(`<dd id="stat-capable">${CAPABLE} of ${Object.keys(expected).length} \\(31\\.3 %\\)</dd>`));
    assert.match(page.text, /id="stat-capable-at">Counted at /);
    assert.match(page.text, /blocked by the reset throttle counts again as soon as the block ends/);
    assert.match(page.text, /while e-mail cannot be delivered .*users who need an e-mail code are not counted/, 'the help states the delivery rule');
    assert.match(page.text, /id="stat-capable-unregistered">3 of them have registered no method/);
    // A fix (a mobile corrected) shows after a count on demand.
    const bad = await services.users.get('bad-mobile');
    await services.store.db.updateTable('users').set({ mobile: services.cipher.encrypt('+49 151 12345672', `users.mobile:${bad.id}`) }).where('id', '=', bad.id).execute();
    const recount = await admin.post('/admin/readiness', { _csrf: csrfOf(page.text) });
    assert.equal(recount.response.status, 303);
    assert.equal((await admin.post('/admin/readiness', {})).response.status, 403, 'no CSRF token, no count');
    const again = await services.readiness.refresh();
    assert.equal(again.capable, CAPABLE + 1);
    assert.equal((await admin.json('GET', '/api/v1/admin/overview')).body.users.capable.count, CAPABLE + 1);
    const german = await admin.get('/admin?lang=de');
    assert.match(german.text, new RegExp(`<dd id="stat-capable">${CAPABLE + 1} von ${Object.keys(expected).length} `));
    // The JSON route as an attacker tries it: no token, no count; a read-only token is refused outright (it starts
    // no work: console-scopes.test.ts); an admin token within the minute after the page's count is refused
    // (started false), so a loop of requests cannot keep the node sweeping.
    const readOnly = (await services.adminTokens.create('readiness probe', { scope: 'read-only' })).token;
    const adminToken = (await services.adminTokens.create('readiness admin', { scope: 'admin' })).token;
    const ask = (headers: Record<string, string>) => fetch(`${svc.baseUrl}/api/v1/admin/readiness`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    assert.equal((await ask({})).status, 401);
    assert.equal((await ask({ authorization: `Bearer ${readOnly}` })).status, 403);
    const asked = await ask({ authorization: `Bearer ${adminToken}` });
    assert.deepEqual([asked.status, await asked.json()], [202, { started: false }]);
  });

  it('while the SMTP server does not answer, users who need an e-mail code are not counted, and the tile says so', async () => {
    const { services } = svc;
    const before = await services.readiness.refresh();
    assert.equal(before.emailFailing, false);
    assert.ok((before.capableUnregistered ?? 0) > 0, 'users with directory contact data only count');
    // What a failing send records (MailServerState.watch): the server did not answer.
    services.mailServer.set({ status: 'unreachable', reason: 'connect ECONNREFUSED 127.0.0.1:25', at: services.clock.now() });
    // The count still shows the figure made while mail worked: the tile says mail changed since (a fresh doctor
    // run behind the banner: another language, as each language's run is reused for a minute).
    const stale = await admin.get('/admin?lang=fr');
    assert.match(stale.text, /id="stat-capable-mail-changed">Les e-mails ne peuvent pas être envoyés actuellement/);
    assert.match(stale.text, /class="health health-fail"/);

    const snapshot = await services.readiness.refresh();
    assert.equal(snapshot.emailFailing, true);
    // Only the user with an authenticator app and no address can reset; the five who could with e-mail cannot.
    assert.equal(snapshot.capable, 1);
    assert.equal(snapshot.capableButForEmail, before.capable - 1);
    const okMobile = await services.doctor.diagnoseUser('ok-mobile', 'en');
    assert.equal(okMobile.canReset, false);
    assert.deepEqual(okMobile.checks.filter((c) => c.status === 'fail').map((c) => c.id), ['mail-server-reachable']);
    assert.match(okMobile.checks.find((c) => c.id === 'mail-server-reachable')?.summary ?? '', /needs e-mail to reset/);
    assert.equal((await services.doctor.diagnoseUser('ok-sms-registered', 'en')).canReset, true);
    const api = await admin.json('GET', '/api/v1/admin/overview');
    assert.equal(api.body.users.capable.count, 1);
    assert.equal(api.body.users.capable.emailFailing, true);
    assert.equal(api.body.users.capable.needEmail, before.capable - 1);
    const page = await admin.get('/admin?lang=it');
    assert.match(page.text, new RegExp(`<dd id="stat-capable">1 su ${Object.keys(expected).length} `));
    assert.match(page.text, new RegExp(`id="stat-capable-need-email">Non contati: ${before.capable - 1} utenti`));
    assert.doesNotMatch(page.text, /stat-capable-mail-changed/, 'counted as mail is now: no caveat');
    const service = await services.doctor.diagnoseService('en');
    assert.equal(service.summary?.checks.find((c) => c.id === 'mail-server-reachable')?.failing, 12, 'every enabled user whom e-mail gives enough methods, whatever else fails (the disabled one and the one-method administrator excepted)');
    services.mailServer.set({ status: 'reachable', at: services.clock.now() });
  });
});
