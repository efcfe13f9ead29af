import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/processes.js';
import { openStore } from '../../src/store/database.js';
import { UsersRepository } from '../../src/store/users-repository.js';
import { SessionsRepository } from '../../src/store/sessions-repository.js';
import { AuditRepository } from '../../src/store/audit-repository.js';
import { SharedKeyring } from '../../src/crypto/shared-keyring.js';
import { systemClock } from '../../src/store/clock.js';

describe('sspr CLI: config, migrate, users and groups', () => {
  let dir: string;
  let env: Record<string, string>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-cli-'));
    env = { SSPR_DATA_DIR: dir };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('config check prints the effective config with secrets hidden', () => {
    const result = runCli(['config', 'check'], { env: { ...env, SSPR_SMTP_URL: 'smtp://user:s3cret@mail.example.org:587', SSPR_PORT: '9090' } });
    assert.equal(result.status, 0, result.stderr);
    const printed = JSON.parse(result.stdout);
    assert.equal(printed.port, 9090);
    assert.equal(printed.smtp.url, '(set, hidden)');
    assert.doesNotMatch(result.stdout, /s3cret/);
  });

  it('config check names the dotted path of an unknown key or a wrong type', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ reset: { codeTTL: 5 }, port: 'eighty' }));
    const result = runCli(['--config', file, 'config', 'check'], { env });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /reset\.codeTTL: unknown key/);
    assert.match(result.stderr, /port: .*expected number/);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');

    const envResult = runCli(['config', 'check'], { env: { ...env, SSPR_PORT: 'abc' } });
    assert.equal(envResult.status, 1);
    assert.match(envResult.stderr, /SSPR_PORT: expected a number/);
    const unknownVar = runCli(['config', 'check'], { env: { ...env, SSPR_PROT: '80' } });
    assert.equal(unknownVar.status, 1);
    assert.match(unknownVar.stderr, /unknown environment variable SSPR_PROT/);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'port = 80');
    assert.match(runCli(['--config', notJson, 'config', 'check'], { env }).stderr, /not valid JSON/);
  });

  it('migrate applies once, then reports up to date', () => {
    const first = runCli(['migrate'], { env });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /applied 001-initial, 002-password-policy, 003-methods-policy, 004-directory-accounts/);
    assert.match(runCli(['migrate'], { env }).stdout, /up to date/);
  });

  it('user add / list / show / disable / enable / set-password (password from stdin only)', () => {
    const add = runCli(['user', 'add', 'anna', '--email', 'anna@example.org', '--first-name', 'Anna', '--last-name', 'Arendt', '--password-stdin'], {
      env,
      input: 'Her long passphrase 9\n',
    });
    assert.equal(add.status, 0, add.stderr);
    assert.equal(runCli(['user', 'add', 'ANNA'], { env }).status, 1, 'user names are case-insensitive and unique');
    assert.match(runCli(['user', 'add', 'x', '--email', 'not-an-address'], { env }).stderr, /not an e-mail address/);

    const list = JSON.parse(runCli(['user', 'list', '--json'], { env }).stdout);
    assert.deepEqual(list.map((u: any) => u.username), ['anna']);
    assert.equal(list[0].displayName, 'Anna Arendt');
    assert.match(runCli(['user', 'list'], { env }).stdout, /^username\s+displayName/);

    assert.equal(runCli(['user', 'disable', 'anna'], { env }).status, 0);
    assert.equal(JSON.parse(runCli(['user', 'show', 'anna', '--json'], { env }).stdout).enabled, false);
    assert.equal(runCli(['user', 'enable', 'anna'], { env }).status, 0);
    const shown = JSON.parse(runCli(['user', 'show', 'anna', '--json'], { env }).stdout);
    assert.equal(shown.enabled, true);
    assert.equal(shown.hasPassword, true);

    const weak = runCli(['user', 'set-password', 'anna'], { env, input: 'short\n' });
    assert.equal(weak.status, 1);
    assert.match(weak.stderr, /at least 8 characters/);
    assert.equal(runCli(['user', 'set-password', 'anna'], { env, input: 'another fine passphrase\n' }).status, 0);
    const missing = runCli(['user', 'show', 'nobody'], { env });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no user named "nobody"/);
  });

  it('set-password writes a directory account back or refuses; --local-only is explicit and audited; disable ends sessions', async () => {
    const store = openStore(undefined, dir);
    try {
      const users = new UsersRepository(store.db, systemClock, (await SharedKeyring.open(store, dir)).keyring.cipher);
      const dirk = await users.add({ username: 'dirk', email: 'dirk@example.org', source: 'ldap', anchor: 'uuid-dirk' });
      const refused = runCli(['user', 'set-password', 'dirk'], { env, input: 'a directory passphrase 1\n' });
      assert.equal(refused.status, 1, 'no directory is configured here: nothing is written anywhere');
      assert.match(refused.stderr, /writ/i);
      const local = runCli(['user', 'set-password', 'dirk', '--local-only'], { env, input: 'a break glass passphrase 2\n' });
      assert.equal(local.status, 0, local.stderr);
      assert.match(local.stderr, /NOT written back/);
      const trail = await new AuditRepository(store.db).list({ username: 'dirk' });
      assert.deepEqual(trail.filter((e) => e.event === 'password-set').map((e) => [e.outcome, e.detail?.path, e.detail?.writtenBack ?? null]), [
        ['failure', 'cli', null],
        ['success', 'cli-local-only', false],
      ]);

      const sessions = new SessionsRepository(store.db);
      await sessions.create('cli-session', dirk.id, Date.now(), Date.now() + 60_000);
      assert.equal(runCli(['user', 'disable', 'dirk'], { env }).status, 0);
      assert.equal(await sessions.findUserId('cli-session', Date.now()), null, 'disabling ends the sessions');

      assert.equal(runCli(['user', 'promote', 'dirk'], { env }).status, 0);
      assert.equal((await users.get('dirk')).isAdmin, true);
      await sessions.create('admin-session', dirk.id, Date.now(), Date.now() + 60_000);
      const demoted = runCli(['user', 'demote', 'dirk'], { env });
      assert.equal(demoted.status, 0, demoted.stderr);
      assert.match(demoted.stdout, /removed administrator from dirk/, 'demote is an alias of role remove administrator');
      assert.equal((await users.get('dirk')).isAdmin, false);
      assert.equal(await sessions.findUserId('admin-session', Date.now()), null, 'demoting ends the sessions');
    } finally {
      await store.close();
    }
  });

  it('group add / add-member (users and nested groups) / list, refusing loops', () => {
    for (const name of ['Staff', 'Sales']) assert.equal(runCli(['group', 'add', name], { env }).status, 0);
    assert.equal(runCli(['group', 'add-member', 'Sales', '--user', 'anna'], { env }).status, 0);
    assert.equal(runCli(['group', 'add-member', 'Staff', '--group', 'Sales'], { env }).status, 0);
    const loop = runCli(['group', 'add-member', 'Sales', '--group', 'Staff'], { env });
    assert.equal(loop.status, 1);
    assert.match(loop.stderr, /loop/);
    assert.equal(runCli(['group', 'add-member', 'Staff'], { env }).status, 1, 'needs --user or --group');

    const groups = JSON.parse(runCli(['group', 'list', '--json'], { env }).stdout);
    assert.deepEqual(groups, [
      { name: 'Sales', users: ['anna'], groups: [] },
      { name: 'Staff', users: [], groups: ['Sales'] },
    ]);
    assert.deepEqual(JSON.parse(runCli(['user', 'show', 'anna', '--json'], { env }).stdout).groups, ['Sales', 'Staff'], 'nested membership counts');
  });

  it('unknown commands and options exit non-zero with a hint', () => {
    const result = runCli(['frobnicate'], { env });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /unknown command/);
    assert.notEqual(runCli(['user', 'list', '--colour'], { env }).status, 0);
  });
});
