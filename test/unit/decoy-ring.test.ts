import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecoyRing } from '../../src/flows/reset/decoy-ring.js';

describe('DecoyRing', () => {
  const ids = Array.from({ length: 200 }, (_, i) => `u${i}`);

  it('is empty-safe, deterministic and case-insensitive in the typed name', () => {
    const ring = new DecoyRing(Buffer.alloc(32, 3));
    assert.equal(ring.pick('anyone'), null);
    ring.refresh(ids);
    assert.equal(ring.pick('Mallory'), ring.pick(' mallory '));
    assert.notEqual(ring.pick('mallory', 0), null);
  });

  it('spreads names evenly over accounts and keeps most names on their stand-in when accounts come and go', () => {
    const ring = new DecoyRing(Buffer.alloc(32, 4));
    ring.refresh(ids);
    const names = Array.from({ length: 4000 }, (_, i) => `name${i}`);
    const before = names.map((n) => ring.pick(n));
    const counts = new Map<string, number>();
    for (const id of before) counts.set(id ?? '', (counts.get(id ?? '') ?? 0) + 1);
    assert.ok(Math.max(...counts.values()) < 60, `no account stands in for far more than its share (20): ${Math.max(...counts.values())}`);
    ring.refresh([...ids.slice(10), 'new1', 'new2']);
    const moved = names.filter((n, i) => ring.pick(n) !== before[i]).length;
    assert.ok(moved < names.length * 0.1, `${moved} of ${names.length} names changed stand-in`);
  });
});
