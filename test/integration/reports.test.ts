import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { FormClient } from '../support/form-client.js';
import { signInToConsole } from '../support/console-step-up.js';
import { hashPassword } from '../../src/crypto/password-hash.js';
import { csvCell } from '../../src/reports/csv.js';

/** The auditors' reports: exact numbers on a small fixture, paging, CSV export safe from spreadsheet formulas. */
for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`reports: coverage, resets, refusals, never registered, administrators (${dialect})`, () => {
  let svc: TestService;
  let token: string;

  before(async () => {
    svc = await startTestService({ dialect });
    const { users, registrations, groups, audit } = svc.services;
    const totp = (id: string) => registrations.add(id, 'totp', { secret: 'JBSWY3DPEHPK3PXP', lastStep: null, label: 'phone' }, Date.now());
    const ann = await users.add({ username: 'ann', email: 'ann@example.org' });
    await totp(ann.id);
    const bob = await users.add({ username: 'bob', displayName: '=HYPERLINK("http://evil.example","click")' });
    const cid = await users.add({ username: 'cid', displayName: '+SUM(A1:A9)' });
    await users.add({ username: 'dan', displayName: '@cmd' });
    const boss = await users.add({ username: 'boss', email: 'boss@example.org', isAdmin: true });
    await totp(boss.id);
    await users.add({ username: 'lone-admin', isAdmin: true, passwordHash: await hashPassword('lone admin passphrase 1') });
    const staff = await groups.add('Staff');
    const evil = await groups.add('-evil group');
    await groups.addUser(staff.id, ann.id);
    await groups.addUser(staff.id, bob.id);
    await groups.addUser(evil.id, cid.id);
    const record = audit.record.bind(audit);
    await record({ event: 'reset-verify', outcome: 'success', userId: ann.id, username: 'ann', detail: { method: 'totp' } });
    await record({ event: 'reset-verify', outcome: 'failure', userId: ann.id, username: 'ann', detail: { method: 'totp', reason: 'totp-wrong' } });
    await record({ event: 'reset-verify', outcome: 'failure', userId: ann.id, username: 'ann', detail: { method: 'email', reason: 'code-wrong' } });
    await record({ event: 'reset-password', outcome: 'success', userId: ann.id, username: 'ann', detail: { path: 'self-service-reset', writtenBack: false } });
    await record({ event: 'reset-blocked', outcome: 'failure', userId: bob.id, username: 'bob', detail: { reason: 'throttled' } });
    await record({ event: 'reset-start', outcome: 'failure', userId: bob.id, username: 'bob', detail: { reason: 'methods-registered' } });
    await record({ event: 'reset-start', outcome: 'failure', userId: cid.id, username: 'cid', detail: { reason: 'methods-registered' } });
    token = (await svc.services.adminTokens.create('reports test')).token;
  });
  after(async () => {
    await svc?.close();
  });

  const report = async (id: string, query = '') => {
    const response = await fetch(`${svc.baseUrl}/api/v1/admin/reports/${id}${query}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };
  const json = async (id: string, query = '') => JSON.parse((await report(id, query)).text);

  it('registration coverage by group, with every enabled user first', async () => {
    const { rows } = await json('coverage');
    assert.deepEqual(rows, [['*', 6, 2, '33.3 %'], ['-evil group', 1, 0, '0 %'], ['Staff', 2, 1, '50 %']]);
  });

  it('resets by method and outcome; refusals by reason, most frequent first', async () => {
    const resets = await json('resets');
    assert.deepEqual(resets.rows, [
      ['reset-verify', 'email', 'failure', 1],
      ['reset-verify', 'totp', 'failure', 1],
      ['reset-verify', 'totp', 'success', 1],
      ['reset-password', 'self-service-reset', 'success', 1],
    ]);
    const refusals = await json('refusals');
    assert.deepEqual(refusals.rows, [['methods-registered', 'reset-start', 2], ['code-wrong', 'reset-verify', 1], ['throttled', 'reset-blocked', 1], ['totp-wrong', 'reset-verify', 1]]);
  });

  it('users who never registered, and administrators short of two methods', async () => {
    const bob = await svc.services.users.get('bob');
    assert.equal(await svc.services.reminders.store.claimEnrolmentReminder(bob.id, svc.services.clock.now(), 7 * 86_400_000, 3), true);
    const never = (await json('never-registered')).rows as Array<Array<string | number>>;
    assert.deepEqual(never.map((r) => r[0]), ['bob', 'cid', 'dan', 'lone-admin']);
    assert.deepEqual(never.map((r) => r[4]), [1, 0, 0, 0], 'who was reminded to register, and how often');
    assert.deepEqual((await json('admins')).rows, [['boss', 'yes', 'email totp', 2, 'pass'], ['lone-admin', 'yes', '-', 0, 'fail']]);
  });

  it('CSV: streamed with a header, every cell quoted, formula starts neutralised', async () => {
    const csv = await report('never-registered', '?format=csv');
    assert.equal(csv.status, 200);
    assert.match(csv.type, /^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    assert.equal(lines[0], '"username","displayName","directory","admin","reminded"');
    assert.equal(lines[1], `"bob","'=HYPERLINK(""http://evil.example"",""click"")","local","no","1"`);
    assert.equal(lines[2], `"cid","'+SUM(A1:A9)","local","no","0"`);
    assert.equal(lines[3], `"dan","'@cmd","local","no","0"`);
    const coverage = await report('coverage', '?format=csv');
    assert.match(coverage.text, /"'-evil group","1","0","0 %"/);
    for (const start of ['=', '+', '-', '@', '\t', '\r']) assert.ok(csvCell(`${start}1`).startsWith(`"'`), JSON.stringify(start));
    assert.equal(csvCell('plain, "quoted"'), '"plain, ""quoted"""');
  });

  it('bad input is 4xx; an unknown report is 404; no operator is 401', async () => {
    assert.equal((await report('coverage', '?page=0')).status, 400);
    assert.equal((await report('coverage', '?format=xlsx')).status, 400);
    assert.equal((await report('nope')).status, 404);
    assert.equal((await fetch(`${svc.baseUrl}/api/v1/admin/reports/coverage`)).status, 401);
  });

  it('the pages render the same tables and offer the CSV', async () => {
    const browser = new FormClient(svc.baseUrl);
    await signInToConsole(svc.services, svc.baseUrl, browser, 'lone-admin', 'lone admin passphrase 1');
    const index = await browser.get('/admin/reports');
    assert.equal(index.response.status, 200);
    assert.match(index.text, /href="\/admin\/reports\/admins"/);
    const admins = await browser.get('/admin/reports/admins');
    assert.match(admins.text, /<th scope="row"[^>]*>lone-admin<\/th><td[^>]*>yes<\/td><td[^>]*>totp<\/td><td class="num"[^>]*>1<\/td><td[^>]*>not met<\/td>/, "the console step-up registered an authenticator app: one method, still not two");
    const csv = await browser.get('/admin/reports/never-registered?format=csv');
    assert.match(csv.text, /"'=HYPERLINK/);
    const german = await browser.get('/admin/reports/coverage?lang=de');
    assert.match(german.text, /Registrierungsabdeckung nach Gruppe/);
    // Refusals: each reason and event in words with its id beside it; the CSV keeps the ids alone.
    const refusals = await browser.get('/admin/reports/refusals?lang=en');
    assert.match(refusals.text, /<th scope="row"[^>]*>Too few methods registered <small class="reason-id">\(<code>methods-registered<\/code>\)<\/small><\/th><td[^>]*>Reset started <small class="event-id">\(<code>reset-start<\/code>\)<\/small><\/td><td class="num"[^>]*>2<\/td>/);
    assert.match(refusals.text, /Blocked by the throttles <small class="reason-id">\(<code>throttled<\/code>\)<\/small>/);
    const refusalsDe = await browser.get('/admin/reports/refusals?lang=de');
    assert.match(refusalsDe.text, /Zu wenige Methoden registriert <small class="reason-id">\(<code>methods-registered<\/code>\)/);
    // Resets: methods, origins and outcomes in the reader's words; the CSV keeps the stored values.
    const resetsDe = await browser.get('/admin/reports/resets?lang=de');
    assert.match(resetsDe.text, /<td[^>]*>Authenticator-App<\/td><td[^>]*>Erfolg<\/td>/);
    assert.match(resetsDe.text, /<td[^>]*>Self-Service-Zurücksetzung<\/td>/);
    assert.match((await browser.get('/admin/reports/resets?format=csv')).text, /"reset-password","self-service-reset","success"/);
    const refusalsCsv = await browser.get('/admin/reports/refusals?format=csv');
    assert.match(refusalsCsv.text, /"methods-registered","reset-start","?2"?/);
    assert.doesNotMatch(refusalsCsv.text, /Too few methods/);
    await browser.get('/admin/reports?lang=en');
  });
});
}
