/**
 * Benchmark (`npm run bench -- ldap`): median latency of 200 admin resets (Password Modify, RFC 3062) over LDAPS on
 * - a bare ldapts Client, bound once, doing only the extended operation;
 * - the pool (one connection) doing only the extended operation;
 * - LdapDirectory.resetPassword (extended operation + the pwdReset/pwdAccountLockedTime modify).
 * against a slapd the harness starts. Prints figures.
 */
import assert from 'node:assert/strict';
import { Client } from 'ldapts';
import { LdapPool, tlsOptionsFor } from '../src/directory/ldap-common/ldap-pool.js';
import { passwordModify } from '../src/directory/ldap-common/password-modify.js';
import { LdapDirectory } from '../src/directory/ldap/ldap-directory.js';
import { startSlapd, type Slapd } from '../test/support/slapd.js';
import { percentile } from './stats.js';

const RUNS = 200;
let slapd: Slapd;

async function timeRuns(label: string, reset: (password: string) => Promise<void>): Promise<number> {
  await reset('Warm-Up-Pass-0'); // connect, handshake, bind outside the measurement
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await reset(`Latency-Pass-${i}`);
    samples.push(performance.now() - started);
  }
  const result = percentile(samples, 0.5);
  console.log(`${label}: median ${result.toFixed(3)} ms over ${RUNS} resets`);
  return result;
}

export async function benchLdapResetLatency(): Promise<void> {
  slapd = await startSlapd();
  console.log(`\n## OpenLDAP (ppolicy) admin reset latency over LDAPS, median of ${RUNS}`);
  const dn = await slapd.addUser({ uid: 'latency', password: 'Initial-Pass1' });
  const connection = { url: slapd.ldapsUrl, startTls: false, caFile: slapd.caFile, timeoutMs: 5_000 };

  const bare = new Client({ url: slapd.ldapsUrl, tlsOptions: tlsOptionsFor(connection), timeout: 5_000 });
  await bare.bind(slapd.serviceDn, slapd.servicePassword);
  await timeRuns('bare ldapts client, ext-op only', (newPassword) => passwordModify(bare, { userIdentity: dn, newPassword }));
  await bare.unbind();

  const pool = new LdapPool({ ...connection, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, size: 1 });
  await timeRuns('LdapPool (1 connection), ext-op only', (newPassword) =>
    pool.use((client) => passwordModify(client, { userIdentity: dn, newPassword })),
  );
  await pool.close();

  const directory = LdapDirectory.fromConfig({
    url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword,
    baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn, poolSize: 1,
  });
  const account = await directory.findAccount('latency');
  assert.ok(account);
  await timeRuns('LdapDirectory.resetPassword (ext-op + flags modify)', (newPassword) => directory.resetPassword(account, newPassword));
  assert.equal(await directory.verifyPassword(account, `Latency-Pass-${RUNS - 1}`), true);
  await directory.close();
  await slapd.stop();
}
