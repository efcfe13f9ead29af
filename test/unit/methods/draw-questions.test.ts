import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { drawQuestions } from '../../../src/methods/questions/draw-questions.js';

const registered = ['a', 'b', 'c', 'd', 'e'];

describe('drawQuestions', () => {
  it('follows Fisher–Yates with the given random source', () => {
    assert.deepEqual(drawQuestions(registered, 3, () => 0), ['a', 'b', 'c']);
    // Always the last remaining: [e b c d a] → [e a c d b] → [e a b d c].
    assert.deepEqual(drawQuestions(registered, 3, (max) => max - 1), ['e', 'a', 'b']);
    // First swap 'a' with 'c' ([c b a d e]), then keep 'b'.
    assert.deepEqual(drawQuestions(registered, 2, (max) => (max === 5 ? 2 : 0)), ['c', 'b']);
  });
  it('asks the random source only for in-range bounds', () => {
    const bounds: number[] = [];
    drawQuestions(registered, 3, (max) => {
      bounds.push(max);
      return 0;
    });
    assert.deepEqual(bounds, [5, 4, 3]);
  });
  it('clamps the count to the registered questions and ignores duplicates', () => {
    assert.equal(drawQuestions(registered, 10).length, 5);
    assert.deepEqual(drawQuestions(registered, 0), []);
    assert.deepEqual(drawQuestions([], 3), []);
    assert.deepEqual(drawQuestions(['a', 'a', 'a'], 3), ['a']);
  });
  it('refuses a negative or fractional count', () => {
    assert.throws(() => drawQuestions(registered, -1), RangeError);
    assert.throws(() => drawQuestions(registered, 1.5), RangeError);
    assert.throws(() => drawQuestions(registered, Number.NaN), RangeError);
  });
  it('does not modify its input', () => {
    const input = [...registered];
    drawQuestions(input, 3);
    assert.deepEqual(input, registered);
  });
  it('returns min(count, distinct registered) distinct registered ids (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { maxLength: 12 }),
        fc.nat(10),
        fc.infiniteStream(fc.nat()),
        (ids, count, stream) => {
          const randoms = stream[Symbol.iterator]();
          const drawn = drawQuestions(ids, count, (max) => (randoms.next().value as number) % max);
          const distinct = new Set<string>(ids);
          return (
            drawn.length === Math.min(count, distinct.size) &&
            new Set(drawn).size === drawn.length &&
            drawn.every((id) => distinct.has(id))
          );
        },
      ),
    );
  });
  it('draws every ordered selection about equally often with the CSPRNG', () => {
    const draws = 24_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const key = drawQuestions(['a', 'b', 'c', 'd'], 2).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 12); // 4 × 3 ordered pairs
    const expected = draws / 12; // 2000, σ ≈ 43
    for (const [key, count] of counts) assert.ok(Math.abs(count - expected) < 250, `${key}: ${count}`);
  });
});
