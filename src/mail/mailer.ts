import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type { Lang } from '../i18n/lang.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { composeMessage, type ComposedMessage } from './compose-message.js';

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
 * What nodemailer's transports read of a message (its transport contract, `send(mail, callback)`): the envelope,
 * the Message-ID (for its log and the answer) and a stream of the bytes from `mail.message`; per-message options
 * (DSN, REQUIRETLS, an abort signal) from `mail.data`, none of which is used here.
 */
interface TransportMail {
  data: Record<string, never>;
  message: {
    getEnvelope(): ComposedMessage['envelope'];
    messageId(): string;
    getHeader(name: string): string | undefined;
    createReadStream(): Readable;
  };
}

/** A composed message as a transport reads it: the very bytes of `raw`, with its envelope. */
function transportMail(composed: ComposedMessage): TransportMail {
  return {
    data: {},
    message: {
      getEnvelope: () => ({ from: composed.envelope.from, to: [...composed.envelope.to] }),
      messageId: () => composed.messageId,
      getHeader: (name) => (name.toLowerCase() === 'message-id' ? composed.messageId : undefined),
      createReadStream: () => Readable.from([composed.raw], { objectMode: false }),
    },
  };
}

type TransportSend = (mail: TransportMail, callback: (error: Error | null | undefined) => void) => void;

/**
 * The transport's `send(mail, callback)`, bound to it, when it has one (checked at run time: the typings do not
 * declare it); null otherwise, and messages go through `sendMail` (the same bytes, at its per-message cost).
 */
function transportSendOf(transporter: unknown): TransportSend | null {
  if (typeof transporter !== 'object' || transporter === null || !('send' in transporter)) return null;
  const send: unknown = transporter.send;
  if (typeof send !== 'function') return null;
  return (mail, callback) => void Reflect.apply(send, transporter, [mail, callback]);
}

/**
 * SMTP delivery with a small connection pool (nodemailer). Each message is composed in memory first
 * (compose-message.ts) and handed straight to the pool's transport with its envelope: the same bytes that
 * `sendMail({ raw, envelope })` sends, without its per-message plugin pass and MIME compile of the raw bytes
 * (a third of a millisecond of CPU per message; test/unit/mail/mailer.test.ts compares the bytes received).
 */
export function smtpMailer(url: string, from: string): Mailer {
  // nodemailer's SMTP pool parses `url` itself (smtp-pool/index.js); the typings omit that option.
  const options = { url, pool: true, maxConnections: 20, maxMessages: 1000 } as SMTPPool.Options;
  const transport = nodemailer.createTransport(options, { from });
  const poolSend = transportSendOf(transport.transporter);
  return {
    async send(message) {
      const { lang: _lang, ...mail } = message;
      const composed = await composeMessage({ from, ...mail });
      if (!poolSend) {
        await transport.sendMail(composed);
        return;
      }
      await new Promise<void>((resolve, reject) => poolSend(transportMail(composed), (error) => (error ? reject(error) : resolve())));
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
