import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecoyRing } from '../../src/flows/reset/decoy-ring.js';
import { populationOf } from '../support/population-pages.js';
import { warningsDuring } from '../support/process-warnings.js';

describe('DecoyRing', () => {
  const ids = Array.from({ length: 200 }, (_, i) => `u${i}`);
  const names = Array.from({ length: 4000 }, (_, i) => `name${i}`);

  it('is empty-safe, deterministic and case-insensitive in the typed name', async () => {
    const ring = new DecoyRing(Buffer.alloc(32, 3));
    assert.equal(ring.pick('anyone'), null);
    await ring.refresh(populationOf(ids));
    assert.equal(ring.pick('Mallory'), ring.pick(' mallory '));
    assert.notEqual(ring.pick('mallory', 0), null);
  });

  it('spreads names evenly over accounts and keeps most names on their stand-in when accounts come and go', async () => {
    const ring = new DecoyRing(Buffer.alloc(32, 4));
    await ring.refresh(populationOf(ids));
    const before = names.map((n) => ring.pick(n));
    const counts = new Map<string, number>();
    for (const id of before) counts.set(id ?? '', (counts.get(id ?? '') ?? 0) + 1);
    assert.ok(Math.max(...counts.values()) < 60, `no account stands in for far more than its share (20): ${Math.max(...counts.values())}`);
    await ring.refresh(populationOf([...ids.slice(10), 'new1', 'new2']));
    const moved = names.filter((n, i) => ring.pick(n) !== before[i]).length;
    assert.ok(moved < names.length * 0.1, `${moved} of ${names.length} names changed stand-in`);
  });

  it('builds a large population in a worker thread with the very picks of a build in this thread', async () => {
    const population = Array.from({ length: 500 }, (_, i) => `acct-${i}`);
    const inThread = new DecoyRing(Buffer.alloc(32, 5), { inThreadMax: Infinity });
    const inWorker = new DecoyRing(Buffer.alloc(32, 5), { inThreadMax: 0 });
    const warnings = await warningsDuring('SSPR_DECOY_RING_WORKER', async () => {
      await Promise.all([inThread.refresh(populationOf(population)), inWorker.refresh(populationOf(population))]);
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(names.map((n) => inWorker.pick(n)), names.map((n) => inThread.pick(n)));
  });

  it('a worker that cannot start or dies leaves the build to this thread, with a warning; an unchanged population builds nothing', async () => {
    const dying = `data:text/javascript,${encodeURIComponent('export function buildRingForParent() { process.exit(3); }')}`;
    const reference = new DecoyRing(Buffer.alloc(32, 6));
    await reference.refresh(populationOf(ids));
    for (const [threadUrl, why] of [
      ['file:///nonexistent/decoy-ring-thread.js', /the decoy ring is built in the serving thread: .*nonexistent/],
      [dying, /the decoy ring is built in the serving thread: the worker exited \(code 3\)/],
    ] as const) {
      const ring = new DecoyRing(Buffer.alloc(32, 6), { inThreadMax: 0, threadUrl });
      const warnings = await warningsDuring('SSPR_DECOY_RING_WORKER', () => ring.refresh(populationOf(ids)));
      assert.equal(warnings.length, 1, warnings.join(' | '));
      assert.match(warnings[0] as string, why);
      assert.deepEqual(names.map((n) => ring.pick(n)), names.map((n) => reference.pick(n)));
      assert.deepEqual(await warningsDuring('SSPR_DECOY_RING_WORKER', () => ring.refresh(populationOf(ids))), [], 'the same population again: no build, no worker');
    }
  });

  it('a refresh asked for while one runs joins it', async () => {
    const ring = new DecoyRing(Buffer.alloc(32, 7));
    let reads = 0;
    const counted = populationOf(ids);
    const read = async (afterId: string, limit: number) => {
      reads++;
      return counted(afterId, limit);
    };
    await Promise.all([ring.refresh(read), ring.refresh(read)]);
    assert.equal(reads, 2, 'one page and the empty page after it, read once');
  });
});
