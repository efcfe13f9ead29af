import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { runCli, startServerProcess, type ServerProcess } from '../support/processes.js';

/**
 * The whole forgot-password flow through the pages, in headless Chromium, against the built server running
 * as its own process with real SMTP delivery — once in English, once in German — then signing in with the
 * new password.
 */
describe('reset through the pages in Chromium', () => {
  let smtp: SmtpSink;
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let env: Record<string, string>;

  before(async () => {
    smtp = await SmtpSink.start();
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-e2e-'));
    env = { SSPR_DATA_DIR: dataDir, SSPR_SMTP_URL: smtp.url, SSPR_LOG_LEVEL: 'warn' };
    for (const [name, first, last] of [['emma', 'Emma', 'English'], ['jonas', 'Jonas', 'Deutsch']] as const) {
      const added = runCli(['user', 'add', name, '--email', `${name}@example.org`, '--first-name', first, '--last-name', last], { env });
      assert.equal(added.status, 0, added.stderr);
    }
    server = await startServerProcess(env);
    browser = await launchChromium();
  });
  // Everything is closed before the exit code is checked: an open SMTP sink would keep the file from ever ending.
  after(async () => {
    await browser?.close();
    const code = await server?.stop();
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (server) assert.equal(code, 0, 'the server exits cleanly on SIGTERM');
  });

  const cases = [
    { lang: 'en', user: 'emma', locale: 'en-US', t: { next: 'Next', send: 'Continue', verify: 'Verify', save: 'Reset password', done: 'Your password has been reset', signin: 'Sign in', account: 'My account', wrong: 'That code is not correct' } },
    { lang: 'de', user: 'jonas', locale: 'de-DE', t: { next: 'Weiter', send: 'Weiter', verify: 'Bestätigen', save: 'Kennwort zurücksetzen', done: 'Ihr Kennwort wurde zurückgesetzt', signin: 'Anmelden', account: 'Mein Konto', wrong: 'Dieser Code ist nicht korrekt' } },
  ] as const;

  for (const c of cases) {
    it(`resets ${c.user}'s password in ${c.lang === 'en' ? 'English' : 'German'}, signs in with it and changes it in My account`, async () => {
      const context = await browser.newContext({ locale: c.locale });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(e.message));

      await page.goto(server.baseUrl + '/');
      assert.equal(await page.getAttribute('html', 'lang'), c.lang);
      await page.click('a[href="/reset"]');
      await page.fill('#username', c.user);
      await page.click(`button:has-text("${c.t.next}")`);
      // The proof-of-work captcha holds the submit until it has solved its challenge (≈ 0.5 s).
      await page.waitForURL('**/reset/method', { timeout: 15_000 });
      assert.match(await page.textContent('main') ?? '', /•••••@e•••••\.org/);

      const before = smtp.messages.length;
      await page.click(`button:has-text("${c.t.send}")`);
      const code = await smtp.codeFor(`${c.user}@example.org`, before);
      const mail = smtp.messages.at(-1)!;
      assert.match(mail.subject, c.lang === 'de' ? /Bestätigungscode/ : /verification code/);

      await page.fill('#code', code === '000000' ? '111111' : '000000');
      await page.click(`button:has-text("${c.t.verify}")`);
      assert.match(await page.textContent('#error') ?? '', new RegExp(c.t.wrong));

      await page.fill('#code', code);
      await page.click(`button:has-text("${c.t.verify}")`);
      // Live feedback (progressive enhancement): the reasons appear while typing, in the page's language.
      await page.fill('#password', 'Sommer2024!');
      // The rules' checklist marks what is not met, in user words: no score, no echo of the typed password.
      await page.waitForSelector('#password-rules li[data-rule="guessable"][data-state="unmet"]');
      assert.equal(await page.getAttribute('#password-rules li[data-rule="length"]', 'data-state'), 'met');
      assert.doesNotMatch(`${await page.textContent('#password-rules')} ${await page.textContent('#password-hint')}`, /sommer|2024/i);
      const password = `${c.lang} völlig neues Kennwort 42`;
      await page.fill('#password', password);
      await page.waitForSelector('#password-rules li[data-rule="guessable"][data-state="met"]');
      await page.fill('#password', password);
      await page.fill('#confirm', password);
      await page.click(`button:has-text("${c.t.save}")`);
      assert.equal(await page.textContent('h1'), c.t.done);
      await smtp.waitFor((m) => m.to === `${c.user}@example.org` && /reset|zurückgesetzt/.test(m.subject));

      await page.click(`a:has-text("${c.t.signin}")`);
      await page.fill('#username', c.user);
      await page.fill('#password', password);
      await page.click(`button:has-text("${c.t.signin}")`);
      assert.equal(await page.textContent('h1'), c.t.account);
      assert.equal(await page.textContent('#profile-username'), c.user);

      // "My account" → change the password: a wrong current one is refused on the page, the right one works.
      const changed = `${c.lang} noch ein ganz anderes Kennwort 7`;
      const changeForm = 'form[action="/account/password"]';
      await page.fill(`${changeForm} #current`, 'not my password at all');
      await page.fill(`${changeForm} #password`, changed);
      await page.fill(`${changeForm} #confirm`, changed);
      await page.click(`${changeForm} button`);
      assert.match(await page.textContent('#error') ?? '', c.lang === 'de' ? /aktuelles Kennwort stimmt nicht/ : /current password is not right/);
      await page.fill(`${changeForm} #current`, password);
      await page.fill(`${changeForm} #password`, changed);
      await page.fill(`${changeForm} #confirm`, changed);
      await page.click(`${changeForm} button`);
      assert.match(await page.textContent('.notice') ?? '', c.lang === 'de' ? /wurde geändert/ : /has been changed/);
      await page.click('form[action="/signout"] button');
      await page.goto(server.baseUrl + '/signin');
      await page.fill('#username', c.user);
      await page.fill('#password', changed);
      await page.click(`button:has-text("${c.t.signin}")`);
      assert.equal(await page.textContent('h1'), c.t.account, 'signs in with the changed password');
      assert.deepEqual(consoleErrors, [], 'no CSP violations or script errors');
      await context.close();
    });
  }
});
