import type { DoctorService } from '../doctor/doctor-service.js';
import type { CheckId, CheckResult, CheckStatus, DoctorReport } from '../doctor/doctor-types.js';
import type { Lang } from '../i18n/lang.js';
import type { Clock } from '../store/clock.js';
import { DAY_MS, ConsoleStatsRepository, type EventSelector } from '../store/console-stats-repository.js';
import type { ThrottleReason } from '../policy/throttles.js';
import type { AuditEventName } from '../audit/audit-events.js';
import { capableAt, type ResetReadiness } from '../doctor/reset-readiness.js';

/**
 * The health banner's areas, each judged by the worst of the doctor's service-level checks listed for it (a check
 * the doctor skips does not count), and showing that check by name: the banner and the doctor page say the same.
 * Mail and SMS take both delivery checks: whether codes can leave at all and recent failures (`method-data-valid`),
 * and whether the SMTP server answers (`mail-server-reachable`).
 */
export const healthAreas = {
  writeback: ['writeback-enabled'],
  agents: ['agent-connected', 'agent-network', 'agent-features'],
  directory: ['directory-reachable', 'directory-permissions'],
  delivery: ['method-data-valid', 'mail-server-reachable'],
} as const satisfies Record<string, readonly CheckId[]>;
export type HealthArea = keyof typeof healthAreas;

/** What counts as a reset, and as a refusal, in the audit trail (catalogue names). */
const resets: Array<EventSelector & { event: AuditEventName }> = [{ event: 'reset-password', outcome: 'success' }];
const refusals: Array<EventSelector & { event: AuditEventName }> = [
  { event: 'reset-start', outcome: 'failure' },
  { event: 'reset-blocked' },
  { event: 'reset-password', outcome: 'failure' },
];
/** Throttle blocks that stop a user's resets (a `slot` is a notice slot, not a block). */
const blockReasons = ['failed-proofs', 'too-many-validations', 'too-many-emails', 'too-many-sms'] as const satisfies readonly ThrottleReason[];

export interface HealthLine {
  area: HealthArea;
  status: CheckStatus;
  /** The worst check's finding (its summary and fix in the requested language). */
  check: CheckResult | null;
}

export interface ConsoleOverviewData {
  at: number;
  health: { status: CheckStatus; areas: HealthLine[] };
  users: {
    all: number;
    enabled: number;
    registered: number;
    blocked: number;
    /**
     * Users who can reset now by the readiness snapshot (doctor/reset-readiness.ts states the contract): `count` of
     * the `of` accounts the sweep saw, as of `at` (blocks that ended since count); null before the first sweep.
     */
    capable: {
      count: number;
      of: number;
      at: number;
      /** Of `count`, users with no registered method (contact data from the directory counts for them); null: not recorded. */
      unregistered: number | null;
      /** E-mail codes could not be delivered when counted; `needEmail` users failed no other check and were left out for it. */
      emailFailing: boolean;
      needEmail: number;
    } | null;
    /**
     * E-mail codes cannot be delivered now, by the doctor's service run behind the banner (`mail-server-reachable`
     * or `method-data-valid` failing); null while that run is not there yet.
     */
    emailFailingNow: boolean | null;
    /** When a sweep runs in this process: since when; else null. */
    capableCountingSince: number | null;
  };
  /** Resets and refusals over the last 1 (today, UTC), 7 and 30 days. */
  activity: Array<{ days: 1 | 7 | 30; resets: number; refusals: number }>;
  /** The last 30 days, oldest first (UTC days since the epoch). */
  resetsPerDay: Array<{ day: number; resets: number; refusals: number }>;
  refusalsByReason: Array<{ reason: string; count: number }>;
  coverage: Array<{ day: number; users: number; registered: number }>;
  /** When the doctor's service run behind the health banner was made; null: still running. */
  doctorAt: number | null;
}

const severity: Record<CheckStatus, number> = { skip: 0, pass: 1, warn: 2, fail: 3 };
const worst = (statuses: CheckStatus[]): CheckStatus => statuses.reduce<CheckStatus>((a, b) => (severity[b] > severity[a] ? b : a), 'skip');

/** How long a doctor service run is fresh: it probes the directory and counts every check, the slow part here. */
const DOCTOR_REUSE_MS = 60_000;
/** How long a page waits for the very first doctor run before it shows the rest without it. */
const DOCTOR_WAIT_MS = 500;

/**
 * The console overview: the health banner from the doctor's service-level run (renewed in the background once a
 * minute, shared by concurrent requests), the users who can reset now from the readiness snapshot (one stored row),
 * everything else from set-based queries bound by indexes. The page and `GET /api/v1/admin/overview` show the same object.
 */
export class ConsoleOverview {
  private doctorRuns = new Map<Lang, { at: number; done: Promise<{ at: number; report: DoctorReport }>; renewing: boolean }>();

  constructor(
    private readonly stats: ConsoleStatsRepository,
    private readonly doctor: Pick<DoctorService, 'diagnoseService'>,
    private readonly readiness: Pick<ResetReadiness, 'current' | 'countInBackground'>,
    private readonly clock: Clock,
  ) {}

