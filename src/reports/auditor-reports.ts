import type { Services } from '../app/services.js';
import { ReportsRepository, type UnregisteredUser } from '../store/reports-repository.js';
import type { AuditEventName } from '../audit/audit-events.js';
import { adminPolicy } from '../policy/sspr-policy.js';

/** The reports an auditor asks for, by id (the URL segment). */
export const reportIds = ['coverage', 'resets', 'refusals', 'never-registered', 'admins'] as const;

/** Each report's columns, in order (the CSV header and the page's table head). */
const reportColumns = {
  coverage: ['group', 'members', 'registered', 'share'],
  resets: ['event', 'method', 'outcome', 'count'],
  refusals: ['reason', 'event', 'count'],
  'never-registered': ['username', 'displayName', 'directory', 'admin', 'reminded'],
  admins: ['username', 'enabled', 'usableMethods', 'count', 'twoGate'],
} as const satisfies Record<(typeof reportIds)[number], readonly string[]>;
export type ReportId = (typeof reportIds)[number];

export function isReportId(value: string): value is ReportId {
  return (reportIds as readonly string[]).includes(value);
}

/** One report's answer: column ids (the CSV header; pages translate them), rows of cells, and the total row count. */
export interface ReportTable {
  columns: readonly string[];
  rows: Array<Array<string | number>>;
  total: number;
}

/** Rows per page on screen and in the JSON API. */
export const REPORT_PAGE = 100;

const resetEvents: AuditEventName[] = ['reset-verify'];
const passwordEvents: AuditEventName[] = ['reset-password', 'admin-reset-password', 'unlock-account', 'helpdesk-unlock-account', 'change-password'];
const refusalEvents: AuditEventName[] = ['reset-start', 'reset-blocked', 'reset-verify', 'reset-password', 'admin-reset-password', 'helpdesk-refused', 'helpdesk-verify'];

export interface ReportOptions {
  page: number;
  /** Audit-based reports: the last N days. */
  days: number;
}

/**
 * The auditors' reports over the store's set-based queries (src/store/reports-repository.ts): registration coverage
 * by group, password events by method / path and outcome, refusals by reason, users who never registered (paged,
 * streamed as CSV), and each administrator's two-gate status under the current policy (two usable method types,
 * security questions never count).
 */
export class AuditorReports {
  private readonly repo: ReportsRepository;

  constructor(private readonly services: Pick<Services, 'store' | 'clock' | 'policy' | 'methods'>) {
    this.repo = new ReportsRepository(services.store.reads, services.store.dialect);
  }

  async table(id: ReportId, options: ReportOptions): Promise<ReportTable> {
    const since = this.services.clock.now() - options.days * 86_400_000;
    const offset = (options.page - 1) * REPORT_PAGE;
    const paged = (rows: Array<Array<string | number>>) => rows.slice(offset, offset + REPORT_PAGE);
    switch (id) {
      case 'coverage': {
        const share = (registered: number, members: number) => (members === 0 ? '-' : `${Math.round((registered / members) * 1000) / 10} %`);
        const overall = await this.repo.coverageOverall();
        const groups = await this.repo.coverageByGroup();
        const rows = [['*', overall.members, overall.registered, share(overall.registered, overall.members)], ...groups.map((g) => [g.group, g.members, g.registered, share(g.registered, g.members)])];
        return { columns: reportColumns[id], rows: paged(rows), total: rows.length };
      }
      case 'resets': {
        const verify = await this.repo.eventsBy(resetEvents, 'method', since);
        const writes = await this.repo.eventsBy(passwordEvents, 'path', since);
        const rows = [...verify, ...writes].map((r) => [r.event, r.key || '-', r.outcome, r.count]);
        return { columns: reportColumns[id], rows: paged(rows), total: rows.length };
      }
      case 'refusals': {
        const counts = (await this.repo.eventsBy(refusalEvents, 'reason', since)).filter((r) => r.outcome === 'failure' && r.key !== '');
        const rows = counts.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).map((r) => [r.key, r.event, r.count]);
        return { columns: reportColumns[id], rows: paged(rows), total: rows.length };
      }
      case 'never-registered': {
        const { users, total } = await this.repo.neverRegistered({ offset, limit: REPORT_PAGE });
        return { columns: reportColumns[id], rows: users.map(unregisteredRow), total };
      }
      case 'admins': {
        const rows = await this.adminRows();
        return { columns: reportColumns[id], rows: paged(rows), total: rows.length };
      }
    }
  }

  private async adminRows(): Promise<Array<Array<string | number>>> {
    const policy = await this.services.policy.current();
    const available = new Set(this.services.methods.keys());
    const allowed = new Set(policy.methods.filter((t) => available.has(t) && !adminPolicy.forbidden.includes(t)));
    return (await this.repo.administrators()).map((admin) => {
      const usable = new Set(admin.types.filter((t) => allowed.has(t as never)));
      if (policy.contactDataCounts && admin.hasEmail && allowed.has('email')) usable.add('email');
      if (policy.contactDataCounts && admin.hasMobile && allowed.has('sms')) usable.add('sms');
      const types = [...usable].sort();
      return [admin.username, admin.enabled ? 'yes' : 'no', types.join(' ') || '-', types.length, types.length >= adminPolicy.methodsRequired ? 'pass' : 'fail'];
    });
  }

  /** Every row of a report, page by page (keyset for the long list), for a streamed export. */
  async *allRows(id: ReportId, days: number): AsyncGenerator<Array<string | number>> {
    if (id !== 'never-registered') {
      const first = await this.table(id, { page: 1, days });
      for (let page = 1; (page - 1) * REPORT_PAGE < first.total; page++) {
        const table = page === 1 ? first : await this.table(id, { page, days });
        yield* table.rows;
      }
      return;
    }
    let afterKey: string | undefined;
    for (;;) {
      const { users } = await this.repo.neverRegistered({ ...(afterKey !== undefined ? { afterKey } : {}), limit: 1000 });
      if (users.length === 0) return;
      for (const u of users) yield unregisteredRow(u);
      afterKey = users[users.length - 1]?.key;
    }
  }

  columnsOf(id: ReportId): readonly string[] {
    return reportColumns[id];
  }
}

/** A row of the never-registered report, in the order of its columns. */
function unregisteredRow(u: UnregisteredUser): Array<string | number> {
  return [u.username, u.displayName, u.source, u.isAdmin ? 'yes' : 'no', u.reminders];
}
