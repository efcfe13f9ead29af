/**
 * Doctor scenarios against a real OpenLDAP (ppolicy) in direct mode, on SQLite: each check's verdict is produced
 * for real, then repaired, and must flip both ways.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkIds } from '../../../src/doctor/doctor-types.js';
import { spawnSync } from 'node:child_process';
import { Client } from 'ldapts';
import { startSlapd, type Slapd } from '../../support/slapd.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { freePort } from '../../support/processes.js';
import { DoctorService } from '../../../src/doctor/doctor-service.js';
import { DirectInspector } from '../../../src/writeback/direct-inspector.js';
import { LdapDirectory } from '../../../src/directory/ldap/ldap-directory.js';
import { usernameKey } from '../../../src/store/users-repository.js';
import type { Services } from '../../../src/app/services.js';
import { expectCheck, resetThroughFlow, statusOf } from './doctor-support.js';

let slapd: Slapd;
let svc: TestService;
let services: Services;

function directoryConfig(url: string) {
  return { kind: 'ldap', url, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn };
}

/** Adds the entry in slapd and links a directory-managed user record to it (anchor = entryUUID), as a sync would. */
async function directoryUser(uid: string, extra: { mail?: string; mobile?: string; isAdmin?: boolean } = {}) {
  await slapd.addUser({ uid, password: `Initial-${uid}-Pass1`, givenName: uid, sn: 'Test', ...(extra.mail ? { mail: extra.mail } : {}) });
  const account = await services.onprem!.findAccount(uid);
  assert.ok(account);
  return services.users.add({ username: uid, email: extra.mail ?? null, mobile: extra.mobile ?? null, isAdmin: extra.isAdmin ?? false, source: 'ldap', anchor: account.anchor, dn: account.dn });
}

/** The same doctor with other dependencies (config or inspector). */
function doctorWith(overrides: Partial<ConstructorParameters<typeof DoctorService>[0]>): DoctorService {
  return new DoctorService({
    config: services.config, clock: services.clock, db: services.store.db, cipher: services.cipher, users: services.users, groups: services.groups,
    licences: services.licences, registrations: services.registrations, policy: services.policy, throttles: services.throttles,
    availableTypes: [...services.methods.keys()], inspector: services.inspector, smtpConfigured: true, smsConfigured: services.sms !== null,
    ...overrides,
  });
}

before(async () => {
  slapd = await startSlapd();
  svc = await startTestService({ dialect: 'sqlite', env: { SSPR_DEMO: 'true', SSPR_DIRECTORY: JSON.stringify(directoryConfig(slapd.ldapsUrl)) } });
  services = svc.services;
});

after(async () => {
  await svc?.close();
  await slapd?.stop();
});

