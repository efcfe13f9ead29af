import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../support/test-service.js';
import { FormClient, csrfOf } from '../support/form-client.js';
import { hashPassword } from '../../src/crypto/password-hash.js';

describe('pages: headers, CSRF, language, demo outbox', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ dialect: 'sqlite' });
  });
  after(() => svc.close());

  it('sends the security headers and no-store on flow pages', async () => {
    const { response } = await new FormClient(svc.baseUrl).get('/reset');
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const part of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"]) assert.ok(csp.includes(part), part);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('sspr_csrf='));
    assert.ok(cookie && /HttpOnly/.test(cookie) && /SameSite=Lax/.test(cookie), cookie);
  });

  it('refuses a form without the right CSRF token, and accepts it with the token', async () => {
    const client = new FormClient(svc.baseUrl);
    const page = await client.get('/reset');
    const missing = await client.post('/reset', { username: 'anyone' });
    assert.equal(missing.response.status, 403);
    assert.match(missing.text, /not sent from this site/);
    const forged = await client.post('/reset', { username: 'anyone', _csrf: 'A'.repeat(43) });
    assert.equal(forged.response.status, 403);
    const stranger = new FormClient(svc.baseUrl);
    const other = await stranger.post('/reset', { username: 'anyone', _csrf: csrfOf(page.text) });
    assert.equal(other.response.status, 403, "another browser's token does not fit this browser's cookie");
    const ok = await client.post('/reset', { username: 'anyone', _csrf: csrfOf(page.text) });
    assert.equal(ok.response.status, 303);
    assert.equal(ok.response.headers.get('location'), '/reset/method');
    assert.ok(client.cookies.has('sspr_flow'));
  });

  it('speaks German by Accept-Language and by the language switch, and remembers the choice', async () => {
    const client = new FormClient(svc.baseUrl);
    const byHeader = await client.get('/reset', { 'accept-language': 'de-AT,de;q=0.9' });
    assert.match(byHeader.text, /<html lang="de">/);
    assert.match(byHeader.text, /Kennwort zurücksetzen/);
    const switched = await client.get('/reset?lang=en', { 'accept-language': 'de' });
    assert.match(switched.text, /Reset your password/);
    const remembered = await client.get('/reset', { 'accept-language': 'de' });
    assert.match(remembered.text, /Reset your password/, 'the explicit choice wins over the header');
    assert.match(remembered.text, /href="\?lang=de"/);
  });

  it('speaks each of the ten languages: regional fallbacks, BCP 47 tags in the switch, the page in the language', async () => {
    const fresh = () => new FormClient(svc.baseUrl);
    for (const [header, lang, title] of [
      ['pt-PT,pt;q=0.9', 'pt-BR', 'Redefinir sua senha'], ['ja-JP', 'ja', 'パスワードのリセット'], ['pl', 'pl', 'Resetowanie hasła'],
      ['sv-FI', 'sv', 'Återställ ditt lösenord'], ['nl-BE', 'nl', 'Uw wachtwoord opnieuw instellen'], ['zh-CN', 'en', 'Reset your password'],
    ] as const) {
      const page = await fresh().get('/reset', { 'accept-language': header });
      assert.match(page.text, new RegExp(`<html lang="${lang}">`), header);
      assert.ok(page.text.includes(title), `${header}: ${title}`);
    }
    const chosen = await fresh().get('/reset?lang=pt-br', { 'accept-language': 'de' });
    assert.match(chosen.text, /<html lang="pt-BR">/, 'an explicit choice in any spelling');
    for (const lang of ['en', 'de', 'fr', 'es', 'it', 'nl', 'pl', 'sv', 'ja']) assert.match(chosen.text, new RegExp(`href="\\?lang=${lang}"`), lang);
  });

  it('shows method hints in the language of the page being read, not the one the flow was started in', async () => {
    const tina = await svc.services.users.add({ username: 'tina', email: 'tina@example.org' });
    await svc.services.registrations.add(tina.id, 'totp', { secret: 'JBSWY3DPEHPK3PXP', lastStep: 0, label: 'Phone' }, svc.services.clock.now());
    const client = new FormClient(svc.baseUrl);
    const page = await client.get('/reset?lang=en');
    assert.equal((await client.post('/reset', { username: 'tina', _csrf: csrfOf(page.text) })).response.status, 303);
    assert.match((await client.get('/reset/method')).text, /Code from your authenticator app/);
    const german = await client.get('/reset/method?lang=de');
    assert.match(german.text, /Code aus Ihrer Authenticator-App/);
    assert.doesNotMatch(german.text, /Code from your authenticator app/);
  });

  it('a flow page without a flow says so and offers to start again', async () => {
    const { response, text } = await new FormClient(svc.baseUrl).get('/reset/code');
    assert.equal(response.status, 404);
    assert.match(text, /expired or does not exist/);
    assert.match(text, /href="\/reset"/);
  });

  it('escapes what users typed', async () => {
    const client = new FormClient(svc.baseUrl);
    const page = await client.get('/signin');
    const result = await client.post('/signin', { username: '<script>alert(1)</script>', password: 'x', _csrf: csrfOf(page.text) });
    assert.equal(result.response.status, 401);
    assert.ok(!result.text.includes('<script>alert(1)</script>'));
    assert.ok(result.text.includes('&lt;script&gt;'));
  });

  it('each browser and each user get their own token, name, error and next on pages whose fixed parts are kept', async () => {
    for (const name of ['ada', 'bo']) {
      await svc.services.users.add({ username: name, email: `${name}@example.org`, firstName: name.toUpperCase(), lastName: 'Tester', passwordHash: await hashPassword(`${name} keeps a long passphrase 1`) });
    }
    const [a, b] = [new FormClient(svc.baseUrl), new FormClient(svc.baseUrl)];
    const [formA, formB] = [await a.get('/signin?next=/account/security'), await b.get('/signin')];
    assert.notEqual(csrfOf(formA.text), csrfOf(formB.text));
    assert.match(formA.text, /name="next" value="\/account\/security"/);
    assert.doesNotMatch(formB.text, /name="next"/);
    assert.match(formA.text, /href="\?next=%2Faccount%2Fsecurity&amp;lang=de"/, 'the switch keeps the query');
    assert.match(formB.text, /href="\?lang=de"/);
    const refused = await a.post('/signin', { username: 'ada"<', password: 'wrong', _csrf: csrfOf(formA.text) });
    assert.match(refused.text, /value="ada&quot;&lt;" aria-invalid="true"/);
    assert.match((await b.get('/signin')).text, /maxlength="256" value="" autofocus>/, "another browser's form is empty");

    for (const [client, name] of [[a, 'ada'], [b, 'bo']] as const) {
      const form = await client.get('/signin');
      const done = await client.post('/signin', { username: name, password: `${name} keeps a long passphrase 1`, _csrf: csrfOf(form.text) });
      assert.equal(done.response.headers.get('location'), '/account');
    }
    const [accountA, accountB] = [await a.get('/account'), await b.get('/account')];
    assert.match(accountA.text, /id="profile-username">ada</);
    assert.match(accountB.text, /id="profile-username">bo</);
    assert.doesNotMatch(accountB.text, /ada/);
    assert.notEqual(csrfOf(accountA.text), csrfOf(accountB.text));
    const mismatch = await a.post('/account/password', { current: 'ada keeps a long passphrase 1', password: 'Walnut comet harbour 6', confirm: 'Walnut comet harbour 7', _csrf: csrfOf(accountA.text) });
    assert.match(mismatch.text, /id="confirm"[^>]*aria-invalid="true"/);
    const after = await b.get('/account');
    assert.doesNotMatch(after.text, /aria-invalid/, "one user's refusal is not on another's page");
    assert.equal(after.text.replace(csrfOf(after.text), ''), accountB.text.replace(csrfOf(accountB.text), ''));
  });

  it('has no outbox outside demo mode, and health probes answer', async () => {
    assert.equal((await fetch(svc.baseUrl + '/demo/outbox')).status, 404);
    assert.equal((await fetch(svc.baseUrl + '/healthz')).status, 200);
    const ready = await fetch(svc.baseUrl + '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
  });
});

describe('pages in demo mode', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_DEMO: 'true' } });
    await svc.services.users.add({ username: 'erik', email: 'erik@example.org' });
  });
  after(() => svc.close());

  it('shows sent codes on the outbox page', async () => {
    const client = new FormClient(svc.baseUrl);
    let page = await client.get('/reset');
    await client.post('/reset', { username: 'erik', _csrf: csrfOf(page.text) });
    page = await client.get('/reset/method');
    const methodId = /name="methodId" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const sent = await client.post('/reset/send', { methodId, _csrf: csrfOf(page.text) });
    assert.equal(sent.response.status, 303);
    await svc.services.mail.drain();
    const outbox = await client.get('/demo/outbox');
    assert.equal(outbox.response.status, 200);
    assert.match(outbox.text, /erik@example.org/);
    assert.match(outbox.text, /Your password reset code is: \d{6}/);
  });
});
