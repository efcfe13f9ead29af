import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { solveChallenge } from 'altcha-lib/v1';
import { SmtpSink } from '../support/smtp-sink.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { postJson } from '../support/json-client.js';
import { ManualClock } from '../support/manual-clock.js';
import { hashPassword } from '../../src/crypto/password-hash.js';
import { generateRecoveryCodes, recoveryCodeKeyFor } from '../../src/methods/recovery-codes/recovery-codes.js';

/** The remaining knobs: captcha, notifications (user, administrators), registration required, re-confirmation. */
describe('policy knobs: captcha, notifications, registration at sign-in, re-confirmation', () => {
  let smtp: SmtpSink;
  let svc: TestService;
  const clock = new ManualClock();

  before(async () => {
    smtp = await SmtpSink.start();
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, clock, env: { SSPR_CAPTCHA: 'on' } });
    await svc.services.users.add({ username: 'boss', email: 'boss@example.org', isAdmin: true });
    await svc.services.users.add({ username: 'deputy', email: 'deputy@example.org', isAdmin: true });
    await svc.services.users.add({ username: 'pia', email: 'pia@example.org', passwordHash: await hashPassword('Pia has a passphrase 1') });
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
  });

  const solved = async () => {
    const challenge = (await (await fetch(svc.baseUrl + '/api/v1/captcha/challenge')).json()) as any;
    const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
    return Buffer.from(JSON.stringify({ algorithm: challenge.algorithm, challenge: challenge.challenge, number: solution?.number, salt: challenge.salt, signature: challenge.signature })).toString('base64');
  };

  it('captcha on: a flow starts only with a solved, unused challenge', async () => {
    const missing = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'pia' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'captcha-failed');
    const captcha = await solved();
    assert.equal((await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'pia', captcha })).status, 200);
    const replayed = await postJson(svc.baseUrl, '/api/v1/reset/start', { username: 'pia', captcha });
    assert.equal(replayed.body.error.code, 'captcha-failed');
    assert.match(replayed.body.error.message, /already used/);
  });

  const resetAdmin = async (username: string) => {
    const user = await svc.services.users.get(username);
    const { codes, digests } = generateRecoveryCodes(recoveryCodeKeyFor(svc.services.keys.keyFor('recovery-codes'), user.id));
    await svc.services.registrations.add(user.id, 'recovery-codes', { digests }, clock.now());
    const started = await postJson(svc.baseUrl, '/api/v1/reset/start', { username, captcha: await solved() });
    assert.equal(started.body.required, 2, 'administrators need two methods');
    const base = `/api/v1/reset/${started.body.flowId}`;
    const email = started.body.methods.find((m: any) => m.type === 'email');
    const count = smtp.messages.length;
    await postJson(svc.baseUrl, `${base}/send`, { methodId: email.id });
    await postJson(svc.baseUrl, `${base}/verify`, { methodId: email.id, code: await smtp.codeFor(`${username}@example.org`, count) });
    const second = await postJson(svc.baseUrl, `${base}/verify`, { methodId: started.body.methods.find((m: any) => m.type === 'recovery-codes').id, code: codes[0] });
    assert.equal(second.body.complete, true);
    assert.equal((await postJson(svc.baseUrl, `${base}/password`, { password: username === "boss" ? "Granite harbour velvet 7" : "Copper lantern meadow 9" })).status, 200);
    await svc.services.delivery.drain();
  };

  it('notifies the user and every other administrator when an administrator resets; both can be switched off', async () => {
    await resetAdmin('boss');
    assert.ok(smtp.messages.some((m) => m.to === 'boss@example.org' && /was reset/.test(m.subject)));
    assert.ok(smtp.messages.some((m) => m.to === 'deputy@example.org' && /administrator boss reset their password/.test(m.subject)));
    assert.ok(!smtp.messages.some((m) => m.to === 'pia@example.org'), 'non-administrators are not told');

    await svc.services.policy.update({ notifyUserOnReset: false, notifyAdminsOnAdminReset: false }, 'test');
    clock.advance(6_000);
    const before = smtp.messages.length;
    await resetAdmin('deputy');
    const after = smtp.messages.slice(before).map((m) => `${m.to}: ${m.subject}`);
    assert.ok(!after.some((line) => /reset/.test(line) && !/code/.test(line)), after.join('\n'));
  });

  it('registration required at sign-in sends users to security info until they have enough methods', async () => {
    const signIn = async () => {
      const page = await fetch(svc.baseUrl + '/signin');
      const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const response = await fetch(svc.baseUrl + '/signin', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ username: 'pia', password: 'Pia has a passphrase 1', _csrf: csrf }).toString(),
      });
      return response.headers.get('location');
    };
    assert.equal(await signIn(), '/account');
    await svc.services.policy.update({ registrationRequired: true, methodsRequired: 2 }, 'test');
    clock.advance(6_000);
    assert.equal(await signIn(), '/account/security', 'one method (the e-mail) is not enough for 2');
    await svc.services.policy.update({ registrationRequired: false, methodsRequired: 1, reconfirmDays: 30 }, 'test');
    const pia = await svc.services.users.get('pia');
    await svc.services.registrations.add(pia.id, 'totp', { secret: 'JBSWY3DPEHPK3PXP', lastStep: null, label: 'x' }, clock.now());
    clock.advance(6_000);
    assert.equal(await signIn(), '/account');
    clock.advance(31 * 86_400_000);
    assert.equal(await signIn(), '/account/security', 're-confirmation is due after 30 days');
    await svc.services.registrations.reconfirmAll(pia.id, clock.now());
    assert.equal(await signIn(), '/account');
  });
});
