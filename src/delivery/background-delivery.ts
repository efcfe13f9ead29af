import type { Logger } from 'pino';
import type { Mailer, MailMessage } from '../mail/mailer.js';
import type { SmsGateway, SmsMessage } from '../sms/sms-gateway.js';
import type { Audit } from '../audit/audit.js';

/** The audit events of each channel (audit-events.ts); the doctor reads them for `method-data-valid`. */
const deliveryEvents = {
  mail: { delivered: 'email-delivered', failed: 'email-delivery-failed' },
  sms: { delivered: 'sms-delivered', failed: 'sms-delivery-failed' },
} as const;

export interface DispatchTag {
  purpose: string;
  userId: string;
  username: string;
}

/**
 * Sends without making the caller wait: a reset step answers in the same time whether or not a message
 * goes out (no enumeration by timing), and a slow mail server or SMS gateway does not slow the portal.
 * Failed deliveries are logged (without the body) and audited, so the doctor can see them.
 */
export class BackgroundDelivery {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly audit: Audit,
    private readonly log: Logger,
  ) {}

  run(channel: 'mail' | 'sms', tag: DispatchTag, send: () => Promise<unknown>): void {
    const base = { userId: tag.userId, username: tag.username };
    const delivery = send().then(
      () => this.audit.record({ ...base, event: deliveryEvents[channel].delivered, outcome: 'success', detail: { purpose: tag.purpose } }),
      async (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.log.warn({ channel, purpose: tag.purpose, username: tag.username, reason }, 'delivery failed');
        await this.audit.record({ ...base, event: deliveryEvents[channel].failed, outcome: 'failure', detail: { purpose: tag.purpose, reason: reason.slice(0, 200) } });
      },
    );
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  /** Resolves when everything handed over so far has been delivered or has failed. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/** Mail through the background delivery. */
export class MailDispatch {
  constructor(
    private readonly mailer: Mailer,
    private readonly delivery: BackgroundDelivery,
  ) {}

  dispatch(message: MailMessage, tag: DispatchTag): void {
    this.delivery.run('mail', tag, () => this.mailer.send(message));
  }

  drain(): Promise<void> {
    return this.delivery.drain();
  }
}

/** SMS through the background delivery. */
export class SmsDispatch {
  constructor(
    private readonly gateway: SmsGateway,
    private readonly delivery: BackgroundDelivery,
  ) {}

  dispatch(message: SmsMessage, tag: DispatchTag): void {
    this.delivery.run('sms', tag, () => this.gateway.send(message));
  }
}
