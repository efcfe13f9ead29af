import { randomInt } from 'node:crypto';

/** A source of uniform integers in [0, maxExclusive); `crypto.randomInt` in production, a stub in tests. */
export type RandomIndex = (maxExclusive: number) => number;

/**
 * Picks which registered questions to ask: a uniformly random subset of `count` distinct ids (partial
 * Fisher–Yates shuffle, Knuth TAOCP vol. 2 §3.4.2, Algorithm P), in random order. `count` is clamped to
 * the number of distinct registered ids; duplicates in `registeredIds` count once. The CSPRNG default
 * means an attacker cannot predict which questions come next.
 */
export function drawQuestions(
  registeredIds: readonly string[],
  count: number,
  random: RandomIndex = randomInt,
): string[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`question count must be a whole number ≥ 0, got ${count}`);
  }
  const pool = [...new Set(registeredIds)];
  const take = Math.min(count, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + random(pool.length - i);
    const picked = pool[j]!;
    pool[j] = pool[i]!;
    pool[i] = picked;
  }
  return pool.slice(0, take);
}
