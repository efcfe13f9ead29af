import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Lang } from '../i18n/lang.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';

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
 * The message as the bytes that go after SMTP DATA, with its envelope. Built in memory before the transport sees
 * it: a message streamed by the transport reaches the socket in one write per MIME part and header block, and a
 * message of a few hundred bytes is cheaper to hand over in one write (the transport sends `raw` as given).
 */
async function composed(from: string, message: Omit<MailMessage, 'lang'>): Promise<{ raw: Buffer; envelope: { from: string | false; to: string[] } }> {
  const node = new MailComposer({ from, ...message }).compile();
  return { raw: await node.build(), envelope: node.getEnvelope() };
}

/** SMTP delivery with a small connection pool (nodemailer). */
export function smtpMailer(url: string, from: string): Mailer {
  // nodemailer's SMTP pool parses `url` itself (smtp-pool/index.js); the typings omit that option.
  const options = { url, pool: true, maxConnections: 20, maxMessages: 1000 } as SMTPPool.Options;
  const transport = nodemailer.createTransport(options, { from });
  return {
    async send(message) {
      const { lang: _lang, ...mail } = message;
      await transport.sendMail(await composed(from, mail));
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
