/** `sspr doctor` exit codes, JSON and German; `sspr admin token create` and the admin doctor API over HTTP. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkIds } from '../../../src/doctor/doctor-types.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliAsync, startServerProcess, type ServerProcess } from '../../support/processes.js';
import { SmtpSink } from '../../support/smtp-sink.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sspr-doctor-cli-'));
const env = { SSPR_DATA_DIR: dataDir, SSPR_SMTP_URL: 'smtp://127.0.0.1:1', SSPR_LOG_LEVEL: 'silent' };
let server: ServerProcess;

before(() => {
  assert.equal(runCli(['user', 'add', 'alice', '--email', 'alice@example.org'], { env }).status, 0);
  assert.equal(runCli(['user', 'add', 'bob'], { env }).status, 0);
});
after(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sspr doctor (CLI)', () => {
  it('exit 0 for a user who can reset; --json parses with the catalogue ids', async () => {
    // Alice's only method is her address: she can reset only while the SMTP server answers (the CLI runs
    // asynchronously so that this process can answer as that server).
    const smtp = await SmtpSink.start();
    const answering = { ...env, SSPR_SMTP_URL: smtp.url };
    const text = await runCliAsync(['doctor', 'alice', '--lang', 'en'], answering);
    assert.equal(text.status, 0, text.stdout);
    assert.match(text.stdout, /^Can alice reset now\? YES/);
    const json = await runCliAsync(['doctor', 'alice', '--json'], answering).finally(() => smtp.close());
    assert.equal(json.status, 0);
    const report = JSON.parse(json.stdout) as { user: string; canReset: boolean; checks: Array<{ id: string; status: string; summary: string; evidence: string; fix: string }> };
    assert.equal(report.user, 'alice');
    assert.equal(report.canReset, true);
    assert.equal(report.checks.length, checkIds.length);
    for (const check of report.checks) assert.deepEqual(Object.keys(check), ['id', 'status', 'summary', 'evidence', 'fix']);
  });

  it('exit 1 for a user whose only method is e-mail while the SMTP server does not answer', () => {
    const result = runCli(['doctor', 'alice', '--json'], { env });
    assert.equal(result.status, 1, result.stdout);
    const report = JSON.parse(result.stdout) as { canReset: boolean; checks: Array<{ id: string; status: string }> };
    assert.equal(report.canReset, false);
    assert.deepEqual(report.checks.filter((c) => c.status === 'fail').map((c) => c.id), ['mail-server-reachable']);
  });

  it('exit 1 when the user cannot reset; --lang de answers in German', () => {
    const result = runCli(['doctor', 'bob', '--lang', 'de'], { env });
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^Kann bob jetzt zurücksetzen\? NEIN/);
    assert.match(result.stdout, /FAIL\s+methods-registered\s+Nur 0 von 1/);
    assert.match(result.stdout, /Abhilfe: /);
  });

  it('exit 2 when the doctor cannot run (unknown user, bad config)', () => {
    assert.equal(runCli(['doctor', 'nobody'], { env }).status, 2);
    assert.equal(runCli(['doctor'], { env: { ...env, SSPR_WRITEBACK_MODE: 'sideways' } }).status, 2);
  });

  it('service-level run: exit 0 and a summary of failing users per check', async () => {
    // The mail server must answer for the service to pass (mail-server-reachable); the CLI runs asynchronously so
    // that this process can answer as the SMTP server.
    const smtp = await SmtpSink.start();
    const result = await runCliAsync(['doctor', '--json'], { ...env, SSPR_SMTP_URL: smtp.url }).finally(() => smtp.close());
    assert.equal(result.status, 0, result.stdout);
    const report = JSON.parse(result.stdout) as { user: null; summary: { users: number; checks: Array<{ id: string; failing: number }> } };
    assert.equal(report.user, null);
    assert.equal(report.summary.users, 2);
    assert.equal(report.summary.checks.find((c) => c.id === 'methods-registered')?.failing, 1);
  });

  it('service-level run: exit 1 while the SMTP server is unreachable, naming mail-server-reachable', () => {
    const result = runCli(['doctor', '--json'], { env });
    assert.equal(result.status, 1, result.stdout);
    const report = JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string }> };
    assert.deepEqual(report.checks.filter((c) => c.status === 'fail').map((c) => c.id), ['mail-server-reachable']);
  });
});

describe('admin doctor API', () => {
  let token = '';
  before(async () => {
    const created = runCli(['admin', 'token', 'create', '--name', 'test'], { env });
    assert.equal(created.status, 0, created.stderr);
    token = created.stdout.trim();
    assert.match(token, /^sspr_admin_[0-9a-f]{16}\.[A-Za-z0-9_-]{32}$/);
    server = await startServerProcess({ ...env, SSPR_CAPTCHA: 'off', SSPR_PUBLIC_URL: 'http://127.0.0.1' });
  });

  it('401 without or with a wrong token, as the project error JSON', async () => {
    const missing = await fetch(`${server.baseUrl}/api/v1/admin/doctor`);
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'admin-token-missing');
    const wrong = await fetch(`${server.baseUrl}/api/v1/admin/doctor`, { headers: { authorization: `Bearer ${token.slice(0, -1)}x` } });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'admin-token-invalid');
  });

  it('200 with the token: service run and one user; 404 for an unknown user; German by Accept-Language', async () => {
    const headers = { authorization: `Bearer ${token}` };
    const service = await fetch(`${server.baseUrl}/api/v1/admin/doctor`, { headers });
    assert.equal(service.status, 200);
    assert.equal(((await service.json()) as { user: null }).user, null);
    const bob = await fetch(`${server.baseUrl}/api/v1/admin/doctor/users/bob`, { headers: { ...headers, 'accept-language': 'de' } });
    assert.equal(bob.status, 200);
    const report = (await bob.json()) as { canReset: boolean; checks: Array<{ id: string; summary: string }> };
    assert.equal(report.canReset, false);
    assert.match(report.checks.find((c) => c.id === 'methods-registered')!.summary, /Nur 0 von 1/);
    assert.equal((await fetch(`${server.baseUrl}/api/v1/admin/doctor/users/nobody`, { headers })).status, 404);
  });

  it('the admin page sends a visitor who is not signed in to the sign-in page; refusal help pages exist', async () => {
    const page = await fetch(`${server.baseUrl}/admin/doctor`, { redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), `/signin?next=${encodeURIComponent('/admin/doctor')}`);
    const help = await fetch(`${server.baseUrl}/help/checks/methods-registered?lang=de`);
    assert.equal(help.status, 200);
    const helpText = await help.text();
    assert.match(helpText, /weniger Überprüfungsmethoden/);
    assert.match(helpText, /<h1>Warum eine Zurücksetzung abgelehnt wird<\/h1>/, 'the heading is a sentence, not a check id');
    assert.match(helpText, /id="help-reference">Angabe für Ihren Helpdesk: methods-registered</, 'the id stays, for the help desk');
    assert.equal((await fetch(`${server.baseUrl}/help/checks/no-such-check`)).status, 404);
  });
});