  /**
   * The doctor's service run for `lang`: the first request waits for it; afterwards a run older than a minute is
   * renewed in the background while requests keep getting the last finished one (stale while revalidating), so
   * no page waits for the directory probe and the per-check counts again.
   */
  private doctorReport(lang: Lang): Promise<{ at: number; report: DoctorReport }> {
    const now = this.clock.now();
    const run = this.doctorRuns.get(lang);
    if (run && (now - run.at <= DOCTOR_REUSE_MS || run.renewing)) return run.done;
    const renewed = this.doctor.diagnoseService(lang).then((report) => ({ at: now, report }));
    if (run) {
      run.renewing = true;
      renewed.then(
        (fresh) => this.doctorRuns.set(lang, { at: now, done: Promise.resolve(fresh), renewing: false }),
        () => (run.renewing = false),
      );
      return run.done;
    }
    const entry = { at: now, done: renewed, renewing: false };
    this.doctorRuns.set(lang, entry);
    renewed.catch(() => this.doctorRuns.delete(lang));
    return renewed;
  }

  async read(lang: Lang): Promise<ConsoleOverviewData> {
    const now = this.clock.now();
    const today = Math.floor(now / DAY_MS);
    const since30 = (today - 29) * DAY_MS;
    const waited = new Promise<null>((resolve) => setTimeout(resolve, DOCTOR_WAIT_MS, null).unref());
    const [doctor, readiness, users, blocked, resetDays, refusalDays, reasons, coverage] = await Promise.all([
      Promise.race([this.doctorReport(lang), waited]),
      this.readiness.current(),
      this.stats.userCounts(),
      this.stats.activeBlocks(blockReasons, now),
      this.stats.perDay(resets, since30),
      this.stats.perDay(refusals, since30),
      this.stats.byReason(refusals, since30),
      this.stats.coverageSince(since30, now),
    ]);
    const checks = new Map((doctor?.report.checks ?? []).map((c) => [c.id, c]));
    const areas = (Object.entries(healthAreas) as Array<[HealthArea, readonly CheckId[]]>).map(([area, ids]) => {
      const found = ids.map((id) => checks.get(id)).filter((c): c is CheckResult => c !== undefined && c.status !== 'skip');
      const status = found.length ? worst(found.map((c) => c.status)) : 'skip';
      return { area, status, check: found.find((c) => c.status === status) ?? null };
    });
    // Before the first sweep ended anywhere, a page starts one in the background (claimed: one node counts) and
    // says the users are being counted; it never waits for the sweep.
    const { snapshot } = readiness;
    let countingSince = readiness.runningSince;
    if (!snapshot && countingSince === null) {
      this.readiness.countInBackground();
      countingSince = now;
    }
    const sum = (days: number, series: Map<number, number>) => {
      let total = 0;
      for (let d = today - days + 1; d <= today; d++) total += series.get(d) ?? 0;
      return total;
    };
    const resetsPerDay = [];
    for (let d = today - 29; d <= today; d++) resetsPerDay.push({ day: d, resets: resetDays.get(d) ?? 0, refusals: refusalDays.get(d) ?? 0 });
    return {
      at: now,
      health: { status: worst(areas.map((a) => a.status)), areas },
      users: {
        ...users,
        blocked,
        capable: snapshot
          ? {
              count: capableAt(snapshot, now),
              of: snapshot.users,
              at: snapshot.at,
              unregistered: snapshot.capableUnregistered ?? null,
              emailFailing: snapshot.emailFailing ?? false,
              needEmail: snapshot.capableButForEmail ?? 0,
            }
          : null,
        emailFailingNow: doctor ? checks.get('mail-server-reachable')?.status === 'fail' || checks.get('method-data-valid')?.status === 'fail' : null,
        capableCountingSince: countingSince,
      },
      activity: ([1, 7, 30] as const).map((days) => ({ days, resets: sum(days, resetDays), refusals: sum(days, refusalDays) })),
      resetsPerDay,
      refusalsByReason: [...reasons.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
      coverage,
      doctorAt: doctor?.at ?? null,
    };
  }
}

/** The services' one overview (one reused doctor run per process), made on first use. */
const overviews = new WeakMap<object, ConsoleOverview>();
export function consoleOverviewOf(services: {
  store: { reads: ConstructorParameters<typeof ConsoleStatsRepository>[0]; dialect: ConstructorParameters<typeof ConsoleStatsRepository>[1] };
  doctor: Pick<DoctorService, 'diagnoseService'>;
  readiness: Pick<ResetReadiness, 'current' | 'countInBackground'>;
  clock: Clock;
}): ConsoleOverview {
  let overview = overviews.get(services);
  if (!overview) {
    overview = new ConsoleOverview(new ConsoleStatsRepository(services.store.reads, services.store.dialect), services.doctor, services.readiness, services.clock);
    overviews.set(services, overview);
  }
  return overview;
}
