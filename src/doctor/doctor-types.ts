/**
 * The doctor's vocabulary. The check ids are the contract of `sspr doctor`, the admin API and page, and the reset
 * flow's refusal codes (failure-catalog.md); add new ones, never rename.
 */
export const checkIds = [
  'sspr-enabled',
  'license-assigned',
  'writeback-enabled',
  'agent-connected',
  'agent-network',
  'agent-features',
  'directory-reachable',
  'directory-permissions',
  'user-linked',
  'methods-registered',
  'method-data-valid',
  'mail-server-reachable',
  'registration-current',
  'admin-policy',
  'protected-account',
  'unsupported-operation',
  'account-state',
  'password-policy',
  'throttled',
] as const;

export type CheckId = (typeof checkIds)[number];
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export function isCheckId(value: unknown): value is CheckId {
  return typeof value === 'string' && (checkIds as readonly string[]).includes(value);
}

/** One check as every client sees it; `summary`, `evidence` and `fix` are in the requested language. */
export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  summary: string;
  evidence: string;
  fix: string;
}

/** How many users fail (or warn on) one user-level check, and what the count is based on. */
export interface SummaryLine {
  id: CheckId;
  failing: number;
  warning: number;
  /** How the number was found (a set-based query over the store), or why the check cannot be counted there. */
  basis: string;
}

export interface DoctorReport {
  /** The user name diagnosed, or null for a service-level run. */
  user: string | null;
  /** User run: may this user reset now (no check fails). Service run: no service-level check fails. */
  canReset: boolean;
  checks: CheckResult[];
  /** Service-level runs only. */
  summary?: { users: number; checks: SummaryLine[]; elapsedMs: number };
}

/** A check's verdict before rendering: a text key (see doctor-text.ts), its parameters, and the evidence. */
export interface Finding {
  id: CheckId;
  status: CheckStatus;
  /** Key under the check id in the text catalogue: `${id}.${key}` is the summary, `${id}.${key}.fix` the fix. */
  key: string;
  params?: Record<string, string | number>;
  /** Evidence text keys with parameters (`evidence.*`), joined with "; ". */
  evidence?: Array<[string, Record<string, string | number>?]>;
}
