/**
 * Password expiry facts and reminders from a real Samba AD DC (one file: Samba binds fixed ports): the domain
 * maxPwdAge, a fine-grained PSO that overrides it, DONT_EXPIRE_PASSWORD and "must change at next logon"
 * (pwdLastSet = 0) respected, the `manager` attribute, and the reminder due for each with a manual clock.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSambaAd, type SambaAd } from '../../support/samba-ad.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { ManualClock } from '../../support/manual-clock.js';
import { runServiceSync } from '../../../src/app/service-sync.js';

const DAY = 86_400_000;
let ad: SambaAd;
let sink: SmtpSink;
let svc: TestService;
const clock = new ManualClock(Date.now());
const dns: Record<string, string> = {};

before(async () => {
  [ad, sink] = await Promise.all([startSambaAd(), SmtpSink.start()]);
  await ad.sambaTool('domain', 'passwordsettings', 'set', '--max-pwd-age=42', '--min-pwd-age=0');
  for (const name of ['boss', 'ann', 'pat', 'nev', 'mus']) {
    dns[name] = await ad.addUser(name, 'Initial-Pass1!', { givenName: name, surname: 'Test', mail: `${name}@example.test` });
  }
  await ad.sambaTool('domain', 'passwordsettings', 'pso', 'create', 'short-lived', '1', '--max-pwd-age=10', '--min-pwd-age=0');
  await ad.sambaTool('domain', 'passwordsettings', 'pso', 'apply', 'short-lived', 'pat');
  await ad.adminModify(dns.ann!, [{ op: 'replace', attribute: 'manager', values: [dns.boss!] }]);
  await ad.adminModify(dns.nev!, [{ op: 'replace', attribute: 'userAccountControl', values: [String(0x200 | 0x10000)] }]);
  await ad.adminModify(dns.mus!, [{ op: 'replace', attribute: 'pwdLastSet', values: ['0'] }]);
  const directory = { kind: 'ad', url: ad.ldapsUrl, caFile: ad.caFile, tlsServerName: ad.tlsServerName, bindUpn: ad.service.upn, bindPassword: ad.service.password, baseDn: ad.peopleOu };
  svc = await startTestService({
    dialect: 'sqlite',
    smtpUrl: sink.url,
    clock,
    env: { SSPR_DIRECTORY: JSON.stringify(directory), SSPR_REMINDERS_EXPIRY_MANAGER_SUMMARY: 'true' },
  });
});

after(async () => {
  await svc?.close();
  await sink?.close();
  await ad?.stop();
});

describe('expiry reminders from Samba AD', () => {
  const stored = new Map<string, { changed: number | null; expires: number | null; manager: string | null }>();

  test('the sync stores the DC\'s expiry: domain maxPwdAge, the PSO\'s shorter age, never for DONT_EXPIRE and must-change', async () => {
    await runServiceSync(svc.services, { full: true });
    const rows = await svc.services.store.db.selectFrom('users').select(['username', 'password_changed_at', 'password_expires_at', 'manager_dn']).execute();
    for (const row of rows) stored.set(row.username, { changed: row.password_changed_at, expires: row.password_expires_at, manager: row.manager_dn });
    const ann = stored.get('ann')!;
    const pat = stored.get('pat')!;
    assert.ok(ann.changed !== null && Math.abs(ann.changed - Date.now()) < 10 * 60_000, `pwdLastSet read (${ann.changed})`);
    assert.equal(ann.expires, ann.changed! + 42 * DAY, 'domain maxPwdAge');
    assert.equal(pat.expires, pat.changed! + 10 * DAY, 'the PSO wins over the domain');
    assert.equal(stored.get('nev')!.expires, null, 'DONT_EXPIRE_PASSWORD');
    assert.equal(stored.get('mus')!.changed, null);
    assert.equal(stored.get('mus')!.expires, null, 'must change at next logon');
    assert.equal(ann.manager?.toLowerCase(), dns.boss!.toLowerCase());
  });

  test('with the clock 9 days on, the PSO account is due its 1-day reminder and nobody else is', async () => {
    const pat = stored.get('pat')!;
    clock.advance(pat.changed! + 9 * DAY + 60 * 60_000 - clock.now());
    const dry = await svc.services.reminders.expiry.run({ dryRun: true });
    assert.deepEqual(dry.notices.map((n) => [n.username, n.interval, n.daysLeft, n.state]), [['pat', 1, 1, 'due']]);
    const sent = await svc.services.reminders.expiry.run({ dryRun: false });
    assert.deepEqual(sent.notices.map((n) => n.state), ['sent']);
    assert.deepEqual((await svc.services.reminders.expiry.run({ dryRun: false })).notices.map((n) => n.state), ['already-sent']);
    await svc.services.delivery.drain();
    const mail = await sink.waitFor((m) => m.to === 'pat@example.test');
    assert.match(mail.subject, /expires in 1 day$/);
  });

  test('28 days later the domain-policy account gets its 14-day reminder and its manager the summary', async () => {
    const ann = stored.get('ann')!;
    clock.advance(ann.changed! + 28 * DAY + 60 * 60_000 - clock.now());
    const report = await svc.services.reminders.expiry.run({ dryRun: false });
    assert.deepEqual(report.notices.map((n) => [n.username, n.interval, n.state]).sort(), [['ann', 14, 'sent'], ['boss', 14, 'sent']]);
    assert.deepEqual(report.managers.map((m) => [m.manager, m.people, m.state]), [['boss', ['ann'], 'sent']]);
    await svc.services.delivery.drain();
    await sink.waitFor((m) => m.to === 'boss@example.test' && /team/.test(m.subject));
  });
});
