import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { FormClient, csrfOf } from '../support/form-client.js';
import { signInToConsole } from '../support/console-step-up.js';
import { hashPassword } from '../../src/crypto/password-hash.js';

/**
 * The policy what-if on a hand-computed fixture of ten users with known methods (cloud-only; no SMS gateway and
 * no passkeys, so the deliverable types are e-mail, authenticator, questions and recovery codes):
 *
 *   u01 e-mail (contact), in Pilot          → {email}
 *   u02 e-mail + authenticator, licence sspr → {email, totp}
 *   u03 authenticator only                  → {totp}
 *   u04 nothing                             → {}
 *   u05 e-mail + questions                  → {email, questions}
 *   u06 mobile only (no SMS gateway)        → {}
 *   u07 disabled, e-mail + authenticator    → never counts
 *   u08 administrator, e-mail + authenticator → two-gate met
 *   u09 administrator, e-mail + questions   → questions never count for admins: {email}, short
 *   u10 e-mail + authenticator, in Pilot    → {email, totp}
 * Group Pilot holds the plan sspr-writeback. Under the default policy 6 can reset: u01 u02 u03 u05 u08 u10.
 */
for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`policy what-if: exact numbers on a known fixture (${dialect})`, () => {
  let svc: TestService;
  let token: string;

  before(async () => {
    svc = await startTestService({ dialect });
    const { users, registrations, groups, licences } = svc.services;
    const add = (username: string, extra: { email?: boolean; mobile?: boolean; isAdmin?: boolean } = {}) =>
      users.add({ username, email: extra.email ? `${username}@example.org` : null, mobile: extra.mobile ? '+4915112345678' : null, isAdmin: extra.isAdmin ?? false });
    const totp = (id: string) => registrations.add(id, 'totp', { secret: 'JBSWY3DPEHPK3PXP', lastStep: null, label: 'phone' }, Date.now());
    const questions = (id: string) => registrations.add(id, 'questions', { answers: [{ questionId: 'q1', hash: 'x' }] }, Date.now());
    const u01 = await add('u01', { email: true });
    const u02 = await add('u02', { email: true });
    await totp(u02.id);
    const u03 = await add('u03');
    await totp(u03.id);
    await add('u04');
    const u05 = await add('u05', { email: true });
    await questions(u05.id);
    await add('u06', { mobile: true });
    const u07 = await add('u07', { email: true });
    await totp(u07.id);
    await users.setEnabled(u07.id, false);
    const u08 = await add('u08', { email: true, isAdmin: true });
    await totp(u08.id);
    const u09 = await add('u09', { email: true, isAdmin: true });
    await questions(u09.id);
    const u10 = await add('u10', { email: true });
    await totp(u10.id);
    const pilot = await groups.add('Pilot');
    await groups.addUser(pilot.id, u01.id);
    await groups.addUser(pilot.id, u10.id);
    await licences.assign('sspr', 'user', u02.id);
    await licences.assign('sspr-writeback', 'group', pilot.id);
    token = (await svc.services.adminTokens.create('what-if test')).token;
  });
  after(async () => {
    await svc?.close();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${svc.baseUrl}/api/v1/admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const preview = async (candidate: Record<string, unknown>) => {
    const answer = await call('POST', 'policy/preview', candidate);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { before: b, after: a, gained, lost, gainedNames, lostNames } = answer.body;
    return { before: b, after: a, gained, lost, gainedNames, lostNames };
  };

  it('methods required 1 → 2: u01 and u03 could no longer reset', async () => {
    assert.deepEqual(await preview({ methodsRequired: 2 }), { before: 6, after: 4, gained: 0, lost: 2, gainedNames: [], lostNames: ['u01', 'u03'] });
  });

  it('two methods, questions no longer allowed: u05 loses too', async () => {
    assert.deepEqual(await preview({ methodsRequired: 2, methods: ['email', 'totp'] }), { before: 6, after: 3, gained: 0, lost: 3, gainedNames: [], lostNames: ['u01', 'u03', 'u05'] });
  });

  it('only the Pilot group: four lose, the administrator outside it included', async () => {
    assert.deepEqual(await preview({ enabled: 'selected', group: 'Pilot' }), { before: 6, after: 2, gained: 0, lost: 4, gainedNames: [], lostNames: ['u02', 'u03', 'u05', 'u08'] });
  });

  it('licence required: direct (u02) and by group (u01, u10) keep it', async () => {
    assert.deepEqual(await preview({ licenceRequired: true }), { before: 6, after: 3, gained: 0, lost: 3, gainedNames: [], lostNames: ['u03', 'u05', 'u08'] });
  });

  it('contact data no longer counts: u01 and the administrator u08 lose', async () => {
    assert.deepEqual(await preview({ contactDataCounts: false }), { before: 6, after: 4, gained: 0, lost: 2, gainedNames: [], lostNames: ['u01', 'u08'] });
  });

  it('after saving two methods (audited old → new), going back to one gains u01 and u03', async () => {
    const saved = await call('PUT', 'policy', { methodsRequired: 2 });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const audit = (await svc.services.auditLog.list({})).filter((e) => e.event === 'policy-saved');
    assert.equal(audit.at(-1)?.detail?.changes, 'methodsRequired: 1 → 2');
    assert.deepEqual(await preview({ methodsRequired: 1 }), { before: 4, after: 6, gained: 2, lost: 0, gainedNames: ['u01', 'u03'], lostNames: [] });
    await call('PUT', 'policy', { methodsRequired: 1 });
  });

  it('refuses a setting out of range with the rule and its range, and unknown settings, as 400', async () => {
    const big = await call('POST', 'policy/preview', { methodsRequired: 3 });
    assert.equal(big.status, 400);
    assert.equal(big.body.error.code, 'policy-setting-invalid');
    assert.match(big.body.error.message, /methodsRequired/);
    const throttle = await call('PUT', 'policy', { throttles: { smsPerHour: 1000 } });
    assert.equal(throttle.status, 400);
    assert.match(throttle.body.error.message, /throttles\.smsPerHour.*100/);
    const unknown = await call('POST', 'policy/preview', { frobnicate: 1 });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /frobnicate/);
    assert.equal((await call('POST', 'policy/preview?page=0', {})).status, 400);
  });

  it('banned terms are replaced as a list, validated by the CLI rule, and audited', async () => {
    const saved = await call('PUT', 'policy/banned-terms', { terms: ['Contoso', 'fabrikam', 'contoso'] });
    assert.deepEqual(saved.body.bannedTerms.sort(), ['contoso', 'fabrikam']);
    const short = await call('PUT', 'policy/banned-terms', { terms: ['abc'] });
    assert.equal(short.status, 400);
    assert.match(short.body.error.message, /4 to 64/);
  });

  it('the console page: preview shows the same numbers and names, then save (administrators only)', async () => {
    await svc.services.users.add({ username: 'policy-admin', email: 'policy-admin@example.org', isAdmin: true, passwordHash: await hashPassword('policy admin passphrase 1') });
    const browser = new FormClient(svc.baseUrl);
    await signInToConsole(svc.services, svc.baseUrl, browser, 'policy-admin', 'policy admin passphrase 1');
    const page = await browser.get('/admin/policy');
    assert.equal(page.response.status, 200);
    assert.doesNotMatch(page.text, /id="pe-save"/, 'no save before a preview');
    const form = {
      _csrf: csrfOf(page.text), enabled: 'all', group: '', methodsRequired: '2', questionsToRegister: '3', questionsToAnswer: '3', contactDataCounts: '1',
      reconfirmDays: '0', notifyUserOnReset: '1', notifyAdminsOnAdminReset: '1', refusalNotice: 'email', bannedTerms: 'contoso\nfabrikam',
      'throttles.failedProofs': '5', 'throttles.failedProofsWindowHours': '24', 'throttles.validationsPerMethodPerHour': '5', 'throttles.emailsPer10Minutes': '10', 'throttles.smsPerHour': '5', 'throttles.blockHours': '24',
    };
    const body = new URLSearchParams(form);
    for (const type of ['email', 'sms', 'totp', 'questions', 'passkey', 'recovery-codes']) body.append('methods', type);
    const post = (extra: Record<string, string>) => {
      const b = new URLSearchParams(body);
      for (const [k, v] of Object.entries(extra)) b.set(k, v);
      return fetch(`${svc.baseUrl}/admin/policy`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, body: b.toString(), redirect: 'manual' });
    };
    const previewed = await post({ action: 'preview' });
    const text = await previewed.text();
    assert.equal(previewed.status, 200);
    // 6 of the fixture plus policy-admin (e-mail and the authenticator app it stepped up with: two methods).
    assert.match(text, /Users able to reset now: 7\. After the change: 5\./);
    assert.match(text, /2 users could no longer reset/);
    assert.match(text, /id="pe-lost"><li><a href="\/admin\/helpdesk\/u01">u01<\/a><\/li><li><a href="\/admin\/helpdesk\/u03">u03<\/a>/);
    assert.match(text, /id="pe-save"/);
    const bad = await post({ action: 'preview', 'throttles.blockHours': '999' });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /throttles\.blockHours/);
    const saved = await post({ action: 'save' });
    assert.equal(saved.status, 303);
    assert.equal((await svc.services.policy.current()).methodsRequired, 2);
    await call('PUT', 'policy', { methodsRequired: 1 });
  });
});
}
