/**
 * Password expiry reminders: who is told what, and the telling.
 *
 * Which reminder: with days [14, 7, 3, 1] an account whose password expires in 6.5 days is due the 7-day one —
 * the smallest interval not below the time left. Each reminder goes out once per password and interval: its
 * key is (account, when the password was set, interval), claimed in the store before anything is sent, so a
 * restart, a second run the same day, or another node running at the same time finds it claimed and sends
 * nothing. A run that starts late sends only the most urgent interval due, never the ones it missed.
 * The claim precedes the send: a mail the mail server then refuses is audited as a failed delivery and not
 * retried by the reminders (at most once).
 */
import type { Audit } from '../audit/audit.js';
import type { MailDispatch, SmsDispatch } from '../delivery/background-delivery.js';
import type { Lang } from '../i18n/lang.js';
import type { Clock } from '../store/clock.js';
import { claimKey, type ExpiringAccount, type RemindersRepository } from '../store/reminders-repository.js';
import { expiryMail, expirySms, managerSummaryMail, type SummaryLine } from './reminder-texts.js';

export const DAY_MS = 86_400_000;
const CLAIMS_KEPT_MS = 400 * DAY_MS;
const CLAIM_PAGE = 500;

export type ReminderChannel = 'email' | 'sms';

/** What a run did (or, dry, would do) for one account or manager. */
export type ReminderState = 'sent' | 'due' | 'already-sent' | 'no-address';

export interface ExpirySettings {
  days: readonly number[];
  channels: readonly ReminderChannel[];
  managerSummary: boolean;
  /** Cloud-only accounts: maximum password age in days; 0 = their passwords do not expire. */
  cloudOnlyMaxAgeDays: number;
  language: Lang;
  organisation: string;
  /** The change-password page the reminders link to. */
  changeUrl: string;
}

export interface ExpiryReminderDeps {
  store: Pick<RemindersRepository, 'expiring' | 'managersByDn' | 'claim' | 'claimed' | 'claimMany' | 'claimedAmong' | 'purge'>;
  clock: Clock;
  mail: Pick<MailDispatch, 'dispatch'>;
  sms: Pick<SmsDispatch, 'dispatch'> | null;
  audit: Pick<Audit, 'record'>;
  settings: ExpirySettings;
}

export interface ExpiryNotice {
  userId: string;
  username: string;
  expiresAt: string;
  /** The interval this reminder stands for (one of the configured days). */
  interval: number;
  /** Whole days left, rounded up (what the text says). */
  daysLeft: number;
  channels: ReminderChannel[];
  state: ReminderState;
}

export interface ManagerNotice {
  managerId: string;
  manager: string;
  people: string[];
  state: ReminderState;
}

export interface ExpiryReport {
  at: string;
  dryRun: boolean;
  notices: ExpiryNotice[];
  managers: ManagerNotice[];
}

/** The interval due for `msLeft`: the smallest configured number of days not below it; null when none is. */
export function dueInterval(days: readonly number[], msLeft: number): number | null {
  const due = [...days].sort((a, b) => a - b).find((d) => msLeft <= d * DAY_MS);
  return due ?? null;
}

/** The part of the reminder key that names the password: when it was set (or, unknown, when it expires). */
export function passwordKey(account: Pick<ExpiringAccount, 'passwordChangedAt' | 'passwordExpiresAt'>): string {
  return account.passwordChangedAt !== null ? String(account.passwordChangedAt) : `expires-${account.passwordExpiresAt}`;
}

export class ExpiryReminders {
  constructor(private readonly deps: ExpiryReminderDeps) {}

