import type { DirectoryUser } from '../directory/directory.js';
import type { MailDispatch, SmsDispatch } from '../delivery/background-delivery.js';
import type { Audit } from '../audit/audit.js';
import type { NoticeName } from '../audit/audit-events.js';
import type { Clock } from '../store/clock.js';
import type { WriteBatch } from '../store/write-batch.js';
import type { Lang } from '../i18n/lang.js';
import type { NotMeLinks } from './not-me-links.js';
import { noticeRecipients } from './notice-recipients.js';
import { noticeMail, noticeSms } from './integrity-mail.js';

export interface AccountNoticesDeps {
  registrations: { listForUser(userId: string): Promise<ReadonlyArray<{ type: string; data: unknown }>> };
  links: Pick<NotMeLinks, 'issue' | 'ttlDays'>;
  mail: Pick<MailDispatch, 'dispatch'>;
  sms: Pick<SmsDispatch, 'dispatch'> | null;
  audit: Pick<Audit, 'record'>;
  clock: Clock;
  /** Whether notices go out at all (policy `notifyUserOnReset`). */
  enabled: () => Promise<boolean>;
  organisation: string;
  /** The service's public address, where the link's page is (`https://sspr.example.org`). */
  baseUrl: string;
}

/** The path of the "this wasn't me" page; the token is in the query. */
export const NOT_ME_PATH = '/not-me';

/**
 * Tells the owner of an account that it changed (reset, change, unlock, a method added or removed), on every
 * channel the recipient rule picks, each notice with one single-use "this wasn't me" link. Never holds a secret.
 */
export class AccountNotices {
  constructor(private readonly deps: AccountNoticesDeps) {}

  /**
   * With `batch`, the link, the queued messages and the audit event are writes of that batch: this resolves once
   * they are added, and the messages leave once the batch committed.
   */
  async send(user: DirectoryUser, notice: NoticeName, request: { lang: Lang; ip: string }, also: { email?: string | null; phone?: string | null } = {}, batch?: WriteBatch): Promise<void> {
    if (!(await this.deps.enabled())) return;
    const registrations = await this.deps.registrations.listForUser(user.id);
    const to = noticeRecipients({ email: user.email, mobile: user.mobile, registrations }, also);
    const phones = this.deps.sms ? to.phones : [];
    if (to.emails.length === 0 && phones.length === 0) return;
    const token = await this.deps.links.issue(user.id, notice, batch);
    const link = `${this.deps.baseUrl.replace(/\/+$/, '')}${NOT_ME_PATH}?t=${token}`;
    const params = { organisation: this.deps.organisation, notice, at: new Date(this.deps.clock.now()), ip: request.ip, link, days: this.deps.links.ttlDays };
    const tag = { purpose: `notice-${notice}`, userId: user.id, username: user.username };
    for (const email of to.emails) this.deps.mail.dispatch(noticeMail(request.lang, email, params), tag, batch);
    for (const phone of phones) this.deps.sms?.dispatch(noticeSms(request.lang, phone, params), tag, batch);
    const recorded = this.deps.audit.record({
      event: 'not-me-link-sent', outcome: 'info', userId: user.id, username: user.username, ip: request.ip || null,
      detail: { notice, channels: to.emails.length + phones.length },
    }, batch);
    if (!batch) await recorded;
  }
}
