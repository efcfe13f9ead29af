import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Client, ResultCodeError } from 'ldapts';
import { AdDirectory } from '../../../src/directory/ad/ad-directory.js';
import { parseAdConfig, type AdConfigInput } from '../../../src/directory/ad/ad-config.js';
import { adPoolOptions, openAdConnection } from '../../../src/directory/ad/ad-connection.js';
import { translateAdError } from '../../../src/directory/ad/ad-error-translator.js';
import { closeQuietly, isUsable, LdapPool } from '../../../src/directory/ldap-common/ldap-pool.js';
import { POLICY_HINTS_DEPRECATED_OID, POLICY_HINTS_OID } from '../../../src/directory/ad/ad-policy-hints.js';
import { DirectoryError, type DirectoryFailure } from '../../../src/directory/onprem/onprem-directory.js';
import { startSambaAd, type SambaAd } from '../../support/samba-ad.js';

/**
 * The AD connector against a real Samba 4 AD DC (one DC for the whole file: provisioning takes ≈ 8 s).
 * Every write goes through the delegated service account `svc-sspr` (not an administrator).
 */

let ad: SambaAd;
let directory: AdDirectory;

function configFor(server: SambaAd, overrides: Partial<AdConfigInput> = {}): AdConfigInput {
  return {
    url: server.ldapsUrl,
    bindUpn: server.service.upn,
    bindPassword: server.service.password,
    baseDn: server.baseDn,
    caFile: server.caFile,
    tlsServerName: server.tlsServerName,
    timeoutMs: 5000,
    ...overrides,
  };
}

async function account(name: string) {
  const found = await directory.findAccount(name);
  assert.ok(found, `${name} exists`);
  return found;
}

async function refusal(promise: Promise<unknown>): Promise<DirectoryFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DirectoryError, `DirectoryError expected, got ${String(error)}`);
    return error.reason;
  }
  assert.fail('expected a refusal');
}

/** pwdLastSet as the administrator sees it (the connector does not expose the raw value). */
async function pwdLastSet(dn: string): Promise<string | undefined> {
  const client = new Client({ url: ad.ldapsUrl, tlsOptions: { ca: await readFile(ad.caFile), servername: ad.tlsServerName } });
  try {
    await client.bind(ad.admin.upn, ad.admin.password);
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['pwdLastSet'] });
    const value = searchEntries[0]?.pwdLastSet;
    return typeof value === 'string' ? value : undefined;
  } finally {
    await client.unbind();
  }
}

before(async () => {
  ad = await startSambaAd();
  directory = AdDirectory.fromConfig(configFor(ad));
  await ad.addUser('alice', 'Alice!Start1', { givenName: 'Alice', surname: 'Liddell', mail: 'alice@example.test', mobile: '+15550100' });
  for (const name of ['bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivan', 'bench']) {
    await ad.addUser(name, `${name[0]?.toUpperCase()}${name.slice(1)}!Start1`);
  }
  await ad.addUser('boss', 'Boss!Start1');
  await ad.adminModify(`CN=Domain Admins,CN=Users,${ad.baseDn}`, [{ op: 'add', attribute: 'member', values: [`CN=boss,${ad.peopleOu}`] }]);
});

after(async () => {
  await directory?.close();
  await ad?.stop();
});

