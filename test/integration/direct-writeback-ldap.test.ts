import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd, type Slapd } from '../support/slapd.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { verifiedResetFlow } from '../support/reset-client.js';
import { postJson } from '../support/json-client.js';
import { runCli } from '../support/processes.js';
import { FormClient, csrfOf } from '../support/form-client.js';

/**
 * "Direct" writeback against a real OpenLDAP with ppolicy: `sspr sync` imports the accounts, a reset through
 * the API changes the password in the directory (nothing is stored locally), the directory's refusal reaches
 * the user in their language, a reset unlocks, and an unreachable directory is a clear 503 that changes nothing.
 */
describe('direct writeback to OpenLDAP', () => {
  let slapd: Slapd;
  let smtp: SmtpSink;
  let svc: TestService;
  let dataDir: string;
  let env: Record<string, string>;

  before(async () => {
    slapd = await startSlapd();
    // The directory asks for more than the service's 8 characters: the pages must list the directory's rule.
    await slapd.modifyAsRoot(slapd.policyDn, { pwdMinLength: '14' });
    smtp = await SmtpSink.start();
    await slapd.addUser({ uid: 'lena', password: 'Original-Pass-1', givenName: 'Lena', sn: 'Lindqvist', mail: 'lena@example.org' });
    await slapd.addUser({ uid: 'karl', password: 'Original-Pass-2', givenName: 'Karl', sn: 'Klein', mail: 'karl@example.org' });
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-writeback-'));
    const directory = { kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn };
    env = { SSPR_DATA_DIR: dataDir, SSPR_DIRECTORY: JSON.stringify(directory) };
    const sync = runCli(['sync'], { env });
    assert.equal(sync.status, 0, sync.stderr);
    assert.match(sync.stdout, /full sync from ldap: users 2 created/);
    svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: { SSPR_DIRECTORY: env.SSPR_DIRECTORY! }, dataDir });
  });
  after(async () => {
    await svc?.close();
    await smtp?.close();
    await slapd?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const verifiedFlow = (username: string) => verifiedResetFlow(svc.baseUrl, smtp, username, `${username}@example.org`);
  const directoryAccepts = async (username: string, password: string) => {
    const account = await svc.services.onprem!.findAccount(username);
    return svc.services.onprem!.verifyPassword(account!, password);
  };

  it('imports the directory accounts as directory-managed users', async () => {
    const lena = await svc.services.users.get('lena');
    assert.equal(lena.source, 'ldap');
    assert.match(lena.anchor ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(lena.email, 'lena@example.org');
    const again = runCli(['sync', '--full'], { env });
    assert.match(again.stdout, /users 0 created, 0 updated, 2 unchanged/);
  });

  it('writes the new password to the directory, not to the local store', async () => {
    const flow = await verifiedFlow('lena');
    const done = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Fjord lantern meadow 7' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(await directoryAccepts('lena', 'Fjord lantern meadow 7'), true);
    assert.equal(await directoryAccepts('lena', 'Original-Pass-1'), false);
    assert.equal((await svc.services.users.get('lena')).passwordHash, null, 'no local copy of a directory password');
    const signIn = await postJson(svc.baseUrl, '/api/v1/session', { username: 'lena', password: 'Fjord lantern meadow 7' });
    assert.equal(signIn.status, 200, 'sign-in binds to the directory');
  });

  it("tells the user the directory's refusal in their language, and the flow stays usable", async () => {
    const flow = await verifiedFlow('lena');
    const reused = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Fjord lantern meadow 7' }, { headers: { 'accept-language': 'de' } });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error.code, 'writeback-in-history');
    assert.match(reused.body.error.message, /kürzlich verwendet/);
    const audit = await svc.services.auditLog.list({ username: 'lena' });
    assert.equal(audit.at(-1)?.detail?.reason, 'writeback-in-history');
    assert.equal((await postJson(svc.baseUrl, `${flow}/password`, { password: 'Copper harbour violet 4' })).status, 200);
    assert.equal(await directoryAccepts('lena', 'Copper harbour violet 4'), true);
  });

  it('a reset unlocks an account the directory locked after bad binds', async () => {
    for (let i = 0; i < 3; i++) await directoryAccepts('karl', 'wrong password').catch(() => false);
    assert.equal((await svc.services.onprem!.findAccount('karl'))!.locked, true);
    const flow = await verifiedFlow('karl');
    assert.equal((await postJson(svc.baseUrl, `${flow}/password`, { password: 'Granite orchard piano 5' })).status, 200);
    assert.equal((await svc.services.onprem!.findAccount('karl'))!.locked, false);
    assert.equal(await directoryAccepts('karl', 'Granite orchard piano 5'), true);
  });

  it("lists the directory's stricter rules (ppolicy pwdMinLength, pwdInHistory) before typing, and checks live by them", async () => {
    const client = new FormClient(svc.baseUrl);
    let page = await client.get('/reset?lang=en');
    await client.post('/reset', { username: 'karl', _csrf: csrfOf(page.text) });
    page = await client.get('/reset/method');
    const methodId = /name="methodId" value="([^"]+)" data-method-type="email"/.exec(page.text)?.[1] ?? '';
    const count = smtp.messages.length;
    const sent = await client.post('/reset/send', { methodId, _csrf: csrfOf(page.text) });
    page = await client.get(sent.response.headers.get('location') ?? '');
    const code = await smtp.codeFor('karl@example.org', count);
    const verified = await client.post('/reset/code', { methodId, code, _csrf: csrfOf(page.text) });
    assert.equal(verified.response.headers.get('location'), '/reset/password');
    page = await client.get('/reset/password');
    assert.match(page.text, /<li data-rule="length"[^>]*>At least 14 characters/);
    assert.match(page.text, /id="password"[^>]*minlength="14"/);
    assert.match(page.text, /<li data-rule="history"/);
    const live = await client.json('POST', '/api/v1/password/check', { password: 'Orchard pian5' });
    const short = live.body.reasons.find((r: any) => r.code === 'too-short');
    assert.deepEqual(short?.params, { min: 14, actual: 13 }, JSON.stringify(live.body));

    const signedIn = new FormClient(svc.baseUrl);
    const signInPage = await signedIn.get('/signin?lang=en');
    const session = await signedIn.post('/signin', { username: 'karl', password: 'Granite orchard piano 5', _csrf: csrfOf(signInPage.text) });
    assert.equal(session.response.status, 303);
    const account = await signedIn.get('/account');
    assert.match(account.text, /<li data-rule="length"[^>]*>At least 14 characters/);
    const accountLive = await signedIn.json('POST', '/api/v1/password/check', { password: 'Orchard pian5' });
    assert.ok(accountLive.body.reasons.some((r: any) => r.code === 'too-short' && r.params.min === 14), JSON.stringify(accountLive.body));
  });

  it('an incremental sync picks up a changed entry', async () => {
    await slapd.modifyAsRoot(`uid=karl,${slapd.usersDn}`, { mail: 'karl.klein@example.org' });
    await new Promise((r) => setTimeout(r, 1100));
    const sync = runCli(['sync'], { env });
    // karl's mail, and the password facts (pwdChangedTime, hence the expiry) of both accounts the resets above changed.
    assert.match(sync.stdout, /incremental sync from ldap: users 0 created, 2 updated/);
    assert.equal((await svc.services.users.get('karl')).email, 'karl.klein@example.org');
  });

  it('an unreachable directory is a clear 503 and changes nothing', async () => {
    const flow = await verifiedFlow('lena');
    await slapd.stop();
    const down = await postJson(svc.baseUrl, `${flow}/password`, { password: 'Silent river quartz 8' });
    assert.equal(down.status, 503);
    assert.equal(down.body.error.code, 'writeback-unavailable');
    assert.match(down.body.error.message, /not changed/);
  });
});
