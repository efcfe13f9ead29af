import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Throttles } from '../../../src/policy/throttles.js';
import { defaultSsprPolicy } from '../../../src/policy/sspr-policy.js';
import { ManualClock, MemoryThrottleStore } from '../flows/fakes.js';

const HOUR = 3_600_000;
const policy = defaultSsprPolicy;

function harness() {
  const clock = new ManualClock();
  const store = new MemoryThrottleStore();
  return { clock, store, throttles: new Throttles(store, clock) };
}

describe('throttles (fakes)', () => {
  it('more than 10 e-mails in 10 minutes block for 24 h; the 10th does not', async () => {
    const { clock, throttles } = harness();
    for (let i = 0; i < 10; i++) await throttles.emailSent('ann', policy);
    assert.equal(await throttles.blockedUntil('ann'), null);
    await throttles.emailSent('ann', policy);
    assert.deepEqual(await throttles.blockedUntil('ann'), { until: clock.now() + 24 * HOUR, reason: 'too-many-emails' });
  });

  it('the fifth failed proof within the window blocks; proofs spread beyond it do not', async () => {
    const { clock, throttles } = harness();
    for (let i = 0; i < 4; i++) await throttles.failedProof('bo', policy);
    assert.equal(await throttles.blockedUntil('bo'), null);
    await throttles.failedProof('bo', policy);
    assert.equal((await throttles.blockedUntil('bo'))?.reason, 'failed-proofs');
    for (let i = 0; i < 8; i++) {
      await throttles.failedProof('cy', policy);
      clock.advance(7 * HOUR);
    }
    assert.equal(await throttles.blockedUntil('cy'), null);
  });

  it('refusal notices: one per user per e-mail window, each counted as an e-mail', async () => {
    const { clock, store, throttles } = harness();
    const granted = [];
    for (let i = 0; i < 5; i++) granted.push(await throttles.takeRefusalNotice('dee', policy));
    assert.deepEqual(granted, [true, false, false, false, false]);
    assert.equal(await throttles.takeRefusalNotice('eve', policy), true, 'per user');
    clock.advance(10 * 60_000);
    assert.equal(await throttles.takeRefusalNotice('dee', policy), true, 'the next window');
    assert.equal(store.events.filter((e) => e.scope === 'user:dee:email').length, 2);
  });

  it('clear forgets every counter, the block and the notice slot', async () => {
    const { store, throttles } = harness();
    for (let i = 0; i < 6; i++) await throttles.smsSent('fay', policy);
    await throttles.takeRefusalNotice('fay', policy);
    assert.equal((await throttles.blockedUntil('fay'))?.reason, 'too-many-sms');
    await throttles.clear('fay');
    assert.equal(await throttles.blockedUntil('fay'), null);
    assert.equal(store.events.length, 0);
    assert.equal(await throttles.takeRefusalNotice('fay', policy), true);
  });
});
