import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_ENDS_HORIZON_MS, ReadinessTally, ResetReadiness, capableAt, type ReadinessDeps, type ReadinessSnapshot } from '../../../src/doctor/reset-readiness.js';
import { TimeSlices } from '../../../src/threads/time-slices.js';
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
    assert.deepEqual(snapshot.blockedOnlyEnds, [[60_000, 1]], 'only users whose one obstacle is the block, by the minute it ends');
  });

  it('a user blocked only by the throttle cannot reset until the minute of the block\'s end is over, and counts from then on', () => {
    const tally = new ReadinessTally();
    tally.add([verdict('a', []), verdict('b', ['throttled'], 150_000), verdict('c', ['throttled'], 60_000), verdict('d', ['throttled'], 170_000)]);
    const snapshot = tally.snapshot(0, 0, 0, 0);
    assert.deepEqual(snapshot.blockedOnlyEnds, [[60_000, 1], [180_000, 2]]);
    assert.equal(capableAt(snapshot, 59_999), 1);
    assert.equal(capableAt(snapshot, 60_000), 2, 'a block ending at t no longer blocks at t');
    assert.equal(capableAt(snapshot, 170_000), 2, 'never counted before the end of the minute its block ends in');
    assert.equal(capableAt(snapshot, 180_000), 4);
  });

  it('the block ends kept are bounded: minutes up to an hour after the sweep, whatever the number of blocked users', () => {
    const tally = new ReadinessTally();
    const at = 1_000_000_000;
    const blocked = Array.from({ length: 50_000 }, (_, i) => verdict(`u${i}`, ['throttled'], at + 1 + ((i * 7_919) % (24 * 3_600_000))));
    tally.add(blocked);
    const snapshot = tally.snapshot(at, at, 0, 0);
    assert.ok(snapshot.blockedOnlyEnds.length <= 61, `${snapshot.blockedOnlyEnds.length} entries`);
    const kept = snapshot.blockedOnlyEnds.reduce((sum, [, users]) => sum + users, 0);
    assert.equal(kept + snapshot.blockedOnlyLater, 50_000, 'every such user is either kept by minute or counted as later');
    assert.equal(kept, blocked.filter((v) => Math.ceil((v.block?.until ?? 0) / 60_000) * 60_000 <= at + BLOCK_ENDS_HORIZON_MS).length);
    assert.equal(capableAt(snapshot, at + 2 * BLOCK_ENDS_HORIZON_MS), kept, 'past the bound the count is low until a new sweep, never high');
    assert.ok(JSON.stringify(snapshot).length < 4_000, 'the stored snapshot stays small');
  });

  it('sweeps every page, hands the event loop back, stores the snapshot; an on-demand count during a sweep runs after it', async () => {
    const users = Array.from({ length: 450 }, (_, i) => ({ id: `u${String(i).padStart(4, '0')}`, username: `user${i}` }) as UserRecord);
    const pagesAsked: string[] = [];
    let stored: unknown;
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const readiness = new ResetReadiness({
      claim: async () => true,
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
        endPageRun: async () => undefined,
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
      claim: async () => true,
      clock: { now: () => now },
      settings: { get: async () => undefined, put: async () => undefined },
      users: { page: async () => [] },
      doctor: {
        beginPageRun: async () => {
          sweeps++;
          return {} as never;
        },
        endPageRun: async () => undefined,
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

  it('the slicing contract: the sweep hands the loop back whenever its budget is spent, never more than one step late', async () => {
    // Simulated time: each page read costs 3 ms, each user's checks 0.7 ms, a read of verdicts 5 reads of 1.5 ms.
    let clock = 0;
    const slices: number[] = [];
    let sliceStart = 0;
    const BUDGET = 8;
    const LONGEST_STEP = 3;
    const users = Array.from({ length: 1_000 }, (_, i) => ({ id: `u${String(i).padStart(4, '0')}`, username: `user${i}` }) as UserRecord);
    let made: TimeSlices | null = null;
    const readiness = new ResetReadiness({
      claim: async () => true,
      clock: { now: () => 0 },
      settings: { get: async () => undefined, put: async () => undefined },
      slices: () => {
        made = new TimeSlices(BUDGET, {
          now: () => clock,
          turn: async () => {
            slices.push(clock - sliceStart);
            await new Promise<void>((resolve) => setImmediate(resolve));
            sliceStart = clock;
          },
        });
        return made;
      },
      users: {
        page: async (after, limit) => {
          clock += LONGEST_STEP;
          return users.filter((u) => u.id > after).slice(0, limit);
        },
      },
      doctor: {
        beginPageRun: async () => ({}) as never,
        endPageRun: async () => undefined,
        pageVerdicts: async (_run, page, pause) => {
          for (let read = 0; read < 5; read++) {
            clock += 1.5;
            await pause();
          }
          const verdicts = [];
          for (const user of page) {
            clock += 0.7;
            verdicts.push(verdict(user.id, []));
            await pause();
          }
          return verdicts;
        },
      },
    });
    const snapshot = await readiness.refresh();
    slices.push(clock - sliceStart);
    assert.equal(snapshot.users, 1_000);
    const total = clock;
    assert.ok(slices.length >= Math.floor(total / (BUDGET + LONGEST_STEP)), `${slices.length} slices over ${total} ms`);
    assert.ok(Math.max(...slices) <= BUDGET + LONGEST_STEP, `the longest slice took ${Math.max(...slices)} ms`);
    assert.equal((made as TimeSlices | null)?.turns, slices.length - 1, 'every spent budget was a turn of the loop');
    assert.ok(snapshot.longestSliceMs <= BUDGET + LONGEST_STEP);
    await readiness.stop();
  });

  it('a page without a snapshot never runs or waits for the sweep: it starts on a later turn of the event loop', async () => {
    let began = 0;
    const readiness = new ResetReadiness({
      claim: async () => true,
      clock: { now: () => 0 },
      settings: { get: async () => undefined, put: async () => undefined },
      users: { page: async () => [] },
      doctor: {
        beginPageRun: async () => {
          began++;
          return {} as never;
        },
        endPageRun: async () => undefined,
        pageVerdicts: async () => [],
      },
    });
    assert.equal(readiness.countInBackground(), undefined);
    assert.equal(began, 0, 'nothing of the sweep ran in the caller\'s turn');
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let i = 0; i < 10 && began === 0; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(began, 1, 'the sweep started afterwards');
    await readiness.stop();
  });

  it('the schedule: of the nodes that find the snapshot old, only the one that claims the interval sweeps', async () => {
    const claimed = new Map<number, string>();
    let stored: unknown;
    let now = 20 * 60_000;
    const sweepsBy: string[] = [];
    const node = (name: string): ResetReadiness =>
      new ResetReadiness({
        claim: async (occurrence) => {
          if (claimed.has(occurrence)) return false;
          claimed.set(occurrence, name);
          return true;
        },
        clock: { now: () => now },
        settings: { get: async () => stored, put: async (_key, value) => void (stored = value) },
        users: { page: async () => [] },
        doctor: {
          beginPageRun: async () => {
            sweepsBy.push(name);
            return {} as never;
          },
          endPageRun: async () => undefined,
          pageVerdicts: async () => [],
        },
      } satisfies ReadinessDeps);
    const settled = async (all: ResetReadiness[]) => {
      for (const n of all) while ((await n.current()).runningSince !== null) await new Promise<void>((resolve) => setImmediate(resolve));
    };
    const nodes = [node('a'), node('b'), node('c')];
    await Promise.all(nodes.map((n) => n.refreshIfOlderThan(10 * 60_000)));
    await settled(nodes);
    assert.ok(stored, 'the winner stored its snapshot');
    await Promise.all(nodes.map((n) => n.stop()));
    assert.equal(sweepsBy.length, 1, `one sweep (${sweepsBy.join(', ')})`);
    const again = [node('a'), node('b'), node('c')];
    now += 5 * 60_000;
    await Promise.all(again.map((n) => n.refreshIfOlderThan(10 * 60_000)));
    assert.equal(sweepsBy.length, 1, 'a fresh snapshot is read, not renewed');
    now += 6 * 60_000;
    await Promise.all(again.map((n) => n.refreshIfOlderThan(10 * 60_000)));
    await settled(again);
    await Promise.all(again.map((n) => n.stop()));
    assert.equal(sweepsBy.length, 2, 'an old one is renewed by one node of the next interval');
  });
});
