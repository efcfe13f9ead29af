import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AdaptiveDifficulty } from '../../../src/captcha/adaptive-difficulty.js';
import { ProofOfWorkCaptcha } from '../../../src/captcha/altcha-captcha.js';
import { ManualClock } from '../../support/manual-clock.js';

const base = 1_000;

describe('adaptive captcha difficulty', () => {
  it('a client that hoards challenges gets up to 64× the work; another client at low load does not', () => {
    const clock = new ManualClock();
    const difficulty = new AdaptiveDifficulty(base, clock, { issued: 1_000, failures: 10, perClient: 5 });
    const seen: number[] = [];
    for (let i = 0; i < 400; i++) seen.push(difficulty.next('ip:192.0.2.1'));
    assert.equal(seen[0], base, 'the first challenge costs the base');
    assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]!), 'never easier while the flood goes on');
    assert.equal(seen.at(-1), base * 64, 'capped at 64×');
    assert.equal(difficulty.next('ip:192.0.2.2'), base, 'a quiet client is not punished for a noisy one');
    clock.advance(15 * 60_000);
    assert.equal(difficulty.next('ip:192.0.2.1'), base, 'the load decays');
  });

  it('global load and failures raise everyone’s work, at most 8× each', () => {
    const clock = new ManualClock();
    const difficulty = new AdaptiveDifficulty(base, clock, { issued: 10, failures: 10, perClient: 1_000_000 });
    for (let i = 0; i < 1_000; i++) difficulty.next(`ip:10.0.${i >> 8}.${i & 255}`);
    assert.equal(difficulty.next('ip:203.0.113.1'), base * 8, 'a flood from many clients: 8×');
    for (let i = 0; i < 1_000; i++) difficulty.failed();
    assert.equal(difficulty.next('ip:203.0.113.1'), base * 64, 'and failing solutions on top: 8× more');
  });

  it('the captcha issues challenges with the adaptive difficulty, and failed verifications count', async () => {
    const clock = new ManualClock();
    const captcha = new ProofOfWorkCaptcha({ hmacKey: randomBytes(32), maxNumber: base, clock });
    const first = await captcha.createChallenge('ip:198.51.100.1');
    assert.equal(first.maxnumber, base);
    let last = first;
    for (let i = 0; i < 100; i++) last = await captcha.createChallenge('ip:198.51.100.1');
    assert.ok(last.maxnumber >= base * 16, `100 challenges in a minute cost ${last.maxnumber / base}× the base`);
    for (let i = 0; i < 50; i++) assert.equal((await captcha.verify('not a payload')).ok, false);
    assert.ok((await captcha.createChallenge('ip:198.51.100.2')).maxnumber > base, 'failures make the next challenge harder for everyone');
  });
});
