import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TOTP, Secret } from 'otpauth';
import { startTestService, type TestService } from '../support/test-service.js';
import { FormClient, csrfOf } from '../support/form-client.js';
import { hashPassword } from '../../src/crypto/password-hash.js';
import { NO_SCRIPT_BUDGET } from '../../src/captcha/no-script.js';

const SECRET = 'JBSWY3DPEHPK3PXP';

/** Pages as a browser without JavaScript sees them: the reset steps, the rules' checklist, unlock, security info. */
describe('the reset and security-info experience, without JavaScript', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ dialect: 'sqlite' });
    for (const name of ['rita', 'ruth']) {
      const user = await svc.services.users.add({ username: name, email: `${name}@example.org`, firstName: 'Rita', lastName: 'Sommerfeld' });
      await svc.services.registrations.add(user.id, 'totp', { secret: SECRET, lastStep: 0, label: 'Phone' }, svc.services.clock.now());
    }
  });
  after(() => svc.close());

  /** A flow of `username` verified with the authenticator app, on the new-password page. */
  const verified = async (username: string, step = 0) => {
    const client = new FormClient(svc.baseUrl);
    let page = await client.get('/reset?lang=en');
    assert.match(page.text, /<ol><li aria-current="step"[^>]*>Who you are<\/li>/);
    await client.post('/reset', { username, _csrf: csrfOf(page.text) });
    page = await client.get('/reset/method');
    assert.match(page.text, /aria-current="step"[^>]*>Verify</);
    assert.match(page.text, /<legend>How do you want to confirm it is you\?<\/legend>/);
    assert.equal((page.text.match(/<button type="submit"/g) ?? []).length, 1, 'one primary action for the list of methods');
    const methodId = /name="methodId" value="([^"]+)" data-method-type="totp"/.exec(page.text)?.[1] ?? '';
    const sent = await client.post('/reset/send', { methodId, _csrf: csrfOf(page.text) });
    page = await client.get(sent.response.headers.get('location') ?? '');
    assert.match(page.text, /Enter the 6-digit code your authenticator app shows now/);
    assert.match(page.text, /href="\/reset\/method">Use another method/);
    assert.match(page.text, /href="\/reset">Start again/);
    const code = new TOTP({ secret: Secret.fromBase32(SECRET) }).generate({ timestamp: Date.now() + step * 30_000 });
    const done = await client.post('/reset/code', { methodId, code, _csrf: csrfOf(page.text) });
    assert.equal(done.response.headers.get('location'), '/reset/password');
    return { client, page: await client.get('/reset/password') };
  };

  it('shows the rules before typing, marks them after a refused submit, and never echoes the password', async () => {
    const { client, page } = await verified('rita');
    assert.match(page.text, /aria-current="step"[^>]*>New password</);
    assert.match(page.text, /<li data-rule="length"[^>]*data-state="pending"[^>]*>At least 8 characters/);
    assert.match(page.text, /data-rule="names"/);
    assert.doesNotMatch(page.text, /points|strength \d|score/i);
    const weak = 'Sommerfeld2024';
    const refused = await client.post('/reset/password', { password: weak, confirm: weak, _csrf: csrfOf(page.text) });
    assert.equal(refused.response.status, 400);
    assert.match(refused.text, /id="error">Your new password does not meet every rule yet/);
    assert.match(refused.text, /id="password"[^>]*aria-invalid="true"/);
    assert.match(refused.text, /data-rule="length"[^>]*data-state="met"/);
    assert.match(refused.text, /data-rule="names"[^>]*data-state="unmet"[^>]*>Does not contain your user name or your name<span class="visually-hidden"> \(not met yet\)/);
    assert.doesNotMatch(refused.text, /sommer|2024/i, 'no part of the typed password comes back');
    assert.equal((refused.text.match(/class="help" id="password-hint"/g) ?? []).length, 1, 'at most one hint');

    const mismatch = await client.post('/reset/password', { password: 'Walnut comet harbour 6', confirm: 'Walnut comet harbour 7', _csrf: csrfOf(page.text) });
    assert.match(mismatch.text, /id="confirm"[^>]*aria-invalid="true" aria-describedby="confirm-error"/);
  });

  it('the language links keep the other query parameters (the code page keeps its method), same page only', async () => {
    const client = new FormClient(svc.baseUrl);
    let page = await client.get('/reset?lang=en');
    await client.post('/reset', { username: 'ruth', _csrf: csrfOf(page.text) });
    page = await client.get('/reset/method');
    const methodId = /name="methodId" value="([^"]+)" data-method-type="totp"/.exec(page.text)?.[1] ?? '';
    const sent = await client.post('/reset/send', { methodId, _csrf: csrfOf(page.text) });
    const codePath = sent.response.headers.get('location') ?? '';
    assert.equal(codePath, `/reset/code?m=${encodeURIComponent(methodId)}`);
    page = await client.get(codePath);
    const german = /<a href="([^"]+)" hreflang="de"/.exec(page.text)?.[1] ?? '';
    assert.equal(german, `?m=${encodeURIComponent(methodId)}&amp;lang=de`);
    const switched = await client.get('/reset/code' + german.replaceAll('&amp;', '&'));
    assert.match(switched.text, /<html lang="de">/);
    assert.match(switched.text, new RegExp(`name="methodId" value="${methodId}"`), 'the same method after switching');

    // Hostile parameters stay parameters of this page: re-encoded, the old lang replaced, no other origin or path.
    const hostile = await client.get('/reset?next=%2F%2Fevil.example%2F&x=%22%3E%3Cscript%3E&lang=de&lang=fr');
    const links = [...hostile.text.matchAll(/<a href="([^"]*)" hreflang="([^"]+)"/g)];
    assert.equal(links.length, 10);
    for (const [, href, lang] of links) {
      assert.equal(href, `?next=%2F%2Fevil.example%2F&amp;x=%22%3E%3Cscript%3E&amp;lang=${lang}`);
    }
    assert.doesNotMatch(hostile.text, /<script>/);
  });

  it('offers "unlock only" to no cloud-only account, and refuses it when asked anyway', async () => {
    const { client, page } = await verified('ruth', 1);
    assert.doesNotMatch(page.text, /action="\/reset\/unlock"/);
    const asked = await client.post('/reset/unlock', { _csrf: csrfOf(page.text) });
    assert.equal(asked.response.status, 409);
  });

  it('security info: the methods as a list, one "Add a method" entry, one small page per type', async () => {
    await svc.services.users.add({ username: 'sina', email: 'sina@example.org', passwordHash: await hashPassword('Sina has a passphrase 1') });
    const client = new FormClient(svc.baseUrl);
    const signin = await client.get('/signin?lang=en');
    await client.post('/signin', { username: 'sina', password: 'Sina has a passphrase 1', _csrf: csrfOf(signin.text) });
    const overview = await client.get('/account/security');
    assert.match(overview.text, /<ul class="methods-list" id="methods">\s*<li data-type="email"><strong>Email<\/strong> <span class="detail">•••••@e•••••\.org<\/span>/);
    assert.equal((overview.text.match(/class="button"/g) ?? []).length, 1, 'one primary entry: "Add a method"');
    assert.match(overview.text, /<a class="button" href="\/account\/security\/add">Add a method<\/a>/);
    const add = await client.get('/account/security/add');
    const links = [...add.text.matchAll(/href="\/account\/security\/add\/([a-z-]+)"/g)].map((m) => m[1]);
    assert.deepEqual(links, ['email', 'totp', 'questions', 'recovery-codes'], 'no SMS without a gateway, no passkey on an IP address');
    const codes = await client.get('/account/security/add/recovery-codes');
    assert.match(codes.text, /<button type="submit">Create recovery codes<\/button>/);
    assert.equal((await client.get('/account/security/add/sms')).response.status, 303, 'a type the service cannot deliver is not offered');
    assert.equal((await client.get('/account/security/add/carrier-pigeon')).response.status, 404);
  });
});

