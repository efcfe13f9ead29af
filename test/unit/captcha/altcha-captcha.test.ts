import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { solveChallenge } from 'altcha-lib/v1';
import { ProofOfWorkCaptcha, type CaptchaChallenge } from '../../../src/captcha/altcha-captcha.js';
import { InMemoryReplayStore, type ReplayStore } from '../../../src/captcha/replay-store.js';
import { ManualClock } from '../../support/manual-clock.js';

const maxNumber = 2_000; // small, so the tests solve quickly

function newCaptcha(options: { clock?: ManualClock; replayStore?: ReplayStore; hmacKey?: Buffer } = {}) {
  const clock = options.clock ?? new ManualClock();
  const captcha = new ProofOfWorkCaptcha({ hmacKey: options.hmacKey ?? randomBytes(32), maxNumber, clock, replayStore: options.replayStore });
  return { captcha, clock };
}

/** Solves like the widget does and returns the fields it would post. */
async function solve(challenge: CaptchaChallenge) {
  const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
  assert.ok(solution, 'the challenge is solvable within maxnumber');
  const { algorithm, challenge: hash, salt, signature } = challenge;
  return { algorithm, challenge: hash, number: solution.number, salt, signature, took: solution.took };
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('ProofOfWorkCaptcha', () => {
  it('issues a SHA-256 challenge with the configured difficulty and an expiry in the signed salt', async () => {
    const { captcha, clock } = newCaptcha();
    const challenge = await captcha.createChallenge();
    assert.equal(challenge.algorithm, 'SHA-256');
    assert.equal(challenge.maxnumber, maxNumber);
    assert.match(challenge.challenge, /^[0-9a-f]{64}$/);
    assert.match(challenge.signature, /^[0-9a-f]{64}$/);
    assert.ok(challenge.salt.includes(`expires=${Math.floor(clock.now() / 1000) + 300}`));
  });

  it('accepts a correct solution', async () => {
    const { captcha } = newCaptcha();
    const payload = encode(await solve(await captcha.createChallenge()));
    assert.deepEqual(await captcha.verify(payload), { ok: true });
  });

  it('refuses a tampered number, salt, challenge or signature as wrong', async () => {
    const { captcha } = newCaptcha();
    const solution = await solve(await captcha.createChallenge());
    const flipLastHex = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
    const tampered = [
      { ...solution, number: solution.number + 1 },
      { ...solution, salt: 'a' + solution.salt },
      { ...solution, salt: solution.salt.replace(/expires=\d+/, 'expires=99999999999') },
      { ...solution, challenge: flipLastHex(solution.challenge) },
      { ...solution, signature: flipLastHex(solution.signature) },
    ];
    for (const payload of tampered) assert.deepEqual(await captcha.verify(encode(payload)), { ok: false, reason: 'wrong' });
    // None of the failures spent the genuine solution.
    assert.deepEqual(await captcha.verify(encode(solution)), { ok: true });
  });

  it('refuses a solution to a challenge signed with another key as wrong', async () => {
    const ours = newCaptcha().captcha;
    const theirs = newCaptcha().captcha;
    const payload = encode(await solve(await theirs.createChallenge()));
    assert.deepEqual(await ours.verify(payload), { ok: false, reason: 'wrong' });
  });

  it('refuses a solution after the challenge expired, by the injected clock', async () => {
    const { captcha, clock } = newCaptcha();
    const payload = encode(await solve(await captcha.createChallenge()));
    clock.advance(300_000);
    assert.deepEqual(await captcha.verify(payload), { ok: false, reason: 'expired' });
  });

  it('accepts a solution just before expiry', async () => {
    const { captcha, clock } = newCaptcha();
    const payload = encode(await solve(await captcha.createChallenge()));
    clock.advance(299_000);
    assert.deepEqual(await captcha.verify(payload), { ok: true });
  });

  it('refuses the same payload the second time as replayed', async () => {
    const { captcha } = newCaptcha();
    const payload = encode(await solve(await captcha.createChallenge()));
    assert.deepEqual(await captcha.verify(payload), { ok: true });
    assert.deepEqual(await captcha.verify(payload), { ok: false, reason: 'replayed' });
  });

  it('lets only one of two concurrent verifications of the same payload pass', async () => {
    const { captcha } = newCaptcha();
    const payload = encode(await solve(await captcha.createChallenge()));
    const verdicts = await Promise.all([captcha.verify(payload), captcha.verify(payload), captcha.verify(payload)]);
    assert.equal(verdicts.filter((v) => v.ok).length, 1);
  });

  it('refuses garbage as malformed', async () => {
    const { captcha } = newCaptcha();
    const solution = await solve(await captcha.createChallenge());
    const garbage = [
      '',
      'not base64 at all!',
      Buffer.from('not json').toString('base64'),
      encode(null),
      encode([1, 2, 3]),
      encode({ ...solution, number: '42' }),
      encode({ ...solution, number: -1 }),
      encode({ ...solution, number: 1.5 }),
      encode({ ...solution, algorithm: 'SHA-1' }),
      encode({ ...solution, signature: solution.signature.toUpperCase() }),
      encode({ algorithm: solution.algorithm, challenge: solution.challenge, salt: solution.salt }),
      'A'.repeat(10_000),
    ];
    for (const payload of garbage) assert.deepEqual(await captcha.verify(payload), { ok: false, reason: 'malformed' }, payload.slice(0, 40));
    assert.deepEqual(await captcha.verify(undefined as unknown as string), { ok: false, reason: 'malformed' });
  });

  it('refuses an hmacKey shorter than 32 bytes and a nonsensical difficulty', () => {
    assert.throws(() => new ProofOfWorkCaptcha({ hmacKey: randomBytes(16) }), RangeError);
    assert.throws(() => new ProofOfWorkCaptcha({ hmacKey: randomBytes(32), maxNumber: 0 }), RangeError);
  });

  it('consults a pluggable replay store, so nodes sharing one refuse each other’s spent payloads', async () => {
    const clock = new ManualClock();
    const hmacKey = randomBytes(32);
    const shared = new InMemoryReplayStore(clock);
    const calls: string[] = [];
    const recordingStore: ReplayStore = {
      has: async (signature) => (calls.push('has'), shared.has(signature)),
      add: async (signature, expiresAt) => (calls.push(`add ${expiresAt}`), shared.add(signature, expiresAt)),
    };
    const nodeA = newCaptcha({ clock, hmacKey, replayStore: recordingStore }).captcha;
    const nodeB = newCaptcha({ clock, hmacKey, replayStore: recordingStore }).captcha;
    const payload = encode(await solve(await nodeA.createChallenge()));
    assert.deepEqual(await nodeA.verify(payload), { ok: true });
    assert.deepEqual(await nodeB.verify(payload), { ok: false, reason: 'replayed' });
    assert.deepEqual(calls, ['has', `add ${clock.now() + 300_000}`, 'has']);
  });

  it('without a shared store, a second node accepts a payload the first already spent (documented limit)', async () => {
    const clock = new ManualClock();
    const hmacKey = randomBytes(32);
    const nodeA = newCaptcha({ clock, hmacKey }).captcha;
    const nodeB = newCaptcha({ clock, hmacKey }).captcha;
    const payload = encode(await solve(await nodeA.createChallenge()));
    assert.deepEqual(await nodeA.verify(payload), { ok: true });
    assert.deepEqual(await nodeB.verify(payload), { ok: true });
  });

  it('treats a store whose atomic add reports "already there" as replayed', async () => {
    const racingStore: ReplayStore = { has: () => false, add: () => false };
    const { captcha } = newCaptcha({ replayStore: racingStore });
    const payload = encode(await solve(await captcha.createChallenge()));
    assert.deepEqual(await captcha.verify(payload), { ok: false, reason: 'replayed' });
  });
});