describe('doctor against OpenLDAP (direct mode)', () => {
  it('healthy directory user: every check passes or is skipped, canReset', async () => {
    await directoryUser('healthy', { mail: 'healthy@example.org' });
    const report = await services.doctor.diagnoseUser('healthy', 'en');
    assert.equal(report.canReset, true, JSON.stringify(report.checks.filter((c) => c.status === 'fail')));
    assert.equal(report.checks.length, checkIds.length);
    assert.equal(statusOf(report, 'directory-reachable'), 'pass');
    assert.equal(statusOf(report, 'user-linked'), 'pass');
    assert.equal(statusOf(report, 'agent-connected'), 'skip');
  });

  it('writeback-enabled: writeback off fails, on passes', async () => {
    await directoryUser('wb', { mail: 'wb@example.org' });
    const off = doctorWith({ config: { ...services.config, writeback: { ...services.config.writeback, enabled: false } } });
    const report = await off.diagnoseUser('wb', 'en');
    assert.equal(statusOf(report, 'writeback-enabled'), 'fail');
    assert.equal(report.canReset, false);
    await expectCheck(services, 'wb', 'writeback-enabled', 'pass');
  });

  it('license-assigned: licence required and removed fails, assigned passes', async () => {
    const user = await directoryUser('lic', { mail: 'lic@example.org' });
    const group = await services.groups.add('Licensed');
    await services.groups.addUser(group.id, user.id);
    await services.licences.assign('sspr-writeback', 'group', group.id);
    await services.policy.update({ licenceRequired: true }, 'test');
    try {
      await expectCheck(services, 'lic', 'license-assigned', 'pass');
      await services.store.db.deleteFrom('licence_assignments').where('principal_id', '=', group.id).execute();
      await expectCheck(services, 'lic', 'license-assigned', 'fail');
      await services.licences.assign('sspr-writeback', 'group', group.id);
      await expectCheck(services, 'lic', 'license-assigned', 'pass');
    } finally {
      await services.policy.update({ licenceRequired: false }, 'test');
    }
  });

  it('sspr-enabled: user outside the selected group fails, member passes', async () => {
    const user = await directoryUser('scoped', { mail: 'scoped@example.org' });
    const staff = await services.groups.add('Staff');
    const parent = await services.groups.add('Everyone-Staff');
    await services.policy.update({ enabled: 'selected', group: 'Everyone-Staff' }, 'test');
    try {
      await expectCheck(services, 'scoped', 'sspr-enabled', 'fail');
      await services.groups.addUser(staff.id, user.id);
      await services.groups.addGroup(parent, staff);
      await expectCheck(services, 'scoped', 'sspr-enabled', 'pass');
    } finally {
      await services.policy.update({ enabled: 'all', group: null }, 'test');
    }
  });

  it('methods-registered: policy raised from 1 to 2 fails; a second method passes; unregistering fails again', async () => {
    const user = await directoryUser('meth', { mail: 'meth@example.org' });
    await expectCheck(services, 'meth', 'methods-registered', 'pass');
    await services.policy.update({ methodsRequired: 2 }, 'test');
    try {
      await expectCheck(services, 'meth', 'methods-registered', 'fail');
      const totp = await services.registrations.add(user.id, 'totp', { secret: 'JBSWY3DPEHPK3PXP', label: 'phone' }, services.clock.now());
      await expectCheck(services, 'meth', 'methods-registered', 'pass');
      await services.registrations.remove(user.id, totp.id);
      await expectCheck(services, 'meth', 'methods-registered', 'fail');
    } finally {
      await services.policy.update({ methodsRequired: 1 }, 'test');
    }
  });

  it('admin-policy: an administrator with one method fails, with two passes', async () => {
    const user = await directoryUser('boss', { mail: 'boss@example.org', isAdmin: true });
    await expectCheck(services, 'boss', 'admin-policy', 'fail');
    await services.registrations.add(user.id, 'totp', { secret: 'JBSWY3DPEHPK3PXP', label: 'phone' }, services.clock.now());
    await expectCheck(services, 'boss', 'admin-policy', 'pass');
  });

  it('method-data-valid: a bad phone number fails, a correct one passes', async () => {
    const user = await directoryUser('phone', { mail: 'phone@example.org', mobile: '12345' });
    const report = await expectCheck(services, 'phone', 'method-data-valid', 'fail');
    assert.match(report.checks.find((c) => c.id === 'method-data-valid')!.summary, /cannot receive SMS/);
    await services.users.setContact(user.id, { mobile: '+49 151 23456789' });
    await expectCheck(services, 'phone', 'method-data-valid', 'pass');
  });

  it('throttled: the throttle triggered fails until cleared', async () => {
    await directoryUser('noisy', { mail: 'noisy@example.org' });
    const policy = await services.policy.current();
    for (let i = 0; i < policy.throttles.failedProofs; i++) await services.throttles.failedProof(usernameKey('noisy'), policy);
    await expectCheck(services, 'noisy', 'throttled', 'fail');
    await services.throttles.clear(usernameKey('noisy'));
    await expectCheck(services, 'noisy', 'throttled', 'pass');
  });

  it('account-state: locked by bad binds (ppolicy) warns, unlocked passes; disabled fails', async () => {
    const user = await directoryUser('locked', { mail: 'locked@example.org' });
    const account = await services.onprem!.findAccount('locked');
    for (let i = 0; i < 3; i++) {
      const client = new Client({ url: slapd.ldapUrl });
      await assert.rejects(client.bind(account!.dn, 'wrong-password'));
      await client.unbind();
    }
    await expectCheck(services, 'locked', 'account-state', 'warn');
    await services.onprem!.unlock(account!);
    await expectCheck(services, 'locked', 'account-state', 'pass');
    await services.users.setEnabled(user.id, false);
    await expectCheck(services, 'locked', 'account-state', 'fail');
    await services.users.setEnabled(user.id, true);
    await expectCheck(services, 'locked', 'account-state', 'pass');
  });

  it('password-policy: minimum age set and two resets in a row fails, minimum age 0 passes', async () => {
    await directoryUser('young', { mail: 'young@example.org' });
    await slapd.modifyAsRoot(slapd.policyDn, { pwdMinAge: '3600' });
    try {
      await expectCheck(services, 'young', 'password-policy', 'warn');
      const account = await services.onprem!.findAccount('young');
      await services.onprem!.resetPassword(account!, 'First-Reset-Pass-1');
      const report = await expectCheck(services, 'young', 'password-policy', 'fail');
      assert.match(report.checks.find((c) => c.id === 'password-policy')!.evidence, /minimum age 1 h/);
      // The directory agrees: a second reset within the minimum age is refused.
      await assert.rejects(services.onprem!.resetPassword(account!, 'Second-Reset-Pass-2'), /too-young|policy/);
    } finally {
      await slapd.modifyAsRoot(slapd.policyDn, { pwdMinAge: null });
    }
    await expectCheck(services, 'young', 'password-policy', 'pass');
  });

  it('user-linked: a wrong anchor or a missing object fails, the right anchor passes', async () => {
    const user = await directoryUser('linked', { mail: 'linked@example.org' });
    await services.store.db.updateTable('users').set({ anchor: '00000000-0000-0000-0000-000000000000' }).where('id', '=', user.id).execute();
    await expectCheck(services, 'linked', 'user-linked', 'fail');
    await services.store.db.updateTable('users').set({ anchor: user.anchor }).where('id', '=', user.id).execute();
    await expectCheck(services, 'linked', 'user-linked', 'pass');
    await services.users.add({ username: 'ghost', email: 'ghost@example.org', source: 'ldap', anchor: '11111111-1111-1111-1111-111111111111' });
    await expectCheck(services, 'ghost', 'user-linked', 'fail');
  });

  it('directory-reachable: a closed port and an untrusted certificate fail, the right URL passes', async () => {
    await directoryUser('reach', { mail: 'reach@example.org' });
    const { kind: _kind, ...closedConfig } = directoryConfig(`ldaps://127.0.0.1:${await freePort()}`);
    const { kind: _kind2, ...untrustedConfig } = { ...directoryConfig(slapd.ldapsUrl), caFile: slapd.unrelatedCaFile };
    const closed = LdapDirectory.fromConfig(closedConfig);
    const untrusted = LdapDirectory.fromConfig(untrustedConfig);
    try {
      for (const directory of [closed, untrusted]) {
        const report = await doctorWith({ inspector: new DirectInspector(directory) }).diagnoseUser('reach', 'en');
        assert.equal(statusOf(report, 'directory-reachable'), 'fail', JSON.stringify(report.checks.find((c) => c.id === 'directory-reachable')));
        assert.equal(report.canReset, false);
      }
    } finally {
      await closed.close();
      await untrusted.close();
    }
    await expectCheck(services, 'reach', 'directory-reachable', 'pass');
  });

  it('unsupported-operation: a password set without writeback fails; a reset that writes back passes', async () => {
    await directoryUser('diverged', { mail: 'diverged@example.org' });
    await expectCheck(services, 'diverged', 'unsupported-operation', 'pass');
    // The CLI's break-glass path stores the password locally only (the built CLI on the same data folder).
    const cli = spawnSync(process.execPath, ['dist/cli/main.js', 'user', 'set-password', 'diverged', '--local-only'], {
      env: { PATH: process.env.PATH, SSPR_DATA_DIR: svc.dataDir, SSPR_LOG_LEVEL: 'silent' },
      input: 'Local-Only-Passw0rd-Z\n',
      encoding: 'utf8',
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stderr, /NOT written back/);
    await expectCheck(services, 'diverged', 'unsupported-operation', 'fail');
    await resetThroughFlow(services, 'diverged', 'Written-Back-Passw0rd-Y');
    await expectCheck(services, 'diverged', 'unsupported-operation', 'pass');
  });

  it('directory-permissions: OpenLDAP cannot report rights, so the check says so (skip)', async () => {
    await directoryUser('rights', { mail: 'rights@example.org' });
    await expectCheck(services, 'rights', 'directory-permissions', 'skip');
  });

  it('registration-current: warns once the methods are older than the re-confirm interval; re-confirming repairs it', async () => {
    const user = await directoryUser('reconfirm', { mail: 'reconfirm@example.org' });
    await services.registrations.add(user.id, 'totp', { secret: 'JBSWY3DPEHPK3PXP', label: 'phone' }, services.clock.now());
    const later = services.clock.now() + 100 * 86_400_000;
    const doctor = doctorWith({ clock: { now: () => later } });
    assert.equal(statusOf(await doctor.diagnoseUser('reconfirm', 'en'), 'registration-current'), 'pass', 'no interval set');
    await services.policy.update({ reconfirmDays: 90 }, 'test');
    try {
      const overdue = await doctor.diagnoseUser('reconfirm', 'en');
      assert.equal(statusOf(overdue, 'registration-current'), 'warn');
      assert.equal(overdue.canReset, true, 'a due re-confirmation does not block a reset');
      await services.registrations.reconfirmAll(user.id, later);
      assert.equal(statusOf(await doctor.diagnoseUser('reconfirm', 'en'), 'registration-current'), 'pass');
    } finally {
      await services.policy.update({ reconfirmDays: 0 }, 'test');
    }
  });

  it('service-level run: summary counts users per check', async () => {
    const report = await services.doctor.diagnoseService('en');
    assert.equal(report.user, null);
    assert.equal(report.checks.length, checkIds.length);
    assert.ok(report.summary && report.summary.users >= 10);
    assert.equal(statusOf(report, 'directory-reachable'), 'pass');
  });
});