describe('the no-script path of the captcha', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_CAPTCHA: 'on' } });
    await svc.services.users.add({ username: 'nora', email: 'nora@example.org' });
  });
  after(() => svc.close());

  it('starts a reset without JavaScript within its per-name and per-network budget, and refuses beyond it', async () => {
    const client = new FormClient(svc.baseUrl);
    const page = await client.get('/reset?lang=en');
    assert.match(page.text, /<input type="hidden" name="captcha" value="no-script">/);
    assert.match(page.text, /<noscript><p class="help">Your browser runs no JavaScript/);
    const start = (username: string) => client.post('/reset', { username, captcha: 'no-script', _csrf: csrfOf(page.text) });
    for (let i = 0; i < NO_SCRIPT_BUDGET.perName; i++) assert.equal((await start('nora')).response.status, 303, `start ${i + 1} of the name's budget`);
    const overName = await start('nora');
    assert.equal(overName.response.status, 429);
    assert.doesNotMatch(overName.text, /automatic browser check did not pass/);
    // The name's budget is spent; the client network's (3 per hour) runs out on the next name after one more.
    assert.equal((await start('someone-else')).response.status, 429, 'the refused attempt counted for the network too');
    // A forged solution is still a failed captcha, and the JSON API knows no no-script path.
    const forged = await client.post('/reset', { username: 'nora', captcha: 'bm90IGEgc29sdXRpb24=', _csrf: csrfOf(page.text) });
    assert.match(forged.text, /automatic browser check did not pass/);
    const api = await fetch(`${svc.baseUrl}/api/v1/reset/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nora', captcha: 'no-script' }) });
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'captcha-failed');
  });
});
