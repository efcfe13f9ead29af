/**
 * Doctor scenarios against a real Samba AD DC in direct mode: a right removed from the service account on a user
 * object (an explicit deny ACE) and restored, and a user made a member of Domain Admins (protected) and removed.
 * Samba binds the fixed ports 389/636: run under `flock /tmp/sspr-samba.lock`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Attribute, Change, Client } from 'ldapts';
import { startSambaAd, type SambaAd } from '../../support/samba-ad.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { SdFlagsControl } from '../../../src/directory/ad/ad-security-descriptor.js';
import type { Services } from '../../../src/app/services.js';
import { expectCheck } from './doctor-support.js';

let ad: SambaAd;
let svc: TestService;
let smtp: SmtpSink;
let services: Services;

async function asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url: ad.ldapsUrl, tlsOptions: { ca: readFileSync(ad.caFile), servername: ad.tlsServerName } });
  try {
    await client.bind(ad.admin.upn, ad.admin.password);
    return await work(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function directoryUser(name: string) {
  await ad.addUser(name, `Init!${name}-Pass-2026`, { givenName: name, surname: 'Test', mail: `${name}@example.test` });
  const account = await services.onprem!.findAccount(name);
  assert.ok(account);
  return { account, user: await services.users.add({ username: name, email: `${name}@example.test`, source: 'ad', anchor: account.anchor, dn: account.dn }) };
}

before(async () => {
  ad = await startSambaAd();
  const directory = { kind: 'ad', url: ad.ldapsUrl, caFile: ad.caFile, tlsServerName: ad.tlsServerName, bindUpn: ad.service.upn, bindPassword: ad.service.password, baseDn: ad.peopleOu };
  // The users' only method is their address: they can reset only while e-mail can be delivered.
  smtp = await SmtpSink.start();
  svc = await startTestService({ dialect: 'sqlite', smtpUrl: smtp.url, env: { SSPR_DIRECTORY: JSON.stringify(directory) } });
  services = svc.services;
});

after(async () => {
  await svc?.close();
  await smtp?.close();
  await ad?.stop();
});

describe('doctor against Samba AD (direct mode)', () => {
  it('healthy delegated user: rights read from the directory are all present', async () => {
    await directoryUser('dora');
    // Samba 4.17 does not advertise the policy-hints control: all rights present, but the check warns about it.
    const report = await expectCheck(services, 'dora', 'directory-permissions', 'warn');
    assert.match(report.checks.find((c) => c.id === 'directory-permissions')!.summary, /policy-hints/);
    assert.match(report.checks.find((c) => c.id === 'directory-permissions')!.evidence, /lockouttime, pwdlastset.*Reset Password yes/i);
    assert.equal(report.canReset, true, JSON.stringify(report.checks.filter((c) => c.status === 'fail')));
  });

  it('directory-permissions: Reset Password denied to the service account fails, restored back to all rights (warn: no policy hints)', async () => {
    const { account } = await directoryUser('rita');
    const original = await asAdmin(async (client) => {
      const { searchEntries } = await client.search(account.dn, { scope: 'base', attributes: ['nTSecurityDescriptor'], explicitBufferAttributes: ['nTSecurityDescriptor'] }, [new SdFlagsControl()]);
      return searchEntries[0]!.nTSecurityDescriptor as Buffer;
    });
    const sid = /^objectSid: (S-[\d-]+)$/m.exec(await ad.sambaTool('user', 'show', 'svc-sspr'))![1]!;
    await ad.sambaTool('dsacl', 'set', `--objectdn=${account.dn}`, `--sddl=(OD;;CR;00299570-246d-11d0-a768-00aa006e0529;;${sid})`);
    const report = await expectCheck(services, 'rita', 'directory-permissions', 'fail');
    assert.match(report.checks.find((c) => c.id === 'directory-permissions')!.summary, /Reset Password/);
    // The directory agrees: the reset is refused for lack of rights.
    await assert.rejects(services.onprem!.resetPassword(account, 'Rita!New-Pass-2026'), /access-denied/);
    await asAdmin((client) =>
      client.modify(account.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'nTSecurityDescriptor', values: [original] }) })], [new SdFlagsControl()]),
    );
    await expectCheck(services, 'rita', 'directory-permissions', 'warn');
  });

  it('protected-account: a member of Domain Admins fails, removed passes', async () => {
    const { account } = await directoryUser('adam');
    await expectCheck(services, 'adam', 'protected-account', 'pass');
    const domainAdmins = `CN=Domain Admins,CN=Users,${ad.baseDn}`;
    await ad.adminModify(domainAdmins, [{ op: 'add', attribute: 'member', values: [account.dn] }]);
    const report = await expectCheck(services, 'adam', 'protected-account', 'fail');
    assert.match(report.checks.find((c) => c.id === 'protected-account')!.evidence, /Domain Admins/);
    await ad.adminModify(domainAdmins, [{ op: 'delete', attribute: 'member', values: [account.dn] }]);
    await expectCheck(services, 'adam', 'protected-account', 'pass');
  });

  it('account-state: disabled in AD (userAccountControl 514) fails, enabled passes', async () => {
    const { account } = await directoryUser('ulla');
    await ad.adminModify(account.dn, [{ op: 'replace', attribute: 'userAccountControl', values: ['514'] }]);
    await expectCheck(services, 'ulla', 'account-state', 'fail');
    await ad.adminModify(account.dn, [{ op: 'replace', attribute: 'userAccountControl', values: ['512'] }]);
    await expectCheck(services, 'ulla', 'account-state', 'pass');
  });
});
