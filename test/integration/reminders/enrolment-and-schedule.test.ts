/**
 * Enrolment reminders (every N days, at most M times, only for accounts the policy covers that lack methods),
 * the optional maximum age of cloud-only passwords, and the cron schedule of `sspr serve`: two instances on one
 * PostgreSQL each run a per-second schedule, and every occurrence runs on exactly one of them; the expiry job run
 * that way sends each reminder once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SmtpSink } from '../../support/smtp-sink.js';
import { createTestDatabase } from '../../support/postgres.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { ManualClock } from '../../support/manual-clock.js';
import { CronSchedule } from '../../../src/reminders/cron-schedule.js';
import { cronScheduleFor } from '../../../src/cli/run-server.js';

const DAY = 86_400_000;
let sink: SmtpSink;

before(async () => {
  sink = await SmtpSink.start();
});

after(async () => {
  await sink?.close();
});

describe('enrolment reminders and cloud-only expiry (SQLite)', () => {
  const clock = new ManualClock();
  let svc: TestService;

  before(async () => {
    svc = await startTestService({
      dialect: 'sqlite',
      smtpUrl: sink.url,
      clock,
      env: {
        SSPR_REMINDERS_ENROLMENT_EVERY_DAYS: '7',
        SSPR_REMINDERS_ENROLMENT_MAX_REMINDERS: '2',
        SSPR_REMINDERS_EXPIRY_CLOUD_ONLY_MAX_AGE_DAYS: '90',
      },
    });
    const { users, registrations, policy } = svc.services;
    // Contact data does not count: only registered methods do.
    await policy.update({ contactDataCounts: false }, 'test');
    await users.add({ username: 'nora', email: 'nora@example.org', passwordHash: 'x' });
    await users.add({ username: 'nomail' });
    const ready = await users.add({ username: 'ready', email: 'ready@example.org' });
    await registrations.add(ready.id, 'totp', { secret: 'JBSWY3DPEHPK3PXP', lastStep: null, label: 'phone' }, clock.now());
    const off = await users.add({ username: 'off', email: 'off@example.org' });
    await users.setEnabled(off.id, false);
  });

  after(async () => {
    await svc?.close();
  });

  test('reminds accounts without enough methods every N days, at most M times; the counts are readable', async () => {
    const { enrolment, store } = svc.services.reminders;
    const dry = await enrolment.run({ dryRun: true });
    assert.deepEqual(dry.notices.map((n) => [n.username, n.why, n.state]).sort(), [['nomail', 'too-few-methods', 'no-address'], ['nora', 'too-few-methods', 'due']]);
    assert.deepEqual((await store.enrolmentReminders()).size, 0, 'a dry run records nothing');

    const states = async () => (await enrolment.run({ dryRun: false })).notices.find((n) => n.username === 'nora')?.state;
    assert.equal(await states(), 'sent');
    assert.equal(await states(), 'already-sent', 'not again within 7 days');
    clock.advance(6 * DAY);
    assert.equal(await states(), 'already-sent');
    clock.advance(1 * DAY);
    assert.equal(await states(), 'sent', 'the second one a week later');
    clock.advance(30 * DAY);
    assert.equal(await states(), 'already-sent', 'never more than maxReminders');
    await svc.services.delivery.drain();
    await sink.waitFor((m) => m.to === 'nora@example.org');
    const mails = sink.messages.filter((m) => m.to === 'nora@example.org' && /set up/.test(m.subject));
    assert.equal(mails.length, 2);
    assert.match(mails[0]!.text, /http:\/\/127\.0\.0\.1\/account\/security/);
    const nora = (await svc.services.users.findByUsername('nora'))!;
    assert.deepEqual((await store.enrolmentReminders([nora.id])).get(nora.id)?.count, 2);
  });

  test('cloud-only passwords expire after the configured maximum age', async () => {
    const nora = (await svc.services.users.findByUsername('nora'))!;
    const changedAt = nora.passwordChangedAt!;
    clock.advance(changedAt + 85 * DAY - clock.now());
    const report = await svc.services.reminders.expiry.run({ dryRun: false });
    assert.deepEqual(report.notices.map((n) => [n.username, n.interval, n.daysLeft, n.state]), [['nora', 7, 5, 'sent']]);
    assert.equal(report.notices[0]!.expiresAt, new Date(changedAt + 90 * DAY).toISOString());
    await svc.services.delivery.drain();
    await sink.waitFor((m) => m.to === 'nora@example.org' && /expires in 5 days/.test(m.subject));
  });
});

describe('the cron schedule on two instances sharing PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  const nodes: TestService[] = [];

  before(async () => {
    database = await createTestDatabase();
    const env = { SSPR_DATABASE_URL: database.url, SSPR_SECRETS_MASTER_KEY: randomBytes(32).toString('base64'), SSPR_REMINDERS_EXPIRY_SCHEDULE: '* * * * * *', SSPR_REMINDERS_EXPIRY_CLOUD_ONLY_MAX_AGE_DAYS: '30', SSPR_LOG_LEVEL: 'warn' };
    for (let i = 0; i < 2; i++) nodes.push(await startTestService({ dialect: 'sqlite', smtpUrl: sink.url, env }));
    // Changed 25 days ago: the 7-day reminder is due.
    const user = await nodes[0]!.services.users.add({ username: 'cleo', email: 'cleo@example.org', passwordHash: 'x' });
    await nodes[0]!.services.store.db.updateTable('users').set({ password_changed_at: Date.now() - 25 * DAY }).where('id', '=', user.id).execute();
  });

  after(async () => {
    for (const node of nodes) await node?.close();
    await database?.drop();
  });

  test('every occurrence runs on one node only, and the reminder goes out once', async () => {
    const schedules = nodes.map((node) => cronScheduleFor(node.services)) as CronSchedule[];
    assert.ok(schedules.every((s) => s instanceof CronSchedule));
    for (const schedule of schedules) schedule.start();
    await new Promise((resolve) => setTimeout(resolve, 4_200));
    await Promise.all(schedules.map((s) => s.stop()));
    const rows = await nodes[0]!.services.store.db.selectFrom('scheduled_runs').select(['occurrence', 'node']).where('job', '=', 'expiry-reminders').execute();
    const ran = schedules.reduce((sum, s) => sum + (s.ran.get('expiry-reminders') ?? 0), 0);
    assert.ok(rows.length >= 3, `at least three occurrences in 4 s (had ${rows.length})`);
    assert.equal(ran, rows.length, 'one run per claimed occurrence, none twice');
    assert.equal(new Set(rows.map((r) => r.occurrence)).size, rows.length);
    await Promise.all(nodes.map((node) => node.services.delivery.drain()));
    await sink.waitFor((m) => m.to === 'cleo@example.org');
    assert.equal(sink.messages.filter((m) => m.to === 'cleo@example.org').length, 1);
    const audited = await nodes[0]!.services.store.db.selectFrom('audit_events').select('outcome').where('event', '=', 'scheduled-run').execute();
    assert.equal(audited.length, rows.length);
    assert.ok(audited.every((a) => a.outcome === 'success'));
  });
});
