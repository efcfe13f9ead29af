import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, migrate, type Store } from '../../src/store/database.js';
import { ThrottleRepository } from '../../src/store/throttle-repository.js';
import { Throttles } from '../../src/policy/throttles.js';
import { defaultSsprPolicy } from '../../src/policy/sspr-policy.js';
import { ManualClock } from '../support/manual-clock.js';

const HOUR = 3_600_000;

/** Each throttle of the policy on a controllable clock (Entra's numbers), against the real store. */
describe('throttles', () => {
  let store: Store;
  let dir: string;
  const clock = new ManualClock();
  let throttles: Throttles;
  const policy = defaultSsprPolicy;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-throttles-'));
    store = openStore(undefined, dir);
    await migrate(store);
    throttles = new Throttles(new ThrottleRepository(store.db, Buffer.alloc(32, 7)), clock);
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('more than 5 validations of one method type in an hour block for 24 h; other types count apart', async () => {
    for (let i = 0; i < 5; i++) await throttles.validation('vera', 'totp', policy);
    await throttles.validation('vera', 'questions', policy);
    assert.equal(await throttles.blockedUntil('vera'), null, '5 validations are allowed');
    await throttles.validation('vera', 'totp', policy);
    const block = await throttles.blockedUntil('vera');
    assert.equal(block?.reason, 'too-many-validations');
    assert.equal(block?.until, clock.now() + 24 * HOUR);
    clock.advance(24 * HOUR + 1);
    assert.equal(await throttles.blockedUntil('vera'), null, 'the block ends');
  });

  it('validations spread over more than an hour do not add up', async () => {
    for (let i = 0; i < 8; i++) {
      await throttles.validation('walt', 'sms', policy);
      clock.advance(HOUR / 5 + 1);
    }
    assert.equal(await throttles.blockedUntil('walt'), null);
  });

  it('more than 5 SMS in an hour, and 5 failed proofs in 24 h, block; a successful reset clears everything', async () => {
    for (let i = 0; i < 6; i++) await throttles.smsSent('xena', policy);
    assert.equal((await throttles.blockedUntil('xena'))?.reason, 'too-many-sms');
    await throttles.clear('xena');
    assert.equal(await throttles.blockedUntil('xena'), null);
    for (let i = 0; i < 4; i++) {
      await throttles.failedProof('xena', policy);
      clock.advance(5 * HOUR);
    }
    assert.equal(await throttles.blockedUntil('xena'), null, '4 failures in 20 h');
    await throttles.failedProof('xena', policy);
    assert.equal((await throttles.blockedUntil('xena'))?.reason, 'failed-proofs', 'the 5th within 24 h');
  });

  it('counts per name: one name blocked does not block another', async () => {
    assert.equal(await throttles.blockedUntil('yuri'), null);
  });
});
