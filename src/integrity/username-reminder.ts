import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CountryCode } from 'libphonenumber-js';
import type { MailDispatch, SmsDispatch } from '../delivery/background-delivery.js';
import type { Audit } from '../audit/audit.js';
import type { Clock } from '../store/clock.js';
import type { Lang } from '../i18n/lang.js';
import type { AfterAnswer } from '../flows/reset/after-answer.js';
import { hmac } from '../crypto/tokens.js';
import { normalisePhoneNumber } from '../methods/phone/phone-number.js';
import { SsprError } from '../errors/sspr-error.js';
import { usernameReminderMail, usernameReminderSms } from './integrity-mail.js';

type Contact = { kind: 'email'; value: string } | { kind: 'sms'; value: string };

export interface UsernameReminderDeps {
  contacts: {
    /** User names of enabled accounts whose own or a registered e-mail address is this one (an indexed look-up). */
    usernamesByEmail(address: string): Promise<string[]>;
    /** Enabled accounts' mobile and registered SMS numbers, page by page. */
    phonesOfEnabled(): AsyncIterable<Array<{ username: string; phones: string[] }>>;
  };
  /** Fixed-window counters in the store (shared by every node). */
  counters: { hit(key: string, windowStart: number): Promise<number> };
  mail: Pick<MailDispatch, 'dispatch'>;
  sms: Pick<SmsDispatch, 'dispatch'> | null;
  afterAnswer: Pick<AfterAnswer, 'run'>;
  audit: Pick<Audit, 'record'>;
  clock: Clock;
  /** Key of the per-address counter's name (the store never sees the address). */
  key: Buffer;
  organisation: string;
  defaultCountry: CountryCode;
}

/** At most this many answers per address per window (a mail bomb through this form is bounded). */
export const REMINDERS_PER_ADDRESS = 2;
export const REMINDER_WINDOW_MS = 10 * 60_000;
const MAX_INPUT = 256;

/**
 * "I forgot my user name": the user names registered at an e-mail address or mobile number go to that address
 * only. The answer is the same whether or not anything matched, and costs the same: the lookup, the per-address
 * limit and the sending all run after the answer has left (OWASP Forgot Password: no enumeration). The per-IP
 * budget and the captcha sit in front of it, as for a reset's start.
 */
export class UsernameReminder {
  constructor(private readonly deps: UsernameReminderDeps) {}

  /** Accepts the request; only a malformed input (empty, too long, control characters) is an error. */
  request(input: string, request: { lang: Lang; ip: string }): void {
    const typed = typeof input === 'string' ? input.normalize('NFC').trim() : '';
    if (typed.length === 0 || typed.length > MAX_INPUT || /\p{Cc}/u.test(typed)) throw new SsprError('invalid-request', { params: { problem: 'fieldInvalid', field: 'address' } });
    this.deps.afterAnswer.run(() => this.answer(typed, request));
  }

  private async answer(typed: string, request: { lang: Lang; ip: string }): Promise<void> {
    const record = (detail: { reason?: 'no-match' | 'address-limited' | 'invalid'; matches?: number; channel: 'email' | 'sms' | 'none' }) =>
      this.deps.audit.record({ event: 'username-reminder', outcome: detail.reason ? 'failure' : 'success', ip: request.ip || null, detail });
    const contact = this.contactOf(typed);
    if (!contact || (contact.kind === 'sms' && !this.deps.sms)) return record({ reason: 'invalid', channel: 'none' });
    const now = this.deps.clock.now();
    const windowStart = now - (now % REMINDER_WINDOW_MS);
    const hits = await this.deps.counters.hit(`username-reminder:${hmac(this.deps.key, contact.kind, contact.value)}`, windowStart);
    if (hits > REMINDERS_PER_ADDRESS) return record({ reason: 'address-limited', channel: contact.kind });
    const usernames = await this.usernamesAt(contact);
    if (usernames.length === 0) return record({ reason: 'no-match', channel: contact.kind });
    const p = { organisation: this.deps.organisation, usernames };
    const tag = { purpose: 'username-reminder', userId: '', username: '' };
    if (contact.kind === 'email') this.deps.mail.dispatch(usernameReminderMail(request.lang, contact.value, p), tag);
    else this.deps.sms?.dispatch(usernameReminderSms(request.lang, contact.value, p), tag);
    return record({ matches: usernames.length, channel: contact.kind });
  }

  private contactOf(typed: string): Contact | null {
    if (typed.includes('@')) return /^[^\s@]+@[^\s@]+$/.test(typed) ? { kind: 'email', value: typed.toLowerCase() } : null;
    const phone = normalisePhoneNumber(typed, this.deps.defaultCountry);
    return phone.ok ? { kind: 'sms', value: phone.e164 } : null;
  }

  /** Enabled accounts whose directory address or a registered contact method is `contact`. */
  private async usernamesAt(contact: Contact): Promise<string[]> {
    if (contact.kind === 'email') return this.deps.contacts.usernamesByEmail(contact.value);
    // A stored number only compares after normalising it with the default country: every account is read, a
    // page at a time, and the event loop gets a turn between pages.
    const matches = (value: string): boolean => {
      const phone = normalisePhoneNumber(value, this.deps.defaultCountry);
      return phone.ok && phone.e164 === contact.value;
    };
    const found: string[] = [];
    for await (const page of this.deps.contacts.phonesOfEnabled()) {
      for (const { username, phones } of page) if (phones.some(matches)) found.push(username);
      await nextTurn();
    }
    return found;
  }
}
