import type { Clock } from '../store/clock.js';
import type { UserRecord } from '../store/users-repository.js';
import type { FieldOpener } from '../crypto/field-cipher.js';
import type { CheckId } from './doctor-types.js';
import type { DoctorService, PageRun, StoredVerdict } from './doctor-service.js';
import { TimeSlices } from '../threads/time-slices.js';
import { emailUndeliverable } from './checks/mail-server-check.js';

/**
 * How many users can reset now: a dated snapshot of the doctor's user-level verdict over every account.
 *
 * Contract. A user counts as able to reset when no user-level doctor check fails for them — the very checks of
 * `DoctorService.diagnoseUser`, judged over the same facts, read a page at a time by a sweep — except the facts
 * only each user's directory object holds (links, protected accounts, the directory's account flags and password
 * age, effective rights): reading 100,000 directory objects is not an overview's job, so those checks skip here as
 * they do in a doctor run without an agent, and the doctor's page for one user adds them. Mobile numbers are
 * judged by libphonenumber with the configured default country and throttle blocks are found by their keyed
 * hash, both in code: no stored flag can go stale when the default country or the key changes, and every writer
 * of a number stays as it is. A method counts only while its codes can be delivered: while e-mail cannot be (no
 * SMTP server outside the demo, or the server did not answer), a user whom e-mail makes able to reset fails
 * `mail-server-reachable` and is not counted; the snapshot records that e-mail was failing (`emailFailing`), so
 * that the console can say so, and when it changed since the count.
 *
 * A user blocked by the reset throttle cannot reset now and is not counted; a block ends by itself, so the
 * snapshot keeps, per minute, how many users whose only failing check was the block see it end in that minute, and
 * counts them from the end of that minute on (never early, at most a minute late), without a new sweep. It keeps the
 * minutes up to `BLOCK_ENDS_HORIZON_MS` after the sweep ended (a bounded list whatever the number of blocked
 * users): users whose block ends later stay out of the count until a later sweep sees them (the schedule sweeps
 * six times within that hour), so past the bound the page shows fewer users than can reset, never more.
 * Everything else is as of the snapshot's time: the sweep runs on a schedule (a stored snapshot older than
 * `REFRESH_MS` is renewed by one node per interval, the one that claims it in the store) and on demand.
 *
 * The sweep never holds the event loop longer than a slice (`SLICE_MS` plus one step: one read for a page of
 * users, or one user's checks): it hands the loop back between reads and between users. Its stored values
 * (contact and method data) are opened in a worker thread (`PageRun.fields`): one native decipher per value in this
 * thread made garbage-collection pauses longer than a slice. The snapshot lives in the store's settings, so every
 * node shows the same.
 */
export interface ReadinessSnapshot {
  /** When the sweep began (its facts are at least this fresh) and when it ended. */
  startedAt: number;
  at: number;
  users: number;
  /** Users no check failed for when the sweep saw them. */
  capable: number;
  /**
   * Of those, users with no registered method: contact data from the directory (the policy's `contactDataCounts`)
   * is what they reset with. Absent in snapshots stored before it was counted.
   */
  capableUnregistered?: number;
  /**
   * E-mail codes could not be delivered when the sweep began (`emailUndeliverable`): users who need e-mail failed
   * `mail-server-reachable` and are not in `capable`. Absent in snapshots stored before it was recorded.
   */
  emailFailing?: boolean;
  /** Users whose only failing check was `mail-server-reachable`: able to reset once e-mail is delivered again. */
  capableButForEmail?: number;
  /** Per check, how many users it failed for (a user can fail several). */
  failing: Partial<Record<CheckId, number>>;
  /**
   * Users whose only failing check was `throttled`, by the minute their block ends: `[minute end, users]`,
   * ascending, minutes up to `BLOCK_ENDS_HORIZON_MS` after `at` (at most 61 entries).
   */
  blockedOnlyEnds: Array<[number, number]>;
  /** Such users whose block ends past that horizon (counted by a later sweep only). */
  blockedOnlyLater: number;
  elapsedMs: number;
  /**
   * The longest stretch between two of the sweep's hand-backs: a bound above the longest it held the event loop, as a
   * stretch also counts the waits for the field worker, when the loop was free.
   */
  longestSliceMs: number;
}

/** A stored snapshot older than this is renewed in the background (checked once a minute). */
export const REFRESH_MS = 10 * 60_000;
/** Users per page of the sweep (one query each for their groups, plans, registrations, audit trail, blocks). */
const PAGE_SIZE = 200;
/**
 * The sweep's slice of the event loop: with one page query and one young-generation pause on top, it stays under
 * the 20 ms every request may hold (handing the loop back costs microseconds; a smaller slice barely lengthens
 * the sweep).
 */
