import type { Logger } from 'pino';
import type { Mailer, MailMessage } from './mailer.js';
import type { Audit } from '../audit/audit.js';

export interface DispatchTag {
  purpose: string;
  userId: string;
  username: string;
}

/**
 * Sends mail without making the caller wait: a reset step answers in the same time whether or not a
 * message goes out (no enumeration by timing), and a slow mail server does not slow the portal.
 * Failed deliveries are logged (without the body) and audited, so the doctor can see them.
 */
export class MailDispatch {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly mailer: Mailer,
    private readonly audit: Audit,
    private readonly log: Logger,
  ) {}

  dispatch(message: MailMessage, tag: DispatchTag): void {
    const delivery = this.mailer.send(message).then(
      () => this.audit.record({ event: 'mail-delivered', outcome: 'success', userId: tag.userId, username: tag.username, detail: { purpose: tag.purpose } }),
      async (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.log.warn({ purpose: tag.purpose, username: tag.username, reason }, 'mail delivery failed');
        await this.audit.record({
          event: 'mail-delivery-failed',
          outcome: 'failure',
          userId: tag.userId,
          username: tag.username,
          detail: { purpose: tag.purpose, reason: reason.slice(0, 200) },
        });
      },
    );
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  /** Resolves when every message handed over so far has been delivered or has failed. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
