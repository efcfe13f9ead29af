import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { TOTP, Secret } from 'otpauth';
import { startServerProcess, type ServerProcess } from '../support/processes.js';

/**
 * Keyboard only (Tab, Shift+Tab, Enter, Space and typing; no clicks, no fills): a reset, registering an
 * authenticator app, and changing the password — against the built demo server with the captcha off.
 */
describe('keyboard only, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  const resetTo = 'Keyboard walnut harbour 41';
  const changedTo = 'Keyboard lantern meadow 42';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-keys-'));
    const env = { SSPR_DATA_DIR: dataDir, SSPR_CAPTCHA: 'off', SSPR_LOG_LEVEL: 'warn' };
    server = await startServerProcess((port) => ({ ...env, SSPR_PORT: String(port) }), 'demo');
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-GB' });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Presses Tab until the focused element matches `selector` (page-side code as a string: no DOM types here). */
  const tabTo = async (selector: string) => {
    for (let presses = 0; presses < 40; presses++) {
      if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${selector}`);
  };
  /**
   * Whether the element matching `selector` has the focus, or gets it within two seconds: a page's autofocus is
   * applied when the browser next renders, which on a busy machine can come after the load event.
   */
  const focused = async (selector: string) => {
    for (let tries = 0; tries < 40; tries++) {
      if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  };
  const pressAndWait = async (key: string) => Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);

  const outboxCodes = async () => [...(await (await fetch(`${server.baseUrl}/demo/outbox`)).text()).matchAll(/\b(\d{6})\b/g)].map((m) => m[1] as string);
  /** The newest code once the demo outbox holds more than `before` (mail leaves after the answer, not with it). */
  const newCode = async (before: number) => {
    for (let tries = 0; tries < 50; tries++) {
      const codes = await outboxCodes();
      if (codes.length > before) return codes[0] as string;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no code arrived in the demo outbox');
  };

  const signIn = async (password: string) => {
    await page.goto(`${server.baseUrl}/signin?lang=en`);
    assert.ok(await focused('#username'), 'the user name field has the focus');
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await pressAndWait('Enter');
    assert.equal(await page.textContent('h1'), 'My account');
  };

  it('resets a password', async () => {
    await page.goto(`${server.baseUrl}/?lang=en`);
    await tabTo('a[href="/reset"]');
    await pressAndWait('Enter');
    assert.ok(await focused('#username'));
    await page.keyboard.type('alice');
    await pressAndWait('Enter');
    assert.match(await page.textContent('nav.steps [aria-current="step"]') ?? '', /Verify/);
    await tabTo('input[type=radio][data-method-type="email"]');
    await page.keyboard.press('Space');
    await tabTo('form[action="/reset/send"] button[type=submit]');
    const before = (await outboxCodes()).length;
    await pressAndWait('Enter');
    assert.ok(await focused('#code'), 'the code field has the focus');
    await page.keyboard.type(await newCode(before));
    await pressAndWait('Enter');
    assert.ok(await focused('#password'));
    assert.match(await page.textContent('#password-rules') ?? '', /At least 8 characters/);
    // A refused password: the same checklist, marked; the refusal goes away once the password meets every rule.
    await page.keyboard.type('alice2024');
    await page.keyboard.press('Tab');
    await page.keyboard.type('alice2024');
    await pressAndWait('Enter');
    assert.match(await page.textContent('#error') ?? '', /does not meet every rule/);
    assert.equal(await page.getAttribute('#password-rules li[data-rule="names"]', 'data-state'), 'unmet');
    assert.ok(await focused('#password[aria-invalid="true"]'));
    await page.keyboard.type(resetTo);
    await page.waitForSelector('#error', { state: 'detached' });
    await page.waitForSelector('#password-rules li[data-rule="guessable"][data-state="met"]');
    await page.keyboard.press('Tab');
    assert.ok(await focused('#confirm'), 'Tab goes from the password straight to its repetition');
    await page.keyboard.type(resetTo);
    await pressAndWait('Enter');
    assert.equal(await page.textContent('h1'), 'Your password has been reset');
  });

  it('registers an authenticator app', async () => {
    await signIn(resetTo);
    await tabTo('a[href="/account/security"]');
    await pressAndWait('Enter');
    await tabTo('a[href="/account/security/add"]');
    await pressAndWait('Enter');
    await tabTo('a[href="/account/security/add/totp"]');
    await pressAndWait('Enter');
    await tabTo('form[action="/account/security/totp"] button');
    await pressAndWait('Enter');
    const secret = (await page.textContent('#totp-secret')) ?? '';
    assert.ok(await focused('#code'));
    await page.keyboard.type(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
    await page.keyboard.press('Tab');
    await page.keyboard.type('Keyboard phone');
    await pressAndWait('Enter');
    assert.match(await page.textContent('#methods') ?? '', /Authenticator app\s*Keyboard phone/);
  });

  it('changes the password', async () => {
    await page.goto(`${server.baseUrl}/account?lang=en`);
    await tabTo('#current');
    await page.keyboard.type(resetTo);
    await page.keyboard.press('Tab');
    assert.ok(await focused('#password'));
    await page.keyboard.type(changedTo);
    await page.keyboard.press('Tab');
    await page.keyboard.type(changedTo);
    await pressAndWait('Enter');
    assert.match(await page.textContent('.notice') ?? '', /has been changed/);
    await context.clearCookies();
    await signIn(changedTo);
  });
});
