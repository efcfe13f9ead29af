import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKED_ACCOUNT_REUSE_MS, DirectWriteback } from '../../../src/writeback/direct-writeback.js';
import type { OnPremAccount, OnPremDirectory } from '../../../src/directory/onprem/onprem-directory.js';
import type { WritebackTarget } from '../../../src/writeback/writeback.js';

const account: OnPremAccount = {
  dn: 'uid=alice,ou=users,dc=example,dc=org', anchor: 'a1', username: 'alice', displayName: 'Alice', firstName: 'Alice', lastName: 'Example',
  email: null, mobile: null, enabled: true, locked: false, mustChangePassword: false, passwordExpired: false, accountExpired: false,
  passwordNeverExpires: false, protectedAccount: false, memberOf: [],
};

/** A directory that counts its searches and knows one password. */
function countingDirectory(password = 'right') {
  const calls = { find: 0, change: 0, reset: 0 };
  const directory = {
    kind: 'ldap',
    findAccount: async () => (calls.find++, { ...account }),
    verifyPassword: async (_account: OnPremAccount, given: string) => given === password,
    changePassword: async () => void calls.change++,
    resetPassword: async () => void calls.reset++,
    unlock: async () => undefined,
    readPasswordPolicy: async () => ({ minLength: 8 }),
  } as unknown as OnPremDirectory;
  return { directory, calls };
}

/** A new target object per request, as AccountDirectory hands out one per user object. */
const target = (): WritebackTarget => ({ userId: 'u1', username: 'alice', source: 'ldap', anchor: 'a1' });

test('a sign-in followed by a change in another request searches the directory once', async () => {
  const { directory, calls } = countingDirectory();
  const writeback = new DirectWriteback(directory);
  assert.equal(await writeback.verifyPassword(target(), 'right'), true);
  const change = target();
  assert.deepEqual(await writeback.passwordPolicy(change), { minLength: 8 });
  await writeback.change(change, 'right', 'new');
  assert.deepEqual(calls, { find: 1, change: 1, reset: 0 });
});

test('a service-account write never runs on an account found by an earlier request', async () => {
  const { directory, calls } = countingDirectory();
  const writeback = new DirectWriteback(directory);
  await writeback.verifyPassword(target(), 'right');
  const reset = target();
  await writeback.passwordPolicy(reset);
  await writeback.reset(reset, 'new', 'reset');
  assert.equal(calls.find, 2);
  await writeback.unlock(target());
  assert.equal(calls.find, 3);
});

test('a wrong password, a failure, another user and time each make the next request search afresh', async (t) => {
  const { directory, calls } = countingDirectory();
  const writeback = new DirectWriteback(directory);
  await writeback.verifyPassword(target(), 'right');
  assert.equal(await writeback.verifyPassword(target(), 'wrong'), false);
  await writeback.verifyPassword(target(), 'right');
  assert.equal(calls.find, 2);

  await writeback.verifyPassword({ ...target(), anchor: 'another' }, 'right').then(() => assert.fail('anchor mismatch'), () => undefined);
  await writeback.verifyPassword({ ...target(), userId: 'u2' }, 'right');
  assert.equal(calls.find, 4);

  (directory as { changePassword: unknown }).changePassword = async () => { throw new Error('refused'); };
  await assert.rejects(writeback.change(target(), 'right', 'new'));
  await writeback.verifyPassword(target(), 'right');
  assert.equal(calls.find, 5);

  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  t.mock.timers.tick(CHECKED_ACCOUNT_REUSE_MS);
  await writeback.verifyPassword(target(), 'right');
  assert.equal(calls.find, 6);
});
