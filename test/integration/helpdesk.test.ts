import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd, type Slapd } from '../support/slapd.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { runServiceSync } from '../../src/app/service-sync.js';
import { FormClient, csrfOf } from '../support/form-client.js';
import { signInToConsole } from '../support/console-step-up.js';
import { hashPassword } from '../../src/crypto/password-hash.js';

/**
 * Helpdesk caller verification against a real OpenLDAP (ppolicy) and a real SMTP server: the operator sends a code
 * to the user's address, types what the caller read out (taken from the SMTP sink), and only then may reset (checked
 * by a bind with the new password) and unlock; wrong codes void the verification; codes to one user are limited;
 * a user without a method needs a recorded reason; the owner is told; nothing works without verification.
 */
describe('helpdesk: verify the caller, then reset or unlock', () => {
  let slapd: Slapd;
  let smtp: SmtpSink;
  let svc: TestService;
  let dataDir: string;
  let token: string;
  let otherToken: string;

  before(async () => {
    slapd = await startSlapd();
    smtp = await SmtpSink.start();
    await slapd.addUser({ uid: 'lena', password: 'Original-Pass-1', givenName: 'Lena', sn: 'Lindqvist', mail: 'lena@example.org' });
    await slapd.addUser({ uid: 'karl', password: 'Original-Pass-2', givenName: 'Karl', sn: 'Klein', mail: 'karl@example.org' });
    await slapd.addUser({ uid: 'nora', password: 'Original-Pass-3', givenName: 'Nora', sn: 'Nomail' });
    await slapd.addUser({ uid: 'paul', password: 'Original-Pass-4', givenName: 'Paul', sn: 'Pages', mail: 'paul@example.org' });
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-helpdesk-'));
    const directory = { kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn };
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: { SSPR_DIRECTORY: JSON.stringify(directory) }, dataDir });
    await runServiceSync(svc.services, { full: true });
    token = (await svc.services.adminTokens.create('helpdesk test')).token;
    otherToken = (await svc.services.adminTokens.create('another operator')).token;
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, body?: unknown, bearer = token) => {
    const response = await fetch(`${svc.baseUrl}/api/v1/admin/helpdesk/${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const directoryAccepts = async (username: string, password: string) => {
    const account = await svc.services.onprem!.findAccount(username);
    return svc.services.onprem!.verifyPassword(account!, password).catch(() => false);
  };
  const mailsTo = (to: string) => smtp.messages.filter((m) => m.to === to);
  const events = async (username: string, event: string) => (await svc.services.auditLog.list({ username })).filter((e) => e.event === event);

  it('refuses reset and unlock without a verification (403), and audits the refusal', async () => {
    const reset = await api('POST', 'lena/reset', { password: 'Never set this 77' });
    assert.equal(reset.status, 403);
    assert.equal(reset.body.error.code, 'helpdesk-not-verified');
    assert.equal((await api('POST', 'lena/unlock', {})).status, 403);
    assert.equal(await directoryAccepts('lena', 'Original-Pass-1'), true);
    assert.equal((await events('lena', 'helpdesk-refused')).length, 2);
  });

  it('verifies the caller by an e-mail code, resets (bind works), unlocks, and tells the owner', async () => {
    const info = await api('GET', 'lena');
    assert.equal(info.status, 200);
    assert.deepEqual(info.body.methods.map((m: { id: string }) => m.id), ['directory-email']);
    assert.equal(info.body.mustChangeSupported, true);
    assert.equal(info.body.verifiedUntil, null);

    const before = smtp.messages.length;
    const started = await api('POST', 'lena/verifications', { method: 'directory-email' });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const code = await smtp.codeFor('lena@example.org', before);
    const wrong = code === '000000' ? '111111' : '000000';
    const miss = await api('POST', `lena/verifications/${started.body.verification}/check`, { code: wrong });
    assert.equal(miss.status, 400);
    assert.equal(miss.body.error.code, 'code-wrong');
    assert.match(miss.body.error.message, /4 tries left/);

    // Another operator cannot use this operator's verification.
    const stolen = await api('POST', `lena/verifications/${started.body.verification}/check`, { code }, otherToken);
    assert.equal(stolen.status, 409);
    assert.equal(stolen.body.error.code, 'helpdesk-verification-void');

    const ok = await api('POST', `lena/verifications/${started.body.verification}/check`, { code });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.ok(ok.body.verifiedUntil > Date.now());
    // The window is this operator's only.
    assert.equal((await api('POST', 'lena/reset', {}, otherToken)).status, 403);

    // Unlock inside the window: lock the account with bad binds first.
    for (let i = 0; i < 3; i++) await directoryAccepts('lena', 'wrong password');
    assert.equal((await svc.services.onprem!.findAccount('lena'))!.locked, true);
    const unlock = await api('POST', 'lena/unlock', {});
    assert.equal(unlock.status, 200, JSON.stringify(unlock.body));
    assert.equal((await svc.services.onprem!.findAccount('lena'))!.locked, false);

    const reset = await api('POST', 'lena/reset', { mustChange: false });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    const temporary: string = reset.body.temporaryPassword;
    assert.match(temporary, /^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    assert.equal(await directoryAccepts('lena', temporary), true, 'a bind with the temporary password works');
    assert.equal(await directoryAccepts('lena', 'Original-Pass-1'), false);
    // One verification, one reset: the same request again is refused.
    assert.equal((await api('POST', 'lena/reset', { mustChange: false })).status, 403);

    // Must change at next sign-in (OpenLDAP ppolicy pwdReset TRUE), after a new verification.
    const second = smtp.messages.length;
    const next = await api('POST', 'lena/verifications', { method: 'directory-email' });
    assert.equal((await api('POST', `lena/verifications/${next.body.verification}/check`, { code: await smtp.codeFor('lena@example.org', second) })).status, 200);
    const again = await api('POST', 'lena/reset', { password: 'Harbour lantern quartz 9', mustChange: true });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.temporaryPassword, null);
    assert.equal(again.body.mustChange, true);
    const pwdReset = await slapd.asRoot(async (client) => (await client.search(`uid=lena,${slapd.usersDn}`, { scope: 'base', attributes: ['pwdReset'] })).searchEntries[0]?.pwdReset);
    assert.equal(pwdReset, 'TRUE');
    assert.equal(await directoryAccepts('lena', 'Harbour lantern quartz 9'), true);

    const notice = await smtp.waitFor((m) => m.to === 'lena@example.org' && /help desk/.test(m.subject) && /reset/.test(m.subject));
    assert.match(notice.text, /If this was not you/);
    await smtp.waitFor((m) => m.to === 'lena@example.org' && /unlocked by the help desk/.test(m.subject));

    const resets = await events('lena', 'admin-reset-password');
    assert.deepEqual(resets.map((e) => [e.outcome, e.detail?.path, e.detail?.writtenBack]), [['success', 'helpdesk-reset', true], ['success', 'helpdesk-reset', true]]);
    assert.equal((await events('lena', 'helpdesk-unlock-account'))[0]?.outcome, 'success');
    assert.deepEqual((await events('lena', 'helpdesk-verify')).map((e) => e.outcome), ['failure', 'success', 'success']);
    const everything = JSON.stringify(await svc.services.auditLog.list({ username: 'lena' }));
    assert.ok(!everything.includes(code) && !everything.includes(temporary), 'neither code nor password in the audit trail');
  });

  it('five wrong codes void the verification; the right code is refused afterwards', async () => {
    const before = smtp.messages.length;
    const started = await api('POST', 'karl/verifications', { method: 'directory-email' });
    const code = await smtp.codeFor('karl@example.org', before);
    const wrong = code === '999999' ? '888888' : '999999';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await api('POST', `karl/verifications/${started.body.verification}/check`, { code: wrong })).body.error.code);
    assert.deepEqual(answers, ['code-wrong', 'code-wrong', 'code-wrong', 'code-wrong', 'helpdesk-verification-void']);
    const late = await api('POST', `karl/verifications/${started.body.verification}/check`, { code });
    assert.equal(late.status, 409);
    assert.equal((await api('POST', 'karl/reset', {})).status, 403);
  });

  it('limits the codes sent to one user (no mail bomb), across verifications', async () => {
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await api('POST', 'karl/verifications', { method: 'directory-email' })).status);
    assert.ok(statuses.includes(429), statuses.join(','));
    // Mail goes out after the answer: wait for the fifth, then long enough for a sixth to show if one was sent.
    await smtp.waitFor(() => mailsTo('karl@example.org').length >= 5).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(mailsTo('karl@example.org').length, 5, 'five codes an hour, whoever asks');
    assert.equal((await events('karl', 'helpdesk-code-sent')).filter((e) => e.outcome === 'failure').length, statuses.filter((s) => s === 429).length);
  });

  it('a user without a method: reason required (audited), then the operator may act', async () => {
    const info = await api('GET', 'nora');
    assert.deepEqual(info.body.methods, []);
    assert.equal((await api('POST', 'nora/reset', {})).status, 403);
    const short = await api('POST', 'nora/reason', { reason: 'asked' });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.code, 'helpdesk-reason-required');
    const recorded = await api('POST', 'nora/reason', { reason: 'Caller known in person, badge 4711 checked at the desk' });
    assert.equal(recorded.status, 200);
    const reset = await api('POST', 'nora/reset', { password: 'Violet meadow anchor 3' });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.equal(await directoryAccepts('nora', 'Violet meadow anchor 3'), true);
    const reason = await events('nora', 'helpdesk-reason-recorded');
    assert.equal(reason[0]?.detail?.text, 'Caller known in person, badge 4711 checked at the desk');
    // A user with a method cannot be helped by a reason instead.
    const refused = await api('POST', 'paul/reason', { reason: 'I just do not feel like sending a code' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'helpdesk-has-method');
  });

  it('bad input is a 4xx with a sentence; an unknown user is 404; no operator is 401', async () => {
    assert.equal((await api('POST', 'paul/verifications', { method: 'nope' })).body.error.code, 'helpdesk-method-unavailable');
    assert.equal((await api('POST', 'paul/verifications', { method: 'x', extra: 1 })).status, 400);
    assert.equal((await api('POST', 'paul/verifications/unknown/check', { code: '123456' })).status, 409);
    assert.equal((await api('GET', 'nobody-here')).status, 404);
    const anonymous = await fetch(`${svc.baseUrl}/api/v1/admin/helpdesk/paul`);
    assert.equal(anonymous.status, 401);
  });

  it('the console page: send a code, type it, reset (temporary password shown once), unlock', async () => {
    await svc.services.users.add({ username: 'desk-admin', email: 'desk-admin@example.org', isAdmin: true, passwordHash: await hashPassword('desk admin passphrase 1') });
    const browser = new FormClient(svc.baseUrl);
    await signInToConsole(svc.services, svc.baseUrl, browser, 'desk-admin', 'desk admin passphrase 1');
    let page = await browser.get('/admin/helpdesk/paul');
    assert.equal(page.response.status, 200);
    assert.match(page.text, /id="hd-reset" disabled/);
    const refused = await browser.post('/admin/helpdesk/paul/reset', { _csrf: csrfOf(page.text), password: '' });
    assert.equal(refused.response.status, 403);
    assert.match(refused.text, /Verify the caller first/);

    const before = smtp.messages.length;
    const started = await browser.post('/admin/helpdesk/paul/start', { _csrf: csrfOf(page.text), method: 'directory-email' });
    assert.equal(started.response.status, 303);
    const location = started.response.headers.get('location')!;
    page = await browser.get(location);
    assert.match(page.text, /A code was sent to/);
    const code = await smtp.codeFor('paul@example.org', before);
    const v = new URL(location, svc.baseUrl).searchParams.get('v')!;
    const checked = await browser.post('/admin/helpdesk/paul/check', { _csrf: csrfOf(page.text), v, code });
    assert.equal(checked.response.status, 303);
    page = await browser.get('/admin/helpdesk/paul');
    assert.match(page.text, /id="hd-verified"/);
    assert.doesNotMatch(page.text, /id="hd-reset" disabled/);
    const unlocked = await browser.post('/admin/helpdesk/paul/unlock', { _csrf: csrfOf(page.text) });
    assert.match(unlocked.text, /The account was unlocked/);
    const reset = await browser.post('/admin/helpdesk/paul/reset', { _csrf: csrfOf(page.text), password: '', mustChange: '1' });
    assert.equal(reset.response.status, 200);
    assert.equal(reset.response.headers.get('cache-control'), 'no-store');
    const temporary = /id="hd-temporary">([^<]+)</.exec(reset.text)?.[1] ?? '';
    assert.equal(await directoryAccepts('paul', temporary), true);
    const repeated = await browser.post('/admin/helpdesk/paul/reset', { _csrf: csrfOf(page.text), password: '', mustChange: '1' });
    assert.equal(repeated.response.status, 403, 'a reloaded reset page cannot reset again');
    assert.doesNotMatch(repeated.text, /id="hd-temporary"/);
    const byWhom = (await events('paul', 'admin-reset-password'))[0]?.detail?.by;
    assert.equal(byWhom, 'user:desk-admin');
  });
});
