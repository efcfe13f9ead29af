import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/processes.js';

describe('sspr CLI: policy show/set, license assign/list, keys rotate', () => {
  let dir: string;
  let env: Record<string, string>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-cli-policy-'));
    env = { SSPR_DATA_DIR: dir };
    assert.equal(runCli(['user', 'add', 'nina', '--email', 'nina@example.org', '--mobile', '+4915199887766'], { env }).status, 0);
    assert.equal(runCli(['group', 'add', 'Staff'], { env }).status, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the default policy and changes it, validating the whole', () => {
    const shown = JSON.parse(runCli(['policy', 'show'], { env }).stdout);
    assert.equal(shown.enabled, 'all');
    assert.equal(shown.methodsRequired, 1);
    assert.equal(shown.throttles.failedProofs, 5);
    const set = runCli(['policy', 'set', 'methodsRequired=2', 'enabled=selected', 'group=Staff', 'methods=email,totp', 'throttles.failedProofs=3'], { env });
    assert.equal(set.status, 0, set.stderr);
    const after = JSON.parse(runCli(['policy', 'show'], { env }).stdout);
    assert.deepEqual([after.methodsRequired, after.enabled, after.group, after.methods, after.throttles.failedProofs], [2, 'selected', 'Staff', ['email', 'totp'], 3]);
    const bad = runCli(['policy', 'set', 'methodsRequired=3'], { env });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /methodsRequired must be one of 1, 2 \(got 3\)/, 'the refusal states the allowed values');
    const range = runCli(['policy', 'set', 'throttles.blockHours=500'], { env });
    assert.match(range.stderr, /throttles.blockHours must be a whole number from 1 to 168 \(got 500\)/);
    assert.match(runCli(['policy', 'set', 'enabled=selected', 'group=null'], { env }).stderr, /needs a group/);
    assert.match(runCli(['policy', 'set', 'nonsense'], { env }).stderr, /not key=value/);
    assert.match(runCli(['policy', 'set', 'frobnicate=1'], { env }).stderr, /frobnicate/);
    assert.equal(JSON.parse(runCli(['policy', 'show'], { env }).stdout).methodsRequired, 2, 'a refused change changes nothing');
    const custom = runCli(['policy', 'set', 'customQuestions=[{"en":"Which street did you grow up in?","de":"In welcher Straße sind Sie aufgewachsen?"}]'], { env });
    assert.equal(custom.status, 0, custom.stderr);
    assert.match(JSON.parse(custom.stdout).customQuestions[0].id, /^custom-[0-9a-f]{16}$/);
    const duplicate = runCli(['policy', 'set', 'customQuestions=[{"en":"What was the name of your first pet?"}]'], { env });
    assert.equal(duplicate.status, 1);
    assert.match(duplicate.stderr, /customQuestions: duplicate-question/);
  });

  it('shows when a user is blocked from resetting', () => {
    assert.equal(JSON.parse(runCli(['user', 'show', 'nina', '--json'], { env }).stdout).resetBlockedUntil, null);
  });

  it('assigns and lists licences', () => {
    assert.equal(runCli(['license', 'assign', 'sspr', '--group', 'Staff'], { env }).status, 0);
    assert.equal(runCli(['license', 'assign', 'sspr-writeback', '--user', 'nina'], { env }).status, 0);
    assert.match(runCli(['license', 'assign', 'gold', '--user', 'nina'], { env }).stderr, /sspr or sspr-writeback/);
    assert.deepEqual(JSON.parse(runCli(['license', 'list', '--json'], { env }).stdout), [
      { plan: 'sspr', principalType: 'group', principal: 'Staff' },
      { plan: 'sspr-writeback', principalType: 'user', principal: 'nina' },
    ]);
  });

  it('rotates the data key: everything re-encrypted, still readable, old key retired', () => {
    const dbBefore = readFileSync(join(dir, 'sspr.db')).toString('latin1');
    assert.ok(dbBefore.includes('enc:v1:k0:') && !dbBefore.includes('nina@example.org'));
    const rotated = runCli(['keys', 'rotate', '--retire'], { env });
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(rotated.stdout, /key k1 is current; re-encrypted 1 users/);
    assert.match(rotated.stdout, /retire/);
    const dbAfter = ['sspr.db', 'sspr.db-wal'].map((f) => { try { return readFileSync(join(dir, f)).toString('latin1'); } catch { return ''; } }).join('');
    assert.ok(dbAfter.includes('enc:v1:k1:'), 'values are under the new key');
    assert.ok(!dbAfter.includes('enc:v1:k0:'), 'no value is left under the old key (secure_delete overwrites freed pages)');
    const shown = JSON.parse(runCli(['user', 'show', 'nina', '--json'], { env }).stdout);
    assert.equal(shown.email, 'nina@example.org');
    assert.equal(shown.mobile, '+4915199887766');
    const secrets = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'));
    assert.deepEqual(Object.keys(secrets), ['masterKey'], 'the data keys live in the store, not in the data dir');
  });
});
