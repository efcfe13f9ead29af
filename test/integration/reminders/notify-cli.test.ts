/**
 * `sspr notify expiry|enrolment` as an operator runs it (the built CLI as a process): the dry run's table and
 * JSON list who would be told what and send nothing; a real run sends through SMTP once, and a second run finds
 * the reminder sent. A bad cron expression stops `sspr serve` with the dotted key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmtpSink } from '../../support/smtp-sink.js';
import { startTestService } from '../../support/test-service.js';
import { runCli, runCliAsync } from '../../support/processes.js';

const DAY = 86_400_000;
let dataDir: string;
let sink: SmtpSink;
let env: Record<string, string>;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sspr-notify-'));
  sink = await SmtpSink.start();
  env = {
    SSPR_DATA_DIR: dataDir,
    SSPR_SMTP_URL: sink.url,
    SSPR_PUBLIC_URL: 'https://sspr.example.org',
    SSPR_REMINDERS_EXPIRY_CLOUD_ONLY_MAX_AGE_DAYS: '60',
  };
  const svc = await startTestService({ dialect: 'sqlite', dataDir, env });
  const user = await svc.services.users.add({ username: 'liv', displayName: 'Liv Lund', email: 'liv@example.org', passwordHash: 'x' });
  await svc.services.users.add({ username: 'old', email: 'old@example.org', passwordHash: 'x' });
  await svc.services.store.db.updateTable('users').set({ password_changed_at: Date.now() - 58 * DAY }).where('id', '=', user.id).execute();
  await svc.close();
});

after(async () => {
  await sink?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sspr notify', () => {
  test('expiry --dry-run --json lists who would be told what, and sends nothing', async () => {
    const result = await runCliAsync(['notify', 'expiry', '--dry-run', '--json'], env);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { dryRun: boolean; notices: Array<Record<string, unknown>> };
    assert.equal(report.dryRun, true);
    assert.equal(report.notices.length, 1);
    assert.deepEqual(
      { ...report.notices[0], userId: undefined, expiresAt: undefined },
      { userId: undefined, username: 'liv', expiresAt: undefined, interval: 3, daysLeft: 2, channels: ['email'], state: 'due' },
    );
    const table = await runCliAsync(['notify', 'expiry', '--dry-run'], env);
    assert.match(table.stdout, /^username\s+expiresAt\s+interval\s+daysLeft\s+channels\s+state$/m);
    assert.match(table.stdout, /^liv\s+\S+\s+3\s+2\s+email\s+due$/m);
    assert.match(table.stdout, /dry run: nothing was sent/);
    assert.equal(sink.messages.length, 0);
  });

  test('expiry without --dry-run sends once; the next run lists it as already sent', async () => {
    const sent = await runCliAsync(['notify', 'expiry', '--json'], env);
    assert.equal(sent.status, 0, sent.stderr);
    assert.equal((JSON.parse(sent.stdout) as { notices: Array<{ state: string }> }).notices[0]?.state, 'sent');
    const mail = await sink.waitFor((m) => m.to === 'liv@example.org');
    assert.match(mail.subject, /expires in 2 days/);
    assert.match(mail.text, /Hello Liv Lund/);
    assert.match(mail.text, /https:\/\/sspr\.example\.org\/account\n/);
    const again = await runCliAsync(['notify', 'expiry', '--json'], env);
    assert.equal((JSON.parse(again.stdout) as { notices: Array<{ state: string }> }).notices[0]?.state, 'already-sent');
    assert.equal(sink.messages.filter((m) => m.to === 'liv@example.org').length, 1);
  });

  test('enrolment --dry-run lists accounts without methods', async () => {
    const result = await runCliAsync(['notify', 'enrolment', '--dry-run', '--json'], env);
    assert.equal(result.status, 0, result.stderr);
    // Contact data counts by default: an e-mail address on file is a method, so nobody is due.
    assert.deepEqual((JSON.parse(result.stdout) as { notices: unknown[] }).notices, []);
  });

  test('a bad cron expression stops start-up with the dotted key', () => {
    const result = runCli(['serve'], { env: { ...env, SSPR_REMINDERS_EXPIRY_SCHEDULE: '0 8 * * mon-xyz', SSPR_PORT: '0' } });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /reminders\.expiry\.schedule: not a cron expression \("0 8 \* \* mon-xyz"\)/);
  });
});
