import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadinessTally, ResetReadiness, capableAt, type ReadinessSnapshot } from '../../../src/doctor/reset-readiness.js';
import type { StoredVerdict } from '../../../src/doctor/doctor-service.js';
import type { UserRecord } from '../../../src/store/users-repository.js';

const verdict = (userId: string, failing: StoredVerdict['failing'], until?: number): StoredVerdict => ({ userId, failing, block: until ? { until, reason: 'failed-proofs' } : null });

describe('reset readiness: the count of users who can reset now', () => {
  it('counts users no check fails for, and per check the users it fails for', () => {
    const tally = new ReadinessTally();
    tally.add([verdict('a', []), verdict('b', ['method-data-valid']), verdict('c', ['methods-registered', 'license-assigned'])]);
    tally.add([verdict('d', []), verdict('e', ['throttled'], 2000), verdict('f', ['throttled', 'account-state'], 1000)]);
    const snapshot = tally.snapshot(10, 20, 5, 1);
    assert.equal(snapshot.users, 6);
    assert.equal(snapshot.capable, 2);
    assert.deepEqual(snapshot.failing, { 'method-data-valid': 1, 'methods-registered': 1, 'license-assigned': 1, throttled: 2, 'account-state': 1 });
    assert.deepEqual(snapshot.blockedOnlyUntil, [2000], 'only users whose one obstacle is the block');
  });

  it('a user blocked only by the throttle cannot reset until the block ends, and counts from then on', () => {
    const tally = new ReadinessTally();
    tally.add([verdict('a', []), verdict('b', ['throttled'], 3000), verdict('c', ['throttled'], 1000)]);
    const snapshot = tally.snapshot(0, 0, 0, 0);
    assert.deepEqual(snapshot.blockedOnlyUntil, [1000, 3000]);
    assert.equal(capableAt(snapshot, 999), 1);
    assert.equal(capableAt(snapshot, 1000), 2, 'a block ending at t no longer blocks at t');
    assert.equal(capableAt(snapshot, 5000), 3);
  });

  it('sweeps every page, hands the event loop back, stores the snapshot; an on-demand count during a sweep runs after it', async () => {
    const users = Array.from({ length: 450 }, (_, i) => ({ id: `u${String(i).padStart(4, '0')}`, username: `user${i}` }) as UserRecord);
    const pagesAsked: string[] = [];
    let stored: unknown;
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const readiness = new ResetReadiness({
      clock: { now: () => 1_000 },
      settings: { get: async () => stored, put: async (_key, value) => void (stored = value) },
      users: {
        page: async (after, limit) => {
          pagesAsked.push(after);
          return users.filter((u) => u.id > after).slice(0, limit);
        },
      },
      doctor: {
        beginPageRun: async () => ({}) as never,
        pageVerdicts: async (_run, page, pause) => {
          const verdicts = [];
          for (const user of page) {
            const started = performance.now();
            while (performance.now() - started < 0.2); // work the checks would do
            verdicts.push(verdict(user.id, Number(user.id.slice(1)) % 3 === 0 ? ['methods-registered'] : []));
            await pause();
          }
          return verdicts;
        },
      },
    });
    const first = readiness.refresh();
    const second = readiness.refresh();
    assert.notEqual(first, second, 'a count asked for during a sweep is a new sweep after it');
    assert.equal(readiness.refresh(), second, 'calls while one waits share it');
    const snapshot = await first;
    clearInterval(ticker);
    assert.equal(snapshot.users, 450);
    assert.equal(snapshot.capable, 300);
    assert.deepEqual(pagesAsked.slice(0, 4), ['', 'u0199', 'u0399', 'u0449']);
    // 90 ms of work in slices of 8 ms: the loop turns at least ten times (wall-clock slice lengths are left to the
    // bench: on a loaded machine a slice also counts the time the process was not scheduled).
    assert.ok(turns >= 10, `the event loop ran between slices (${turns} turns)`);
    assert.equal(((await readiness.current()).snapshot as ReadinessSnapshot).capable, 300);
    await second;
    await readiness.stop();
    await assert.rejects(readiness.refresh(), /stopped/);
  });

  it('"count again" in a loop starts one sweep a minute, not one after another', async () => {
    let now = 0;
    let sweeps = 0;
    const readiness = new ResetReadiness({
      clock: { now: () => now },
      settings: { get: async () => undefined, put: async () => undefined },
      users: { page: async () => [] },
      doctor: {
        beginPageRun: async () => {
          sweeps++;
          return {} as never;
        },
        pageVerdicts: async () => [],
      },
    });
    assert.equal(readiness.refreshOnDemand(), true);
    for (let i = 0; i < 100; i++) assert.equal(readiness.refreshOnDemand(), false, 'refused within the minute');
    await readiness.refresh();
    assert.equal(sweeps, 2, 'the asked-for sweep, then the one refresh() asked for itself');
    now = 59_999;
    assert.equal(readiness.refreshOnDemand(), false);
    now = 60_000;
    assert.equal(readiness.refreshOnDemand(), true, 'a minute later it counts again');
    await readiness.stop();
    assert.equal(sweeps, 3);
  });
});