const SLICE_MS = 4;
const SETTINGS_KEY = 'reset-readiness';
/** The least time between two counts asked for from the console on one node. */
const ON_DEMAND_GAP_MS = 60_000;
const MINUTE_MS = 60_000;
/** How far past a sweep's end the snapshot keeps block ends (a bound on its size: 60 minutes, 61 entries). */
export const BLOCK_ENDS_HORIZON_MS = 60 * MINUTE_MS;
/** The name of the sweep's claim in the store: one node sweeps per `REFRESH_MS` interval. */
export const READINESS_JOB = 'reset-readiness';

/** Sums verdicts into a snapshot's counts (pure; the sweep feeds it page by page). */
export class ReadinessTally {
  users = 0;
  capable = 0;
  capableUnregistered = 0;
  capableButForEmail = 0;
  readonly failing: Partial<Record<CheckId, number>> = {};
  /** Minute end → users blocked only by the throttle until then (distinct minutes: at most the policy's block hours). */
  private readonly blockedOnly = new Map<number, number>();

  add(verdicts: readonly StoredVerdict[]): void {
    for (const verdict of verdicts) {
      this.users++;
      if (verdict.failing.length === 0) {
        this.capable++;
        if (verdict.registered === false) this.capableUnregistered++;
      }
      for (const id of verdict.failing) this.failing[id] = (this.failing[id] ?? 0) + 1;
      if (verdict.failing.length === 1 && verdict.failing[0] === 'mail-server-reachable') this.capableButForEmail++;
      if (verdict.failing.length === 1 && verdict.failing[0] === 'throttled' && verdict.block) {
        const minuteEnd = Math.ceil(verdict.block.until / MINUTE_MS) * MINUTE_MS;
        this.blockedOnly.set(minuteEnd, (this.blockedOnly.get(minuteEnd) ?? 0) + 1);
      }
    }
  }

  snapshot(startedAt: number, at: number, elapsedMs: number, longestSliceMs: number, emailFailing = false): ReadinessSnapshot {
    const blockedOnlyEnds: Array<[number, number]> = [];
    let blockedOnlyLater = 0;
    for (const [end, users] of this.blockedOnly) {
      if (end <= at + BLOCK_ENDS_HORIZON_MS) blockedOnlyEnds.push([end, users]);
      else blockedOnlyLater += users;
    }
    blockedOnlyEnds.sort((a, b) => a[0] - b[0]);
    return { startedAt, at, users: this.users, capable: this.capable, capableUnregistered: this.capableUnregistered, emailFailing, capableButForEmail: this.capableButForEmail, failing: { ...this.failing }, blockedOnlyEnds, blockedOnlyLater, elapsedMs, longestSliceMs };
  }
}

/** Users able to reset at `now` by the snapshot: those it counted, and those whose only obstacle was a block that has ended. */
export function capableAt(snapshot: ReadinessSnapshot, now: number): number {
  let ended = 0;
  for (const [end, users] of snapshot.blockedOnlyEnds) {
    if (end > now) break;
    ended += users;
  }
  return snapshot.capable + ended;
}

export interface ReadinessDeps {
  doctor: Pick<DoctorService, 'beginPageRun' | 'pageVerdicts' | 'endPageRun'>;
  /** `UsersRepository.page`: the sweep passes its run's opener of stored values. */
  users: { page(afterId: string, limit: number, opener?: FieldOpener): Promise<UserRecord[]> };
  settings: { get(key: string): Promise<unknown>; put(key: string, value: unknown, now: number): Promise<void> };
  /**
   * The cluster's claim of one scheduled sweep (`RemindersRepository.claimOccurrence` with `READINESS_JOB` and this
   * node's id): true for the one node that won the occurrence.
   */
  claim(occurrence: number, now: number): Promise<boolean>;
  clock: Clock;
  /** The sweep's slices of the event loop (tests pass a clock and a turn of their own). */
  slices?: () => TimeSlices;
  onError?(error: unknown): void;
}

