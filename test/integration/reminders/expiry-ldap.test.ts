/**
 * Password expiry reminders from a real OpenLDAP with ppolicy (pwdMaxAge + pwdChangedTime), through the sync,
 * against a real SMTP server, with a manual clock: which interval goes out when, never-expires and must-change
 * respected, each reminder exactly once across a restart and across two service instances sharing one
 * PostgreSQL database running the same run concurrently; the manager summary; the dry run's JSON.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startSlapd, ldapsDirectory, type Slapd } from '../../support/slapd.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { createTestDatabase } from '../../support/postgres.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { ManualClock } from '../../support/manual-clock.js';
import { runServiceSync } from '../../../src/app/service-sync.js';

const DAY = 86_400_000;
const MAX_AGE_DAYS = 30;

let slapd: Slapd;
let sink: SmtpSink;
let database: { url: string; drop: () => Promise<void> };
const clock = new ManualClock(Date.now());
const masterKey = randomBytes(32).toString('base64');
const open: TestService[] = [];

async function node(): Promise<TestService> {
  const svc = await startTestService({
    dialect: 'sqlite',
    smtpUrl: sink.url,
    clock,
    env: {
      SSPR_DATABASE_URL: database.url,
      SSPR_SECRETS_MASTER_KEY: masterKey,
      SSPR_DIRECTORY: JSON.stringify(ldapsDirectory(slapd)),
      SSPR_PUBLIC_URL: 'https://sspr.example.org',
      SSPR_REMINDERS_EXPIRY_MANAGER_SUMMARY: 'true',
    },
  });
  open.push(svc);
  return svc;
}

async function closeNode(svc: TestService): Promise<void> {
  open.splice(open.indexOf(svc), 1);
  await svc.close();
}

const reminderMails = (to: string) => sink.messages.filter((m) => m.to === to && /expires in/.test(m.subject));

before(async () => {
  [slapd, sink, database] = await Promise.all([startSlapd(), SmtpSink.start(), createTestDatabase()]);
  // ppolicy sets pwdChangedTime when a password is added under a policy with an age limit.
  await slapd.modifyAsRoot(slapd.policyDn, { pwdMaxAge: String(MAX_AGE_DAYS * 86_400), pwdGraceAuthNLimit: '2' });
  await slapd.addEntry(`cn=never,ou=policies,${slapd.baseDn}`, { objectClass: ['pwdPolicy', 'device'], cn: 'never', pwdAttribute: 'userPassword', pwdMaxAge: '0' });
  const boss = await slapd.addUser({ uid: 'boss', password: 'Boss-Pass-1234', givenName: 'Bea', sn: 'Boss', mail: 'boss@example.org' });
  await slapd.addUser({ uid: 'ann', password: 'Ann-Pass-1234', givenName: 'Ann', sn: 'Able', mail: 'ann@example.org' });
  await slapd.modifyAsRoot(`uid=ann,${slapd.usersDn}`, { manager: boss });
  await slapd.addUser({ uid: 'bob', password: 'Bob-Pass-1234', mail: 'bob@example.org' });
  await slapd.modifyAsRoot(`uid=bob,${slapd.usersDn}`, { pwdReset: 'TRUE' });
  await slapd.addUser({ uid: 'dan', password: 'Dan-Pass-1234', mail: 'dan@example.org' });
  await slapd.modifyAsRoot(`uid=dan,${slapd.usersDn}`, { pwdPolicySubentry: `cn=never,ou=policies,${slapd.baseDn}` });
});

after(async () => {
  for (const svc of [...open]) await svc?.close();
  await Promise.all([slapd?.stop(), sink?.close()]);
  await database?.drop();
});

describe('expiry reminders from OpenLDAP ppolicy', () => {
  let a: TestService;

  test('the sync stores pwdChangedTime + pwdMaxAge; must-change and a never-expiring policy store no expiry', async () => {
    a = await node();
    await runServiceSync(a.services, { full: true });
    const rows = await a.services.store.db.selectFrom('users').select(['username', 'password_changed_at', 'password_expires_at', 'manager_dn']).orderBy('username').execute();
    const by = new Map(rows.map((r) => [r.username, r]));
    const ann = by.get('ann')!;
    assert.ok(ann.password_changed_at !== null && Math.abs(ann.password_changed_at - Date.now()) < 5 * 60_000, 'pwdChangedTime read');
    assert.equal(ann.password_expires_at, ann.password_changed_at! + MAX_AGE_DAYS * DAY);
    assert.equal(ann.manager_dn?.toLowerCase(), `uid=boss,${slapd.usersDn}`.toLowerCase());
    assert.equal(by.get('bob')!.password_expires_at, null, 'pwdReset: must change, nothing to remind of');
    assert.equal(by.get('dan')!.password_expires_at, null, 'pwdMaxAge 0 in its own policy: never expires');
    // From here on the clock counts from ann's password change (plus an hour), whatever the test's start-up took.
    clock.advance(ann.password_changed_at! + 60 * 60_000 - clock.now());
  });

  test('dry run: nothing due 17 days before expiry; the 14-day reminder 10 days before; JSON lists who and what', async () => {
    clock.advance(13 * DAY);
    assert.deepEqual((await a.services.reminders.expiry.run({ dryRun: true })).notices, []);
    clock.advance(7 * DAY);
    const report = await a.services.reminders.expiry.run({ dryRun: true });
    assert.equal(report.dryRun, true);
    const names = report.notices.map((n) => n.username).sort();
    assert.deepEqual(names, ['ann', 'boss']);
    const ann = report.notices.find((n) => n.username === 'ann')!;
    assert.equal(ann.interval, 14);
    assert.equal(ann.daysLeft, 10);
    assert.deepEqual(ann.channels, ['email']);
    assert.equal(ann.state, 'due');
    assert.deepEqual(report.managers.map((m) => [m.manager, m.people, m.state]), [['boss', ['ann'], 'due']]);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(report)));
    assert.equal(sink.messages.length, 0, 'a dry run sends nothing');
  });

  test('two instances on one PostgreSQL run at once: each reminder goes out exactly once', async () => {
    const b = await node();
    const [first, second] = await Promise.all([a.services.reminders.expiry.run({ dryRun: false }), b.services.reminders.expiry.run({ dryRun: false })]);
    const sent = [...first.notices, ...second.notices].filter((n) => n.state === 'sent').map((n) => n.username).sort();
    assert.deepEqual(sent, ['ann', 'boss']);
    const summaries = [...first.managers, ...second.managers].filter((m) => m.state === 'sent');
    assert.equal(summaries.length, 1, 'one manager summary a day');
    await Promise.all([a.services.delivery.drain(), b.services.delivery.drain()]);
    const mail = await sink.waitFor((m) => m.to === 'ann@example.org');
    assert.match(mail.subject, /expires in 10 days/);
    assert.match(mail.text, /https:\/\/sspr\.example\.org\/account/);
    await sink.waitFor((m) => m.to === 'boss@example.org' && /team/.test(m.subject));
    assert.equal(reminderMails('ann@example.org').length, 1);
    await closeNode(b);
  });

  test('after a restart the same reminder is not sent again; the next interval is', async () => {
    await closeNode(a);
    a = await node();
    const again = await a.services.reminders.expiry.run({ dryRun: false });
    assert.deepEqual(again.notices.map((n) => n.state), ['already-sent', 'already-sent']);
    clock.advance(3.5 * DAY);
    const seven = await a.services.reminders.expiry.run({ dryRun: false });
    assert.deepEqual(seven.notices.filter((n) => n.username === 'ann').map((n) => [n.interval, n.state]), [[7, 'sent']]);
    await a.services.delivery.drain();
    await sink.waitFor((m) => m.to === 'ann@example.org' && /7 days/.test(m.subject));
    assert.equal(reminderMails('ann@example.org').length, 2);
    const audited = await a.services.store.db.selectFrom('audit_events').select('detail').where('event', '=', 'reminder.expiry').where('username', '=', 'ann').execute();
    assert.deepEqual(audited.map((r) => JSON.parse(r.detail ?? '{}').days), [14, 7]);
  });

  test('a password changed through the service forgets the old expiry until the next sync', async () => {
    const ann = (await a.services.users.findByUsername('ann'))!;
    await a.services.reminders.store.passwordWritten(ann.id);
    const report = await a.services.reminders.expiry.run({ dryRun: true });
    assert.deepEqual(report.notices.map((n) => n.username), ['boss']);
  });
});