  async run(options: { dryRun: boolean }): Promise<ExpiryReport> {
    const { store, clock, settings } = this.deps;
    const now = clock.now();
    const horizon = Math.max(...settings.days) * DAY_MS;
    const cloud = settings.cloudOnlyMaxAgeDays > 0 ? settings.cloudOnlyMaxAgeDays * DAY_MS : null;
    // A claim outlives its password: intervals are at most 365 days, so older claims can never match again.
    if (!options.dryRun) await store.purge(now - CLAIMS_KEPT_MS);
    const accounts = await store.expiring(now, now + horizon, cloud);
    const notices: ExpiryNotice[] = [];
    const due: Array<{ account: ExpiringAccount; notice: ExpiryNotice; subject: string; occasion: string }> = [];
    for (const account of accounts) {
      const msLeft = account.passwordExpiresAt - now;
      const interval = dueInterval(settings.days, msLeft);
      if (interval === null) continue;
      const channels = this.channelsOf(account);
      const notice: ExpiryNotice = {
        userId: account.id,
        username: account.username,
        expiresAt: new Date(account.passwordExpiresAt).toISOString(),
        interval,
        daysLeft: Math.ceil(msLeft / DAY_MS),
        channels,
        state: 'no-address',
      };
      notices.push(notice);
      if (channels.length > 0) due.push({ account, notice, subject: account.id, occasion: `${passwordKey(account)}:${interval}` });
    }
    // Claimed a page at a time (one statement each); only the reminders this run won are sent.
    for (let i = 0; i < due.length; i += CLAIM_PAGE) {
      const page = due.slice(i, i + CLAIM_PAGE);
      if (options.dryRun) {
        const claimed = await store.claimedAmong('expiry', page);
        for (const item of page) item.notice.state = claimed.has(claimKey(item.subject, item.occasion)) ? 'already-sent' : 'due';
        continue;
      }
      const won = await store.claimMany('expiry', page, now);
      for (const { account, notice, subject, occasion } of page) {
        if (!won.has(claimKey(subject, occasion))) {
          notice.state = 'already-sent';
          continue;
        }
        this.send(account, notice);
        notice.state = 'sent';
        await this.deps.audit.record({
          event: 'reminder.expiry',
          outcome: 'success',
          userId: account.id,
          username: account.username,
          detail: { days: notice.interval, expiresAt: account.passwordExpiresAt, channels: notice.channels.join(',') },
        });
      }
    }
    const managers = settings.managerSummary ? await this.managerSummaries(accounts, now, options.dryRun) : [];
    return { at: new Date(now).toISOString(), dryRun: options.dryRun, notices, managers };
  }

  private channelsOf(account: ExpiringAccount): ReminderChannel[] {
    return this.deps.settings.channels.filter((channel) => (channel === 'email' ? account.email !== null : account.mobile !== null && this.deps.sms !== null));
  }

  private send(account: ExpiringAccount, notice: ExpiryNotice): void {
    const { settings } = this.deps;
    const params = {
      organisation: settings.organisation,
      name: account.displayName || account.username,
      username: account.username,
      expiresAt: account.passwordExpiresAt,
      days: notice.daysLeft,
      url: settings.changeUrl,
    };
    const tag = { purpose: 'expiry-reminder', userId: account.id, username: account.username };
    if (notice.channels.includes('email') && account.email) this.deps.mail.dispatch(expiryMail(settings.language, account.email, params), tag);
    if (notice.channels.includes('sms') && account.mobile && this.deps.sms) this.deps.sms.dispatch({ to: account.mobile, text: expirySms(settings.language, params) }, tag);
  }

  /** One mail a day per manager (claimed per UTC day) listing every account of theirs in the reminder window. */
  private async managerSummaries(accounts: readonly ExpiringAccount[], now: number, dryRun: boolean): Promise<ManagerNotice[]> {
    const { store, settings } = this.deps;
    const byManager = new Map<string, ExpiringAccount[]>();
    for (const account of accounts) {
      if (account.managerDn === null) continue;
      const key = account.managerDn.toLowerCase();
      byManager.set(key, [...(byManager.get(key) ?? []), account]);
    }
    if (byManager.size === 0) return [];
    const managers = await store.managersByDn([...byManager.keys()]);
    const day = new Date(now).toISOString().slice(0, 10);
    const result: ManagerNotice[] = [];
    for (const [dn, people] of byManager) {
      const manager = managers.get(dn);
      if (!manager) continue;
      const notice: ManagerNotice = { managerId: manager.id, manager: manager.username, people: people.map((p) => p.username), state: 'no-address' };
      result.push(notice);
      if (manager.email === null) continue;
      if (dryRun) {
        notice.state = (await store.claimed('manager-summary', manager.id, day)) ? 'already-sent' : 'due';
        continue;
      }
      if (!(await store.claim('manager-summary', manager.id, day, now))) {
        notice.state = 'already-sent';
        continue;
      }
      const lines: SummaryLine[] = people.map((p) => ({
        person: p.displayName || p.username,
        username: p.username,
        expiresAt: p.passwordExpiresAt,
        days: Math.ceil((p.passwordExpiresAt - now) / DAY_MS),
      }));
      const mail = managerSummaryMail(settings.language, manager.email, { organisation: settings.organisation, name: manager.displayName || manager.username, people: lines });
      this.deps.mail.dispatch(mail, { purpose: 'expiry-manager-summary', userId: manager.id, username: manager.username });
      notice.state = 'sent';
      await this.deps.audit.record({ event: 'reminder.manager-summary', outcome: 'success', userId: manager.id, username: manager.username, detail: { people: people.length } });
    }
    return result;
  }
}
