import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { Client } from 'ldapts';
import { SmtpSink } from '../support/smtp-sink.js';
import { startSlapd, type Slapd } from '../support/slapd.js';
import { runCli, startServerProcess, type ServerProcess } from '../support/processes.js';

/**
 * The helpdesk path in headless Chromium against the built server as its own process, a real OpenLDAP and real
 * SMTP: an administrator signs in, opens the helpdesk page of a directory account, sends a code to the user's
 * address, types the code the caller would read out (taken from the SMTP sink), resets — the temporary password is
 * shown once and a bind with it succeeds — and the owner gets the notice.
 */
describe('helpdesk in Chromium', () => {
  let smtp: SmtpSink;
  let slapd: Slapd;
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;

  before(async () => {
    smtp = await SmtpSink.start();
    slapd = await startSlapd();
    await slapd.addUser({ uid: 'lena', password: 'Original-Pass-1', givenName: 'Lena', sn: 'Lindqvist', mail: 'lena@example.org' });
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-e2e-helpdesk-'));
    const directory = { kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn };
    const env = { SSPR_DATA_DIR: dataDir, SSPR_SMTP_URL: smtp.url, SSPR_LOG_LEVEL: 'warn', SSPR_DIRECTORY: JSON.stringify(directory) };
    const sync = runCli(['sync'], { env });
    assert.equal(sync.status, 0, sync.stderr);
    const admin = runCli(['user', 'add', 'desk', '--email', 'desk@example.org', '--admin', '--password-stdin'], { env, input: 'Quiet harbour lantern 8\n' });
    assert.equal(admin.status, 0, admin.stderr);
    server = await startServerProcess(env);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('verifies the caller by an e-mail code, then resets a directory account; the bind with the new password works', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => /Content Security Policy|Refused to/i.test(m.text()) && errors.push(m.text()));

    const signIn = async () => {
      await page.goto(`${server.baseUrl}/signin?next=/admin/helpdesk/lena`);
      await page.fill('#username', 'desk');
      await page.fill('#password', 'Quiet harbour lantern 8');
      await page.click('button[type=submit]');
    };
    // The console needs a second registered method from before the sign-in: register an e-mail address, sign in
    // again, then step up with a code sent to it.
    await signIn();
    let mark = smtp.messages.length;
    assert.equal((await page.request.post(`${server.baseUrl}/api/v1/me/methods/email`, { data: { address: 'desk@example.org' } })).status(), 200);
    const enrolment = await smtp.codeFor('desk@example.org', mark);
    assert.equal((await page.request.post(`${server.baseUrl}/api/v1/me/methods/email/confirm`, { data: { code: enrolment } })).status(), 200);
    await context.clearCookies();
    await signIn();
    const offered = (await (await page.request.get(`${server.baseUrl}/api/v1/session/step-up`)).json()) as { methods: Array<{ id: string; type: string }> };
    const email = offered.methods.find((m) => m.type === 'email');
    assert.ok(email, 'the registered address is offered for the step-up');
    mark = smtp.messages.length;
    assert.equal((await page.request.post(`${server.baseUrl}/api/v1/session/step-up/send`, { data: { methodId: email.id } })).status(), 200);
    const stepUp = await smtp.codeFor('desk@example.org', mark);
    assert.equal((await page.request.post(`${server.baseUrl}/api/v1/session/step-up/verify`, { data: { methodId: email.id, code: stepUp } })).status(), 200);
    await page.goto(`${server.baseUrl}/admin/helpdesk/lena`);
    assert.equal(await page.isDisabled('#hd-reset'), true, 'reset stays disabled until the caller is verified');

    const before = smtp.messages.length;
    await page.click('form[action$="/start"] button');
    await page.waitForSelector('#hd-pending');
    const code = await smtp.codeFor('lena@example.org', before);
    await page.fill('#hd-code', code);
    await page.click('form[action$="/check"] button');
    await page.waitForSelector('#hd-verified');
    assert.equal(await page.isDisabled('#hd-reset'), false);

    await page.check('#hd-must-change');
    await page.click('#hd-reset');
    const temporary = (await page.textContent('#hd-temporary'))?.trim() ?? '';
    assert.match(temporary, /^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);

    const client = new Client({ url: slapd.ldapsUrl, tlsOptions: { ca: [readFileSync(slapd.caFile)] } });
    await client.bind(`uid=lena,${slapd.usersDn}`, temporary);
    await client.unbind();

    await page.reload();
    assert.equal(await page.locator('#hd-temporary').count(), 0, 'the temporary password is shown once');
    await smtp.waitFor((m) => m.to === 'lena@example.org' && /reset by the help desk/.test(m.subject));
    assert.deepEqual(errors, []);
    await context.close();
  });
});
