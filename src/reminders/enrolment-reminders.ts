/**
 * Enrolment reminders: accounts the policy covers that cannot reset yet for want of methods (or whose methods
 * are due for re-confirmation) are told every `everyDays` until they register, at most `maxReminders` times.
 *
 * Who: the store names a superset (too few registered method types, or an old confirmation); each is then judged
 * by the reset flow's own rule (decideEligibility), so contact data that counts, the SSPR group and licences
 * decide exactly as they do at reset time. Once: the count and the time of the last reminder are raised by one
 * conditional update before anything is sent, so several nodes or a restart never send one period's reminder twice.
 */
import type { Audit } from '../audit/audit.js';
import type { MailDispatch, SmsDispatch } from '../delivery/background-delivery.js';
import type { DirectoryUser } from '../directory/directory.js';
import type { Lang } from '../i18n/lang.js';
import type { Registration } from '../methods/records.js';
import { allowedTypes, decideEligibility, requiredMethods } from '../policy/eligibility.js';
import type { SsprPolicy } from '../policy/sspr-policy.js';
import type { Clock } from '../store/clock.js';
import type { RemindersRepository } from '../store/reminders-repository.js';
import { DAY_MS, type ReminderChannel, type ReminderState } from './expiry-reminders.js';
import { enrolmentMail, enrolmentSms } from './reminder-texts.js';

export interface EnrolmentSettings {
  everyDays: number;
  maxReminders: number;
  channels: readonly ReminderChannel[];
  language: Lang;
  organisation: string;
  /** The security-info page the reminders link to. */
  registerUrl: string;
}

export interface EnrolmentReminderDeps {
  store: Pick<RemindersRepository, 'enrolmentCandidates' | 'claimEnrolmentReminder' | 'enrolmentReminderDue' | 'enrolmentReminders'>;
  users: { findById(id: string): Promise<DirectoryUser | null> };
  registrations: { listForUser(userId: string): Promise<Registration[]> };
  groups: { groupsOfUser(userId: string): Promise<string[]> };
  licences: { plansOf(userId: string): Promise<string[]> };
  /** The reset policy in force, restricted to the methods this service can deliver. */
  policy: () => Promise<SsprPolicy>;
  clock: Clock;
  mail: Pick<MailDispatch, 'dispatch'>;
  sms: Pick<SmsDispatch, 'dispatch'> | null;
  audit: Pick<Audit, 'record'>;
  settings: EnrolmentSettings;
}

export interface EnrolmentNotice {
  userId: string;
  username: string;
  why: 'too-few-methods' | 'reconfirm-due';
  /** Reminders this account had before this run. */
  remindedBefore: number;
  channels: ReminderChannel[];
  /** 'already-sent': reminded within `everyDays`, or `maxReminders` reached. */
  state: ReminderState;
}

export interface EnrolmentReport {
  at: string;
  dryRun: boolean;
  notices: EnrolmentNotice[];
}

export class EnrolmentReminders {
  constructor(private readonly deps: EnrolmentReminderDeps) {}

  async run(options: { dryRun: boolean }): Promise<EnrolmentReport> {
    const { store, clock, settings } = this.deps;
    const now = clock.now();
    const policy = await this.deps.policy();
    const reconfirmCutoff = policy.reconfirmDays > 0 ? now - policy.reconfirmDays * DAY_MS : null;
    // Administrators may need more types than others; the superset asks for the larger requirement.
    const required = Math.max(requiredMethods({ isAdmin: true }, policy), requiredMethods({ isAdmin: false }, policy));
    const ids = await store.enrolmentCandidates({ allowed: policy.methods, required, confirmedBefore: reconfirmCutoff });
    const counts = await store.enrolmentReminders(ids);
    const everyMs = settings.everyDays * DAY_MS;
    const notices: EnrolmentNotice[] = [];
    for (const id of ids) {
      const user = await this.deps.users.findById(id);
      if (!user) continue;
      const why = await this.reason(user, policy, reconfirmCutoff);
      if (why === null) continue;
      const channels = settings.channels.filter((channel) => (channel === 'email' ? user.email !== null : user.mobile !== null && this.deps.sms !== null));
      const notice: EnrolmentNotice = { userId: user.id, username: user.username, why, remindedBefore: counts.get(user.id)?.count ?? 0, channels, state: 'no-address' };
      notices.push(notice);
      if (channels.length === 0) continue;
      if (options.dryRun) {
        notice.state = (await store.enrolmentReminderDue(user.id, now, everyMs, settings.maxReminders)) ? 'due' : 'already-sent';
        continue;
      }
      if (!(await store.claimEnrolmentReminder(user.id, now, everyMs, settings.maxReminders))) {
        notice.state = 'already-sent';
        continue;
      }
      this.send(user, channels);
      notice.state = 'sent';
      await this.deps.audit.record({
        event: 'reminder.enrolment',
        outcome: 'success',
        userId: user.id,
        username: user.username,
        detail: { count: notice.remindedBefore + 1, channels: channels.join(',') },
      });
    }
    return { at: new Date(now).toISOString(), dryRun: options.dryRun, notices };
  }

  /** Why this account is reminded, by the reset flow's own rule; null when it is out of scope or ready. */
  private async reason(user: DirectoryUser, policy: SsprPolicy, reconfirmCutoff: number | null): Promise<EnrolmentNotice['why'] | null> {
    const [registrations, groups, plans] = await Promise.all([
      this.deps.registrations.listForUser(user.id),
      this.deps.groups.groupsOfUser(user.id),
      this.deps.licences.plansOf(user.id),
    ]);
    const eligibility = decideEligibility({ user, groups, plans, registrations, policy });
    if (!eligibility.eligible) {
      const code = eligibility.refusal.code;
      return code === 'methods-registered' || code === 'admin-policy' ? 'too-few-methods' : null;
    }
    const allowed = new Set(allowedTypes(user, policy));
    const counted = registrations.filter((r) => allowed.has(r.type));
    if (reconfirmCutoff !== null && counted.length > 0 && Math.min(...counted.map((r) => r.confirmedAt)) < reconfirmCutoff) return 'reconfirm-due';
    return null;
  }

  private send(user: DirectoryUser, channels: readonly ReminderChannel[]): void {
    const { settings } = this.deps;
    const params = { organisation: settings.organisation, name: user.displayName || user.username, username: user.username, url: settings.registerUrl };
    const tag = { purpose: 'enrolment-reminder', userId: user.id, username: user.username };
    if (channels.includes('email') && user.email) this.deps.mail.dispatch(enrolmentMail(settings.language, user.email, params), tag);
    if (channels.includes('sms') && user.mobile && this.deps.sms) this.deps.sms.dispatch({ to: user.mobile, text: enrolmentSms(settings.language, params) }, tag);
  }
}
