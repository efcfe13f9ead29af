import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { TOTP, Secret } from 'otpauth';
import { runCli, startServerProcess, type ServerProcess } from '../support/processes.js';
import { startRecordingServer, type RecordingServer } from '../support/recording-server.js';
import { SmtpSink } from '../support/smtp-sink.js';

const PASSWORD = 'Initial passphrase for hikers 7';

/**
 * Every method registered through the "Security info" pages and then used for a reset through the pages, in
 * headless Chromium against the built server process: authenticator app, security questions, recovery codes,
 * SMS (a real HTTP receiver records the webhook), and a passkey (DevTools virtual authenticator). The reset
 * start passes the proof-of-work captcha in the browser.
 */
describe('security info and every method through the pages in Chromium', () => {
  let smtp: SmtpSink;
  let sms: RecordingServer;
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  let totpSecret = '';
  let recoveryCodes: string[] = [];
  let resets = 0;
  let totpRegisteredStep = 0;

  before(async () => {
    smtp = await SmtpSink.start();
    sms = await startRecordingServer(() => ({ status: 200, json: { ok: true } }));
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-e2e-methods-'));
    const env = { SSPR_DATA_DIR: dataDir };
    const added = runCli(['user', 'add', 'paul', '--email', 'paul@example.org', '--first-name', 'Paul', '--last-name', 'Pagel', '--password-stdin'], { env, input: PASSWORD });
    assert.equal(added.status, 0, added.stderr);
    server = await startServerProcess(
      (port) => ({
        ...env,
        SSPR_SMTP_URL: smtp.url,
        SSPR_LOG_LEVEL: 'warn',
        SSPR_PUBLIC_URL: `http://localhost:${port}`,
        SSPR_SMS_PROVIDER: 'webhook',
        SSPR_SMS_URL: `${sms.origin}/sms`,
        SSPR_SMS_SECRET: 'e2e-webhook-secret-123456',
      }),
      'serve',
      'localhost',
    );
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-GB' });
    page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
    await sms?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const lastSmsCode = () => /(\d{6})/.exec(JSON.parse(sms.requests.at(-1)?.rawBody ?? '{}').text ?? '')?.[1] ?? '';
  const waitForSms = async (count: number) => {
    for (let i = 0; i < 50 && sms.requests.length <= count; i++) await new Promise((r) => setTimeout(r, 100));
    return lastSmsCode();
  };
  const totpAt = (timestamp: number) => new TOTP({ secret: Secret.fromBase32(totpSecret), digits: 6, period: 30 }).generate({ timestamp });

  it('registers an authenticator app, questions, recovery codes, a phone, an e-mail address and a passkey', async () => {
    await page.goto(server.baseUrl + '/signin');
    await page.fill('#username', 'paul');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.click('a[href="/account/security"]');
    assert.equal(await page.textContent('h1'), 'Security info');

    // One "Add a method" entry, then one small page per method type.
    const addPage = async (name: RegExp) => {
      await page.click('a:has-text("Add a method")');
      await page.click(`#add-methods a >> text=${name.source}`);
    };
    await addPage(/Authenticator app/);
    await page.click('button:has-text("Set up an authenticator app")');
    await page.waitForSelector('img[alt="QR code for your authenticator app"]', { state: 'visible' });
    totpSecret = (await page.textContent('#totp-secret')) ?? '';
    // The previous step's code (inside the verifier's one-step window, RFC 6238 §5.2), so the reset below has an
    // unused code at once: the current step's. Not in a step's last 10 s, so Confirm still lands in the window.
    while (Date.now() % 30_000 > 20_000) await new Promise((r) => setTimeout(r, 250));
    totpRegisteredStep = Math.floor(Date.now() / 30_000) - 1;
    await page.fill('#code', totpAt(totpRegisteredStep * 30_000));
    await page.fill('#label', 'My phone');
    await page.click('button:has-text("Confirm")');
    assert.match((await page.textContent('#methods')) ?? '', /Authenticator app\s*My phone/);
    await addPage(/Security questions/);

    for (const [i, answer] of ['Bello the cat', 'Karl Kleber', 'Rosenweg Nord'].entries()) await page.fill(`#a${i}`, answer);
    await page.click('button:has-text("Save questions")');
    assert.match((await page.textContent('#methods')) ?? '', /Security questions\s*3 questions/);

    await addPage(/Recovery codes/);
    await page.click('button:has-text("Create recovery codes")');
    recoveryCodes = await page.$$eval('#recovery-codes code', (nodes) => nodes.map((n) => n.textContent ?? ''));
    assert.equal(recoveryCodes.length, 10);
    await page.click('a:has-text("Back to security info")');

    const before = sms.requests.length;
    await addPage(/Mobile phone/);
    await page.fill('#phone', '+49 151 2345 6789');
    await page.click('form[action="/account/security/sms"] button');
    await page.fill('#code', await waitForSms(before));
    await page.click('button:has-text("Confirm")');
    assert.match((await page.textContent('#methods')) ?? '', /Text message \(SMS\)\s*\+49 •+89/);

    const mails = smtp.messages.length;
    await addPage(/Email address/);
    await page.fill('#address', 'paul.home@example.net');
    await page.click('form[action="/account/security/email"] button');
    await page.fill('#code', await smtp.codeFor('paul.home@example.net', mails));
    await page.click('button:has-text("Confirm")');
    assert.match((await page.textContent('#methods')) ?? '', /Email\s*•••••@e•••••\.net/);

    await addPage(/Passkey/);
    await page.click('#add-passkey');
    await page.waitForSelector('#methods li[data-type="passkey"]');
  });

  const resetWith = async (type: string, prove: () => Promise<void>) => {
    await page.goto(server.baseUrl + '/reset');
    await page.fill('#username', 'paul');
    await page.click('button:has-text("Next")');
    // The proof-of-work captcha holds the submit until it has solved its challenge.
    await page.waitForURL('**/reset/method', { timeout: 15_000 });
    await page.waitForSelector('#reset-methods');
    if (type === 'passkey') await page.click(`[data-method-type="${type}"]`);
    else {
      await page.check(`[data-method-type="${type}"]`);
      await page.click('button:has-text("Continue")');
    }
    await prove();
    await page.waitForSelector('#password');
    const password = `Fresh meadow lantern ${type} ${++resets}`;
    await page.fill('#password', password);
    await page.fill('#confirm', password);
    await page.click('button:has-text("Reset password")');
    assert.equal(await page.textContent('h1'), 'Your password has been reset');
  };

  it('resets with security questions (answers compared case- and space-insensitively)', async () => {
    const answers: Record<string, string> = {};
    await resetWith('questions', async () => {
      const labels = await page.$$eval('form[action="/reset/code"] label', (nodes) => nodes.map((n) => n.textContent ?? ''));
      for (const [i, label] of labels.entries()) {
        answers[label] = label.includes('pet') ? 'bello THE cat' : label.includes('friend') ? ' karl kleber ' : 'ROSENWEG nord';
        await page.fill(`#a${i}`, answers[label] as string);
      }
      await page.click('button:has-text("Verify")');
    });
  });

  it('resets with a recovery code', async () => {
    await resetWith('recovery-codes', async () => {
      await page.fill('#code', recoveryCodes[0]!.toUpperCase());
      await page.click('button:has-text("Verify")');
    });
  });

  it('resets with a text message', async () => {
    await resetWith('sms', async () => {
      const before = sms.requests.length;
      await page.waitForSelector('#code');
      await page.fill('#code', await waitForSms(before - 1));
      await page.click('button:has-text("Verify")');
    });
  });

  it('resets with the passkey', async () => {
    await resetWith('passkey', async () => undefined);
  });
  it('resets with the authenticator app', async () => {
    await resetWith('totp', async () => {
      // A code may be used once (RFC 6238 §5.2): wait for the step after the one used at registration.
      while (Math.floor(Date.now() / 30_000) <= totpRegisteredStep) await new Promise((r) => setTimeout(r, 500));
      await page.fill('#code', totpAt(Date.now()));
      await page.click('button:has-text("Verify")');
    });
  });

});