describe('AD connector on Samba AD', () => {
  it('probe: reachable over LDAPS, service bind ok, rootDSE controls read', async () => {
    const probe = await directory.probe();
    assert.equal(probe.reachable, true);
    assert.equal(probe.encrypted, true);
    assert.equal(probe.serviceBindOk, true);
    assert.equal(probe.error, undefined);
    assert.ok(probe.supportedControls.includes('1.2.840.113556.1.4.319'), 'paged results advertised');
    // Samba 4.17 advertises neither policy-hints OID, so resets are sent without it.
    console.log(`# probe latency ${probe.latencyMs.toFixed(1)} ms; policy hints advertised: ` +
      `${probe.supportedControls.includes(POLICY_HINTS_OID)}/${probe.supportedControls.includes(POLICY_HINTS_DEPRECATED_OID)}`);

    const wrongPassword = await AdDirectory.fromConfig(configFor(ad, { bindPassword: 'wrong' })).probe();
    assert.equal(wrongPassword.serviceBindOk, false);
    assert.equal(wrongPassword.error?.reason, 'invalid-credentials');
    const closedPort = await AdDirectory.fromConfig(configFor(ad, { url: 'ldaps://127.0.0.1:1', timeoutMs: 1000 })).probe();
    assert.equal(closedPort.reachable, false);
    assert.equal(closedPort.error?.reason, 'unreachable');
  });

  it('findAccount maps the entry, the objectGUID anchor and the state flags', async () => {
    const alice = await account('alice');
    assert.equal(alice.dn, `CN=alice,${ad.peopleOu}`);
    assert.equal(alice.username, 'alice');
    assert.equal(alice.displayName, 'Alice Liddell');
    assert.equal(alice.firstName, 'Alice');
    assert.equal(alice.lastName, 'Liddell');
    assert.equal(alice.email, 'alice@example.test');
    assert.equal(alice.mobile, '+15550100');
    assert.deepEqual(
      [alice.enabled, alice.locked, alice.mustChangePassword, alice.passwordExpired, alice.accountExpired, alice.protectedAccount],
      [true, false, false, false, false, false],
    );
    const shown = /^objectGUID: (\S+)$/m.exec(await ad.sambaTool('user', 'show', 'alice'))?.[1];
    assert.equal(alice.anchor, shown);

    const byUpn = AdDirectory.fromConfig(configFor(ad, { loginAttribute: 'userPrincipalName' }));
    assert.equal((await byUpn.findAccount('alice@example.test'))?.dn, alice.dn);
    await byUpn.close();
  });

  it('hostile or unknown usernames find nothing', async () => {
    for (const name of ['*', 'ali*', 'alice)(objectClass=*', '*)(|(sAMAccountName=*', 'alice\\', '\\2a', 'alice\u0000', '', 'nobody', 'x'.repeat(2000)]) {
      assert.equal(await directory.findAccount(name), null, JSON.stringify(name.slice(0, 40)));
    }
  });

  it('reset by the delegated service account, then the user binds with the new password', async () => {
    const bob = await account('bob');
    await directory.resetPassword(bob, 'Bob!Reset-2026');
    assert.equal(await directory.verifyPassword(bob, 'Bob!Reset-2026'), true);
    // Samba 4.17 keeps accepting the *immediately previous* password for simple binds after a password set
    // (its "old password allowed period", like Windows NTLM's OldPasswordAllowedPeriod, KB 906305; setting it
    // to 0 did not change this for LDAP binds). The password before that is refused.
    console.log(`# previous password still binds right after a reset: ${await directory.verifyPassword(bob, 'Bob!Start1')}`);
    await directory.resetPassword(bob, 'Bob!Reset-2027');
    assert.equal(await directory.verifyPassword(bob, 'Bob!Start1'), false);
    assert.equal(await directory.verifyPassword(bob, 'Bob!Reset-2027'), true);
    assert.equal(await directory.verifyPassword(bob, ''), false, 'an empty password is never sent as a bind');
    assert.equal((await account('bob')).mustChangePassword, false);
    assert.notEqual(await pwdLastSet(bob.dn), '0');
  });

  it('password checks reuse one pooled connection: each check binds as its own user, a refusal leaves it usable', async () => {
    const single = AdDirectory.fromConfig(configFor(ad, { poolSize: 1 }));
    try {
      const alice = await account('alice');
      const ivan = await account('ivan');
      assert.equal(await single.verifyPassword(alice, 'Alice!Start1'), true);
      assert.equal(await single.verifyPassword(ivan, 'Alice!Start1'), false, 'the previous user’s bind does not carry over');
      assert.equal(await single.verifyPassword(ivan, 'Ivan!Start1'), true, 'a refused bind leaves the connection usable');
      assert.equal(await single.verifyPassword(alice, 'Ivan!Start1'), false);
      assert.equal(await single.verifyPassword(alice, ''), false);
      const checks = await Promise.all([1, 2, 3, 4].map((k) => single.verifyPassword(k % 2 ? alice : ivan, k % 2 ? 'Alice!Start1' : 'Ivan!Start1')));
      assert.deepEqual(checks, [true, true, true, true], 'concurrent checks queue for the one connection');
    } finally {
      await single.close();
    }
  });

  it('policy refusals are mapped: too short, not complex, in history', async () => {
    const carol = await account('carol');
    assert.equal(await refusal(directory.resetPassword(carol, 'Ab1!')), 'too-short');
    assert.equal(await refusal(directory.resetPassword(carol, 'alllowercaseletters')), 'not-complex');
    // History on a *reset*: Windows enforces it only with the policy-hints control; Samba 4.17 does not
    // advertise the control and accepts a reset to a recent password. Assert what the DC actually does.
    await directory.resetPassword(carol, 'Carol!Second2');
    const hinted = (await directory.probe()).supportedControls.includes(POLICY_HINTS_OID);
    const resetToPrevious = directory.resetPassword(carol, 'Carol!Start1');
    if (hinted) assert.equal(await refusal(resetToPrevious), 'in-history');
    else await resetToPrevious; // accepted: no history check on resets without the hints control
    // A *change* always applies history.
    await directory.changePassword(carol, 'Carol!Start1', 'Carol!Third3');
    assert.equal(await refusal(directory.changePassword(carol, 'Carol!Third3', 'Carol!Second2')), 'in-history');
    assert.equal(await directory.verifyPassword(carol, 'Carol!Third3'), true);
  });

  it('change: wrong old password refused; right one accepted (service connection, not a user bind)', async () => {
    const gina = await account('gina');
    assert.equal(await refusal(directory.changePassword(gina, 'Not!Her-Pass1', 'Gina!New-Pass1')), 'wrong-old-password');
    await directory.changePassword(gina, 'Gina!Start1', 'Gina!New-Pass1');
    assert.equal(await directory.verifyPassword(gina, 'Gina!New-Pass1'), true);
    // the wrong old password counted as a bad attempt; clear it so it cannot leak into other tests
    await directory.unlock(gina);
  });

  it('minimum password age: what a second reset and a second change do the same day', async () => {
    await ad.sambaTool('domain', 'passwordsettings', 'set', '--min-pwd-age=1');
    try {
      const hank = await account('hank');
      assert.equal((await directory.readPasswordPolicy(hank)).minAgeSeconds, 86_400);
      // Resets are administrative: min age does not apply (Windows and Samba alike).
      await directory.resetPassword(hank, 'Hank!First-1');
      await directory.resetPassword(hank, 'Hank!Second-2');
      // A user change right after a password set is too young.
      assert.equal(await refusal(directory.changePassword(hank, 'Hank!Second-2', 'Hank!Third-3')), 'too-young');
    } finally {
      await ad.sambaTool('domain', 'passwordsettings', 'set', '--min-pwd-age=0');
    }
  });

  it('protected account (Domain Admins member) is refused up front, nothing written', async () => {
    const boss = await account('boss');
    assert.equal(boss.protectedAccount, true);
    assert.ok(boss.memberOf.some((dn) => dn.startsWith('CN=Domain Admins,')));
    const before = await pwdLastSet(boss.dn);
    assert.equal(await refusal(directory.resetPassword(boss, 'Boss!Hijack-1')), 'protected-account');
    // A stale or forged account object claiming "not protected" is re-checked against the directory.
    assert.equal(await refusal(directory.resetPassword({ ...boss, protectedAccount: false }, 'Boss!Hijack-1')), 'protected-account');
    assert.equal(await pwdLastSet(boss.dn), before, 'no write attempted');
    assert.equal(await directory.verifyPassword(boss, 'Boss!Start1'), true);
  });

  it('lockout after 3 bad binds, unlock restores binding', async () => {
    const dave = await account('dave');
    for (let i = 0; i < 3; i++) assert.equal(await directory.verifyPassword(dave, `Wrong!Pass-${i}`), false);
    assert.equal(await refusal(directory.verifyPassword(dave, 'Dave!Start1')), 'locked');
    assert.equal((await account('dave')).locked, true);
    await directory.unlock(dave);
    assert.equal((await account('dave')).locked, false);
    assert.equal(await directory.verifyPassword(dave, 'Dave!Start1'), true);

    // A reset unlocks by default.
    for (let i = 0; i < 3; i++) await directory.verifyPassword(dave, `Wrong!Pass-${i}`);
    assert.equal((await account('dave')).locked, true);
    await directory.resetPassword(dave, 'Dave!Reset-2026');
    assert.equal((await account('dave')).locked, false);
    assert.equal(await directory.verifyPassword(dave, 'Dave!Reset-2026'), true);
  });

  it('must change: pwdLastSet=0 is visible, bind says must-change, a change clears it', async () => {
    const frank = await account('frank');
    await directory.resetPassword(frank, 'Frank!Temp-123', { mustChangeAtNextLogon: true });
    assert.equal(await pwdLastSet(frank.dn), '0');
    assert.equal((await account('frank')).mustChangePassword, true);
    assert.equal(await refusal(directory.verifyPassword(frank, 'Frank!Temp-123')), 'must-change');
    await directory.changePassword(frank, 'Frank!Temp-123', 'Frank!Mine-4567');
    assert.equal((await account('frank')).mustChangePassword, false);
    assert.equal(await directory.verifyPassword(frank, 'Frank!Mine-4567'), true);

    const mustChangeByConfig = AdDirectory.fromConfig(configFor(ad, { mustChangeAfterSelfServiceReset: true }));
    await mustChangeByConfig.resetPassword(frank, 'Frank!Temp-890');
    assert.equal((await account('frank')).mustChangePassword, true);
    await directory.resetPassword(frank, 'Frank!Again-890'); // default config: -1 clears it
    assert.equal((await account('frank')).mustChangePassword, false);
    await mustChangeByConfig.close();
  });

  it('disabled account (userAccountControl 514): flagged, bind says disabled', async () => {
    const erin = await account('erin');
    await ad.adminModify(erin.dn, [{ op: 'replace', attribute: 'userAccountControl', values: ['514'] }]);
    assert.equal((await account('erin')).enabled, false);
    assert.equal(await refusal(directory.verifyPassword(erin, 'Erin!Start1')), 'disabled');
  });

  it('encryption: plain ldap:// refused by config; the DC refuses a clear simple bind; StartTLS works', async () => {
    assert.throws(() => parseAdConfig(configFor(ad, { url: ad.ldapUrl })), /startTls/);
    const clear = new Client({ url: ad.ldapUrl });
    try {
      await clear.bind(ad.service.upn, ad.service.password);
      assert.fail('clear bind accepted');
    } catch (error) {
      assert.equal(translateAdError(error).reason, 'encryption-required');
    } finally {
      await clear.unbind();
    }
    const startTls = AdDirectory.fromConfig(configFor(ad, { url: ad.ldapUrl, startTls: true }));
    const probe = await startTls.probe();
    assert.equal(probe.serviceBindOk, true, JSON.stringify(probe.error));
    assert.equal((await startTls.findAccount('alice'))?.username, 'alice');
    await startTls.close();
  });

  it('readPasswordPolicy reads the domain policy (no PSO applies)', async () => {
    assert.deepEqual(await directory.readPasswordPolicy(await account('ivan')), {
      minLength: 8,
      complexity: true,
      historyLength: 3,
      minAgeSeconds: 0,
      lockoutThreshold: 3,
    });
  });

  it('inspectAccount reads the rights of the bound identity itself, also for an account without userPrincipalName', async () => {
    // The built-in Administrator binds by its implicit UPN but carries no userPrincipalName attribute: its rights
    // come from its groups (Domain Admins), which a search for the UPN string never finds.
    const byImplicitUpn = AdDirectory.fromConfig(configFor(ad, { bindUpn: ad.admin.upn, bindPassword: ad.admin.password }));
    const byDn = AdDirectory.fromConfig(configFor(ad, { bindUpn: undefined, bindDn: ad.service.dn }));
    try {
      const asAdmin = (await byImplicitUpn.inspectAccount('hank')).rights;
      assert.equal(asAdmin?.resetPassword, true, asAdmin?.evidence);
      assert.equal(asAdmin?.changePassword, true);
      assert.deepEqual(asAdmin?.missing, []);
      const asService = (await byDn.inspectAccount('hank')).rights;
      assert.equal(asService?.resetPassword, true, asService?.evidence);
      assert.deepEqual(asService?.missing, []);
      assert.deepEqual((await directory.inspectAccount('hank')).rights?.missing, []);
    } finally {
      await byImplicitUpn.close();
      await byDn.close();
    }
  });

  // Last: restarts the DC. ldapts silently re-opens a dropped connection on the next operation — unbound, and for
  // StartTLS unencrypted (a unicodePwd modify would go out in clear text). The connector must never let that happen.
  it('DC restart: a dropped connection is never silently re-opened; the pool reconnects encrypted and bound', async () => {
    const ldaps = parseAdConfig(configFor(ad, { timeoutMs: 1000, poolSize: 1 }));
    const startTls = parseAdConfig(configFor(ad, { url: ad.ldapUrl, startTls: true, timeoutMs: 1000, poolSize: 1 }));

    // Samba refuses an unbound subtree search, so a successful account search below proves a bound connection.
    const anonymous = await openAdConnection(ldaps);
    const refused = await anonymous.search(ad.baseDn, { filter: '(sAMAccountName=alice)' }).then(() => null, (e: unknown) => e);
    assert.ok(refused instanceof ResultCodeError, `an unbound search must be refused, got ${String(refused)}`);
    await closeQuietly(anonymous);

    const bound = await Promise.all(
      [ldaps, startTls].map(async (config) => {
        const client = await openAdConnection(config);
        await client.bind(ad.service.upn, ad.service.password);
        return client;
      }),
    );
    const pools = [ldaps, startTls].map((config) => new LdapPool(adPoolOptions(config)));
    const pooled = await Promise.all(pools.map((pool) => pool.use(async (client) => client)));
    const startTlsDirectory = AdDirectory.fromConfig(configFor(ad, { url: ad.ldapUrl, startTls: true, timeoutMs: 1000 }));
    assert.equal((await directory.findAccount('alice'))?.username, 'alice');
    assert.equal((await startTlsDirectory.findAccount('alice'))?.username, 'alice');

    await ad.restart();

    for (const [index, client] of bound.entries()) {
      const transport = index === 0 ? 'LDAPS' : 'StartTLS';
      assert.equal(isUsable(client), false, `${transport}: the dropped client is no longer usable`);
      // Plain ldapts would reconnect here (unbound; for StartTLS over clear ldap://) and get a result code back.
      const error = await client.search(ad.peopleOu, { filter: '(sAMAccountName=alice)' }).then(() => null, (e: unknown) => e);
      assert.ok(error instanceof Error && !(error instanceof ResultCodeError), `${transport}: expected a connection error, got ${String(error)}`);
      assert.equal(isUsable(client), false);
      await closeQuietly(client);
    }
    for (const [index, pool] of pools.entries()) {
      const fresh = await pool.use(async (client) => {
        assert.equal(isUsable(client), true, 'handed out bound with its one socket open');
        const { searchEntries } = await client.search(ad.peopleOu, { filter: '(sAMAccountName=alice)', attributes: ['sAMAccountName'] });
        assert.equal(searchEntries.length, 1);
        return client;
      });
      assert.notEqual(fresh, pooled[index], 'the dropped connection was replaced, not re-opened');
      await pool.close();
    }
    // The connector itself: the next operation runs on a fresh bound encrypted connection, writes included.
    assert.equal((await directory.findAccount('alice'))?.username, 'alice');
    assert.equal((await startTlsDirectory.findAccount('alice'))?.username, 'alice');
    const ivan = await account('ivan');
    await startTlsDirectory.resetPassword(ivan, 'Ivan!After-Restart1');
    assert.equal(await startTlsDirectory.verifyPassword(ivan, 'Ivan!After-Restart1'), true);
    await startTlsDirectory.close();
  });
});
