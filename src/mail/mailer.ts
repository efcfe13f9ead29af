import nodemailer from 'nodemailer';
import type { Lang } from '../i18n/lang.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { composeMessage } from './compose-message.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The language the text is in (the help-desk footer follows it); not a header. */
  lang?: Lang;
}

/** Delivers one message or throws. Implementations never log message bodies (they may carry codes). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
  /** Connects and says hello without sending (SMTP: EHLO and, when configured, AUTH); throws when that fails. */
  verify?(): Promise<void>;
}

/**
 * SMTP delivery with a small connection pool (nodemailer). Each message is composed in memory first and handed
 * to the pool as `raw` bytes with its envelope (compose-message.ts): the same bytes, in one socket write.
 */
export function smtpMailer(url: string, from: string): Mailer {
  // nodemailer's SMTP pool parses `url` itself (smtp-pool/index.js); the typings omit that option.
  const options = { url, pool: true, maxConnections: 20, maxMessages: 1000 } as SMTPPool.Options;
  const transport = nodemailer.createTransport(options, { from });
  return {
    async send(message) {
      const { lang: _lang, ...mail } = message;
      await transport.sendMail(await composeMessage({ from, ...mail }));
    },
    async close() {
      transport.close();
    },
    async verify() {
      await transport.verify();
    },
  };
}

/** Used when no SMTP server is configured: every delivery fails with a clear reason. */
export const noMailer: Mailer = {
  async send() {
    throw new Error('no SMTP server is configured (smtp.url / SSPR_SMTP_URL)');
  },
  async close() {},
};

export interface OutboxEntry extends MailMessage {
  at: number;
}

/**
 * Demo mode only: keeps the last messages in memory (never on disk) so the outbox page can show them,
 * and forwards to the real mailer when one is configured.
 */
export class DemoOutbox implements Mailer {
  private readonly entries: OutboxEntry[] = [];

  constructor(private readonly next: Mailer | null, private readonly capacity = 50) {}

  async send(message: MailMessage): Promise<void> {
    this.entries.unshift({ ...message, at: Date.now() });
    this.entries.length = Math.min(this.entries.length, this.capacity);
    if (this.next) await this.next.send(message);
  }

  list(): readonly OutboxEntry[] {
    return this.entries;
  }

  async close(): Promise<void> {
    await this.next?.close();
  }
}
