import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryReplayStore } from '../../../src/captcha/replay-store.js';
import { ManualClock } from '../../support/manual-clock.js';

describe('InMemoryReplayStore', () => {
  it('adds a signature once and reports it until it expires', () => {
    const clock = new ManualClock();
    const store = new InMemoryReplayStore(clock);
    assert.equal(store.has('sig'), false);
    assert.equal(store.add('sig', clock.now() + 1_000), true);
    assert.equal(store.has('sig'), true);
    assert.equal(store.add('sig', clock.now() + 1_000), false);
    clock.advance(1_000);
    assert.equal(store.has('sig'), false);
  });

  it('forgets expired entries as new ones arrive', () => {
    const clock = new ManualClock();
    const store = new InMemoryReplayStore(clock);
    for (let i = 0; i < 10; i++) store.add(`old-${i}`, clock.now() + 1_000);
    clock.advance(2_000);
    store.add('new', clock.now() + 1_000);
    assert.equal(store.size, 1);
  });

  it('stays within its bound, evicting the oldest entry when full', () => {
    const clock = new ManualClock();
    const store = new InMemoryReplayStore(clock, 3);
    for (const signature of ['a', 'b', 'c', 'd']) store.add(signature, clock.now() + 60_000);
    assert.equal(store.size, 3);
    assert.equal(store.has('a'), false);
    assert.equal(store.has('d'), true);
  });
});