/** The readiness snapshot: read, renewed on a schedule, and on demand (one sweep at a time per process). */
export class ResetReadiness {
  private running: { since: number; done: Promise<ReadinessSnapshot> } | null = null;
  private queued: Promise<ReadinessSnapshot> | null = null;
  private stopped = false;
  private lastOnDemand = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: ReadinessDeps) {}

  /** The stored snapshot (null before the first sweep ended) and, when one runs here, since when. */
  async current(): Promise<{ snapshot: ReadinessSnapshot | null; runningSince: number | null }> {
    const stored = await this.deps.settings.get(SETTINGS_KEY);
    return { snapshot: isSnapshot(stored) ? stored : null, runningSince: this.running?.since ?? null };
  }

  /**
   * A sweep that starts now: its end. A sweep already running may have read older facts, so the new one follows
   * it; calls while one waits share that one.
   */
  refresh(): Promise<ReadinessSnapshot> {
    if (this.queued) return this.queued;
    if (this.running) {
      const queued = this.running.done.catch(() => undefined).then(() => {
        this.queued = null;
        return this.start();
      });
      this.queued = queued;
      return queued;
    }
    return this.start();
  }

  /**
   * "Count again" from the console: a sweep as `refresh`, but at most one asked for per ON_DEMAND_GAP_MS on this
   * node, so a loop of requests cannot keep the node sweeping every account back to back. False when refused.
   */
  refreshOnDemand(): boolean {
    const now = this.deps.clock.now();
    if (this.queued || now - this.lastOnDemand < ON_DEMAND_GAP_MS) return false;
    this.lastOnDemand = now;
    void this.refresh().catch(() => undefined);
    return true;
  }

  /** Ends the schedule's and callers' sweeps at the next page (before the store closes); no new one starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([this.running?.done, this.queued]);
  }

  private start(): Promise<ReadinessSnapshot> {
    if (this.stopped) return Promise.reject(new Error('the readiness sweep was stopped'));
    const since = this.deps.clock.now();
    const done = this.sweep(since).finally(() => (this.running = null));
    this.running = { since, done };
    done.catch((error: unknown) => {
      if (!this.stopped) this.deps.onError?.(error);
    });
    return done;
  }

  /**
   * The schedule (every node, once a minute): when no snapshot is stored or the stored one is older than
   * `maxAgeMs`, the node that claims the current `REFRESH_MS` interval in the store sweeps; the others keep reading
   * the stored snapshot. A sweep that fails leaves the interval claimed: the next interval's claim retries.
   */
  async refreshIfOlderThan(maxAgeMs: number): Promise<void> {
    if (this.running || this.queued || this.stopped) return;
    const { snapshot } = await this.current();
    const now = this.deps.clock.now();
    if (snapshot && now - snapshot.startedAt <= maxAgeMs) return;
    const occurrence = Math.floor(now / REFRESH_MS) * REFRESH_MS;
    if (!(await this.deps.claim(occurrence, now))) return;
    if (this.running || this.queued) return;
    void this.refresh().catch(() => undefined);
  }

  /**
   * A page found no snapshot: the scheduled sweep (claimed, as above) starts on a later turn of the event loop, so
   * the request neither waits for it nor runs any part of it; the page says the users are being counted.
   */
  countInBackground(): void {
    setImmediate(() => {
      this.refreshIfOlderThan(REFRESH_MS).catch((error: unknown) => this.deps.onError?.(error));
    });
  }

  private async sweep(startedAt: number): Promise<ReadinessSnapshot> {
    const started = performance.now();
    const slices = this.deps.slices?.() ?? new TimeSlices(SLICE_MS);
    const pause = () => slices.pause();
    const run = await this.deps.doctor.beginPageRun();
    // Test doubles may start a run without service facts.
    const service = (run as Partial<PageRun>).service;
    const emailFailing = service ? emailUndeliverable(service) : false;
    const tally = new ReadinessTally();
    try {
      let after = '';
      for (;;) {
        await pause();
        if (this.stopped) throw new Error('the readiness sweep was stopped');
        const users = await this.deps.users.page(after, PAGE_SIZE, run.fields);
        if (users.length === 0) break;
        await pause();
        tally.add(await this.deps.doctor.pageVerdicts(run, users, pause));
        after = users[users.length - 1]!.id;
      }
    } finally {
      await this.deps.doctor.endPageRun(run);
    }
    slices.end();
    const snapshot = tally.snapshot(startedAt, this.deps.clock.now(), Math.round(performance.now() - started), Math.round(slices.longestMs), emailFailing);
    await this.deps.settings.put(SETTINGS_KEY, snapshot, snapshot.at);
    return snapshot;
  }
}

function isSnapshot(value: unknown): value is ReadinessSnapshot {
  const v = value as Partial<ReadinessSnapshot> | null | undefined;
  return typeof v === 'object' && v !== null && typeof v.at === 'number' && typeof v.capable === 'number' && typeof v.users === 'number' && Array.isArray(v.blockedOnlyEnds);
}
