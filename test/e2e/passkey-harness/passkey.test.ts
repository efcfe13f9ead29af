import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PasskeyError } from '../../../src/methods/passkey/passkey-error.js';
import { launchChromium } from '../../support/chromium.js';
import { CSRF_TOKEN, startPasskeyHarness, type PasskeyHarness } from './passkey-harness-app.js';

/**
 * Passkey registration and sign-in through the real client script in Chromium, with the DevTools virtual
 * authenticator standing in for a platform authenticator. WebAuthn needs a secure context: the app listens
 * on 127.0.0.1 and the page is opened as http://localhost:PORT (rpId "localhost").
 */
describe('passkeys in Chromium with a virtual authenticator', () => {
  let harness: PasskeyHarness;
  let browser: Browser;
  let context: BrowserContext;
  let tab: Page;
  let baseUrl: string;
  const problems: string[] = [];

  before(async () => {
    harness = await startPasskeyHarness();
    baseUrl = `http://localhost:${harness.port}`;
    browser = await launchChromium();
    context = await browser.newContext();
    tab = await context.newPage();
    tab.on('console', (m) => m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && problems.push(m.text()));
    tab.on('pageerror', (e) => problems.push(e.message));
    const cdp = await context.newCDPSession(tab);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await harness?.app.close();
  });

  const clickAndLand = async (button: '#register' | '#login') => {
    await tab.goto(baseUrl + '/');
    await tab.click(button);
    await tab.waitForSelector('#done', { timeout: 15_000 });
    return tab.textContent('#done');
  };

  it('registers a passkey from the page', async () => {
    assert.equal(await clickAndLand('#register'), 'registered');
    assert.equal(harness.state.passkeys.length, 1);
    const passkey = harness.state.passkeys[0]!;
    assert.match(passkey.credentialId, /^[A-Za-z0-9_-]+$/);
    assert.match(passkey.publicKey, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(passkey.transports, ['internal']);
    assert.equal(typeof passkey.counter, 'number');
    assert.deepEqual(problems, []);
  });

  it('refuses to register the same authenticator twice (excludeCredentials) and says so', async () => {
    await tab.goto(baseUrl + '/');
    await tab.click('#register');
    await tab.waitForSelector('#status[data-state=error]');
    assert.match(await tab.textContent('#status') ?? '', /already registered/);
    assert.equal(await tab.getAttribute('#status', 'aria-live'), 'polite');
    assert.equal(harness.state.passkeys.length, 1);
  });

  it('signs in with it, and the signature counter round-trips forward', async () => {
    const passkey = harness.state.passkeys[0]!;
    const registeredCounter = passkey.counter;
    assert.equal(await clickAndLand('#login'), 'signed in');
    const afterFirst = passkey.counter;
    assert.equal(await clickAndLand('#login'), 'signed in');
    const afterSecond = passkey.counter;
    console.log(`virtual authenticator counters: registered ${registeredCounter}, then ${afterFirst}, ${afterSecond}`);
    assert.ok(afterFirst > registeredCounter && afterSecond > afterFirst, 'the counter moves forward with every use');
    const login = harness.state.verifyBodies.at(-1)!;
    assert.equal(login.ceremony, 'login');
    assert.equal((login.body as { id: string }).id, passkey.credentialId);
    assert.deepEqual(problems, []);
  });

  it('refuses a replayed sign-in response: the challenge is spent and the counter has moved on', async () => {
    const login = harness.state.verifyBodies.at(-1)!;
    const refusalsBefore = harness.state.refusals.length;
    const replay = await tab.request.post(baseUrl + '/api/passkey/login/verify', { data: login.body, headers: { 'x-csrf-token': CSRF_TOKEN } });
    assert.equal(replay.status(), 400);
    assert.deepEqual(harness.state.refusals.slice(refusalsBefore), ['challenge-mismatch']);

    // Even if an attacker also had the original challenge, the stored counter refuses the old assertion.
    const stored = harness.state.passkeys[0]!;
    await assert.rejects(harness.service.verifyAuthentication(login.body, login.challenge, stored), (e: unknown) => e instanceof PasskeyError && e.reason === 'counter-replay');
  });

  it('refuses a response to a different challenge than the one pending', async () => {
    const oldLogin = harness.state.verifyBodies.filter((v) => v.ceremony === 'login').at(-1)!;
    const options = await tab.request.post(baseUrl + '/api/passkey/login/options', { data: {}, headers: { 'x-csrf-token': CSRF_TOKEN } });
    assert.equal(options.status(), 200);
    const pending = (await options.json()).challenge;
    assert.notEqual(pending, oldLogin.challenge);
    const refusalsBefore = harness.state.refusals.length;
    const answer = await tab.request.post(baseUrl + '/api/passkey/login/verify', { data: oldLogin.body, headers: { 'x-csrf-token': CSRF_TOKEN } });
    assert.equal(answer.status(), 400);
    assert.equal((await answer.json()).error.code, 'challenge-mismatch');
    assert.deepEqual(harness.state.refusals.slice(refusalsBefore), ['challenge-mismatch']);
  });

  it('refuses a registration response as a sign-in, and junk as malformed', async () => {
    const registration = harness.state.verifyBodies.find((v) => v.ceremony === 'register')!;
    const stored = harness.state.passkeys[0]!;
    await assert.rejects(harness.service.verifyAuthentication(registration.body, registration.challenge, stored), (e: unknown) => e instanceof PasskeyError && e.reason === 'malformed');
    await assert.rejects(harness.service.verifyRegistration({ id: 'x' }, registration.challenge), (e: unknown) => e instanceof PasskeyError && e.reason === 'malformed');
  });

  it('sends the CSRF header, and the endpoints refuse requests without it', async () => {
    const refused = await tab.request.post(baseUrl + '/api/passkey/login/options', { data: {} });
    assert.equal(refused.status(), 403);
  });

  it('shows the server’s error message when verification is refused', async () => {
    // Remove the stored passkey: the browser still holds it, so sign-in reaches the server and is refused.
    const saved = harness.state.passkeys.splice(0);
    try {
      await tab.goto(baseUrl + '/');
      // With no allowCredentials the virtual authenticator offers its resident key for this RP.
      await tab.click('#login');
      await tab.waitForSelector('#status[data-state=error]');
      assert.equal(await tab.textContent('#status'), 'That passkey could not be verified.');
      assert.equal(harness.state.refusals.at(-1), 'unknown-credential');
    } finally {
      harness.state.passkeys.push(...saved);
    }
  });
});
