import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { SmtpSink, type ReceivedMail } from '../support/smtp-sink.js';
import { runCli, startServerProcess, type ServerProcess } from '../support/processes.js';

const linkIn = (mail: ReceivedMail): string => {
  const match = /https?:\/\/\S+\/not-me\?t=[A-Za-z0-9_-]{43}/.exec(mail.text);
  assert.ok(match, `the notice carries a "this wasn't me" link:\n${mail.text}`);
  return match[0];
};

/**
 * "This wasn't me" end to end: the built server as its own process, real SMTP, headless Chromium. A reset sends a
 * notice with a link; opening it changes nothing (link scanners); confirming freezes the account (reset and change
 * refused with the frozen sentence, administrators alerted); the link works once; the CLI lifts the freeze.
 */
describe('"this wasn\'t me" in Chromium', () => {
  let smtp: SmtpSink;
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let env: Record<string, string>;

  before(async () => {
    smtp = await SmtpSink.start();
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-e2e-notme-'));
    env = { SSPR_DATA_DIR: dataDir, SSPR_SMTP_URL: smtp.url, SSPR_LOG_LEVEL: 'warn' };
    const added = runCli(['user', 'add', 'erin', '--email', 'erin@example.org', '--first-name', 'Erin', '--last-name', 'Example'], { env });
    assert.equal(added.status, 0, added.stderr);
    const admin = runCli(['user', 'add', 'ada', '--email', 'ada@example.org', '--admin'], { env });
    assert.equal(admin.status, 0, admin.stderr);
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

  const frozen = (): string[] => {
    const listed = runCli(['user', 'frozen', '--json'], { env });
    assert.equal(listed.status, 0, listed.stderr);
    return (JSON.parse(listed.stdout) as Array<{ username: string }>).map((f) => f.username);
  };

  /** Resets erin's password through the pages up to the password form; answers with the page after saving. */
  const resetTo = async (page: Page, password: string): Promise<void> => {
    await page.goto(server.baseUrl + '/reset');
    await page.fill('#username', 'erin');
    await page.click('button:has-text("Next")');
    await page.waitForURL('**/reset/method', { timeout: 15_000 });
    const before = smtp.messages.length;
    await page.click('button:has-text("Continue")');
    const code = await smtp.codeFor('erin@example.org', before);
    await page.fill('#code', code);
    await page.click('button:has-text("Verify")');
    await page.waitForURL('**/reset/password');
    await page.fill('#password', password);
    await page.waitForSelector('#password-rules li[data-rule="guessable"][data-state="met"]');
    await page.fill('#confirm', password);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Reset password")')]);
  };

  it('reset → notice → link (GET changes nothing) → confirm → reset and change refused → CLI unfreezes → works again', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && cspErrors.push(m.text()));

    const first = 'violet harbour lantern 31';
    const noticesBefore = smtp.messages.length;
    await resetTo(page, first);
    assert.equal(await page.textContent('h1'), 'Your password has been reset', page.url() + (await page.textContent('main') ?? ''));
    const notice = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= noticesBefore && m.to === 'erin@example.org' && /password was reset/.test(m.subject));
    assert.doesNotMatch(notice.text, new RegExp(first), 'the notice holds no secret');
    const link = linkIn(notice);

    // A link scanner (or the person) opening the link changes nothing.
    await page.goto(link);
    assert.equal(await page.textContent('h1'), "This wasn't me");
    assert.match(await page.textContent('#not-me-notice') ?? '', /password reset/);
    const scanner = await fetch(link);
    assert.equal(scanner.status, 200);
    assert.deepEqual(frozen(), [], 'GET does not freeze');

    // Signed in elsewhere: the freeze ends that session.
    const other = await browser.newContext({ locale: 'en-US' });
    const otherPage = await other.newPage();
    await otherPage.goto(server.baseUrl + '/signin');
    await otherPage.fill('#username', 'erin');
    await otherPage.fill('#password', first);
    await otherPage.click('button:has-text("Sign in")');
    assert.equal(await otherPage.textContent('h1'), 'My account');

    await Promise.all([page.waitForNavigation(), page.click('#not-me-confirm')]);
    assert.equal(await page.textContent('h1'), 'Your account is protected');
    assert.deepEqual(frozen(), ['erin']);
    const alert = await smtp.waitFor((m) => m.to === 'ada@example.org' && /frozen for erin/.test(m.subject));
    assert.match(alert.text, /sspr user unfreeze erin/);

    await otherPage.goto(server.baseUrl + '/account');
    assert.notEqual(await otherPage.textContent('h1'), 'My account', 'the freeze ended the other session');

    // Single use: the same link again is refused, and a forged one too.
    await page.goto(link);
    assert.match(await page.textContent('#error') ?? '', /does not work/);
    const forged = await fetch(link.replace(/t=.{4}/, 't=AAAA'));
    assert.equal(forged.status, 410);

    // Reset: every step up to the new password works (nothing leaks before proof), then the freeze refuses it.
    await resetTo(page, 'crimson meadow whistle 32');
    assert.match(await page.textContent('#error') ?? '', /Self-service is frozen for this account/);

    // Change in My account: refused likewise.
    await otherPage.goto(server.baseUrl + '/signin');
    await otherPage.fill('#username', 'erin');
    await otherPage.fill('#password', first);
    await otherPage.click('button:has-text("Sign in")');
    assert.equal(await otherPage.textContent('h1'), 'My account', 'the reset was refused: the first password still signs in');
    const changeForm = 'form[action="/account/password"]';
    const changed = 'amber canyon pelican 33';
    await otherPage.fill(`${changeForm} #current`, first);
    await otherPage.fill(`${changeForm} #password`, changed);
    await otherPage.fill(`${changeForm} #confirm`, changed);
    await otherPage.click(`${changeForm} button`);
    assert.match(await otherPage.textContent('#error') ?? '', /Self-service is frozen for this account/);

    // The administrator lifts the freeze; self-service works again.
    const lifted = runCli(['user', 'unfreeze', 'erin'], { env });
    assert.equal(lifted.status, 0, lifted.stderr);
    assert.match(lifted.stdout, /unfroze erin/);
    assert.deepEqual(frozen(), []);
    await otherPage.goto(server.baseUrl + '/account');
    await otherPage.fill(`${changeForm} #current`, first);
    await otherPage.fill(`${changeForm} #password`, changed);
    await otherPage.fill(`${changeForm} #confirm`, changed);
    await otherPage.click(`${changeForm} button`);
    assert.match(await otherPage.textContent('.notice') ?? '', /has been changed/);
    await smtp.waitFor((m) => m.to === 'erin@example.org' && /password was changed/.test(m.subject));
    assert.deepEqual(cspErrors, []);
    await other.close();
    await context.close();
  });

  it('"I forgot my user name": linked from the reset start, through the captcha, the same page for a match and a miss', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    const texts: string[] = [];
    for (const address of ['erin@example.org', 'niemand@example.org']) {
      await page.goto(server.baseUrl + '/reset');
      await page.click('#forgot-username-link');
      await page.fill('#address', address);
      await page.click('button:has-text("Benutzernamen senden")');
      // The proof-of-work captcha holds the submit until it has solved its challenge.
      await page.waitForURL('**/forgot-username/sent', { timeout: 15_000 });
      texts.push(await page.textContent('main') ?? '');
    }
    assert.equal(texts[0], texts[1], 'one answer for a match and a miss');
    const mail = await smtp.waitFor((m) => m.to === 'erin@example.org' && /Benutzername/.test(m.subject));
    assert.match(mail.text, /^erin$/m);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(smtp.messages.filter((m) => m.to === 'niemand@example.org').length, 0);
    await context.close();
  });
});
