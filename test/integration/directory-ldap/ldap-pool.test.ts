/** The encrypted connection helpers and the service-account pool against a real slapd (test/support/slapd.ts). */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResultCodeError, type Client } from 'ldapts';
import { isUsable, LdapBindPool, LdapPool, openConnection, type LdapPoolOptions } from '../../../src/directory/ldap-common/ldap-pool.js';
import { startSlapd, type Slapd } from '../../support/slapd.js';

let slapd: Slapd;
const options = (overrides: Partial<LdapPoolOptions> = {}): LdapPoolOptions => ({
  url: slapd.ldapsUrl,
  startTls: false,
  caFile: slapd.caFile,
  timeoutMs: 2_000,
  bindDn: slapd.serviceDn,
  bindPassword: slapd.servicePassword,
  ...overrides,
});

before(async () => {
  slapd = await startSlapd();
  await slapd.addUser({ uid: 'pooled', password: 'Initial-Pass1' });
});
after(() => slapd?.stop());

describe('openConnection', () => {
  test('refuses to open an unencrypted connection', async () => {
    await assert.rejects(openConnection(options({ url: slapd.ldapUrl })), /unencrypted/);
  });

  for (const transport of ['LDAPS', 'StartTLS'] as const) {
    test(`${transport}: a dropped connection is never silently re-opened (unbound, maybe unencrypted)`, async () => {
      // ldapts keeps writing into a closed StartTLS socket (a timeout); a short timeout keeps the test quick.
      const transportOptions = transport === 'LDAPS' ? {} : { url: slapd.ldapUrl, startTls: true };
      const client = await openConnection(options({ ...transportOptions, timeoutMs: 300 }));
      await client.bind(slapd.serviceDn, slapd.servicePassword);
      assert.equal(isUsable(client), true);
      await slapd.restart();
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(isUsable(client), false);
      // Plain ldapts would reconnect here and search anonymously (answering "no entries" under these ACLs).
      const error = await client.search(slapd.usersDn, { filter: '(uid=pooled)' }).then(
        () => null,
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof Error && !(error instanceof ResultCodeError), `expected a connection error, got ${String(error)}`);
    });
  }
});

describe('LdapPool', () => {
  test('reuses at most `size` bound connections under concurrency', async () => {
    const pool = new LdapPool(options({ size: 2 }));
    const seen = new Set<Client>();
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        pool.use(async (client) => {
          seen.add(client);
          peak = Math.max(peak, ++active);
          const result = await client.search(slapd.usersDn, { filter: '(uid=pooled)', attributes: ['uid'] });
          active -= 1;
          assert.equal(result.searchEntries.length, 1);
        }),
      ),
    );
    assert.equal(seen.size, 2);
    assert.equal(peak, 2);
    await pool.close();
  });

  test('replaces connections after a server restart, over LDAPS and StartTLS', async () => {
    for (const overrides of [{}, { url: slapd.ldapUrl, startTls: true }]) {
      const pool = new LdapPool(options({ ...overrides, size: 1 }));
      const search = () => pool.use((client) => client.search(slapd.usersDn, { filter: '(uid=pooled)', attributes: ['uid'] }));
      assert.equal((await search()).searchEntries.length, 1);
      await slapd.restart();
      assert.equal((await search()).searchEntries.length, 1);
      await pool.close();
    }
  });

  test('an LDAP error keeps the connection; a wrong service password fails every use', async () => {
    const pool = new LdapPool(options({ size: 1 }));
    const clients = new Set<Client>();
    await assert.rejects(pool.use((client) => (clients.add(client), client.search('ou=nowhere,dc=example,dc=org'))), ResultCodeError);
    await pool.use(async (client) => void clients.add(client));
    assert.equal(clients.size, 1);
    await pool.close();
    const wrong = new LdapPool(options({ bindPassword: 'wrong' }));
    await assert.rejects(wrong.use(async () => undefined), /Code: 0x31/);
    await assert.rejects(wrong.use(async () => undefined), /Code: 0x31/);
    await wrong.close();
  });
});

describe('LdapBindPool', () => {
  const WHO_AM_I = '1.3.6.1.4.1.4203.1.11.3';
  const whoAmI = async (client: Client): Promise<string> => String((await client.exop(WHO_AM_I)).value ?? '');

  test('every use runs as the identity it bound, never as the one a previous use left', async () => {
    await slapd.addUser({ uid: 'binder-a', password: 'Binder-A-Pass1' });
    await slapd.addUser({ uid: 'binder-b', password: 'Binder-B-Pass1' });
    const dnOf = (uid: string) => `uid=${uid},${slapd.usersDn}`;
    const { bindDn: _bindDn, bindPassword: _bindPassword, ...connection } = options();
    const pool = new LdapBindPool({ ...connection, size: 1 });
    const seen = new Set<Client>();
    try {
      const first = await pool.bindAs(dnOf('binder-a'), 'Binder-A-Pass1', async (client) => (seen.add(client), whoAmI(client)));
      assert.equal(first, `dn:${dnOf('binder-a')}`);
      // A wrong password fails the bind: the work never runs, and the connection (anonymous now) stays in the pool.
      let ran = false;
      await assert.rejects(
        pool.bindAs(dnOf('binder-b'), 'Wrong-Pass-000', async () => {
          ran = true;
        }),
        (error: unknown) => error instanceof ResultCodeError && error.code === 49,
      );
      assert.equal(ran, false);
      const second = await pool.bindAs(dnOf('binder-b'), 'Binder-B-Pass1', async (client) => (seen.add(client), whoAmI(client)));
      assert.equal(second, `dn:${dnOf('binder-b')}`);
      assert.equal(seen.size, 1, 'one reused connection');
    } finally {
      await pool.close();
    }
  });

  test('concurrent users over one connection: each use runs as its own identity, a failed bind leaks none', async () => {
    const users = ['turn-a', 'turn-b', 'turn-c'];
    for (const uid of users) await slapd.addUser({ uid, password: `Pass-${uid}-1` });
    const dnOf = (uid: string) => `uid=${uid},${slapd.usersDn}`;
    const { bindDn: _bindDn, bindPassword: _bindPassword, ...connection } = options();
    const pool = new LdapBindPool({ ...connection, size: 1 });
    try {
      const uses = Array.from({ length: 30 }, (_, k) => {
        const uid = users[k % users.length] ?? '';
        if (k % 4 === 3) {
          // A wrong password: refused before the work, whoever bound the connection before.
          return pool.bindAs(dnOf(uid), 'Wrong-Pass-000', async () => assert.fail('work ran after a failed bind')).then(
            () => assert.fail('a wrong password bound'),
            (error: unknown) => assert.ok(error instanceof ResultCodeError && error.code === 49),
          );
        }
        return pool.bindAs(dnOf(uid), `Pass-${uid}-1`, async (client) => {
          await new Promise((resolve) => setImmediate(resolve));
          assert.equal(await whoAmI(client), `dn:${dnOf(uid)}`);
        });
      });
      await Promise.all(uses);
    } finally {
      await pool.close();
    }
  });
});
