import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/** A real SMTP server on a loopback port that keeps every message it accepts, and refuses the recipients it is told to. */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** Recipients answered `550 mailbox unavailable` (a bounce at the mail server). */
  readonly refused = new Set<string>();
  private waiters: Array<() => void> = [];
  private server!: SMTPServer;
  port = 0;

  static async start(port = 0): Promise<SmtpSink> {
    const sink = new SmtpSink();
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (!sink.refused.has(address.address.toLowerCase())) return callback();
        callback(Object.assign(new Error(`mailbox unavailable: ${address.address}`), { responseCode: 550 }));
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            const to = session.envelope.rcptTo.map((r) => r.address).join(',');
            sink.messages.push({ to, subject: mail.subject ?? '', text: mail.text ?? '' });
            for (const wake of sink.waiters.splice(0)) wake();
            callback();
          })
          .catch(callback);
      },
    });
    // A client that drops its connection inside a mail transaction (a server process killed mid-send) is an
    // 'error' event of the SMTP server: without a listener it would end the test process.
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    sink.server = server;
    sink.port = (server.server.address() as AddressInfo).port;
    return sink;
  }

  /** From now on, answer mail to `address` with 550. */
  refuse(address: string): void {
    this.refused.add(address.toLowerCase());
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The first message (received already or within `timeoutMs`) that matches. */
  async waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs = 5000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching mail within ${timeoutMs} ms (have ${this.messages.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** The newest code (a run of 6–10 digits) mailed to `to`, waiting for one newer than `after` messages. */
  async codeFor(to: string, after = 0): Promise<string> {
    const mail = await this.waitFor((m) => m.to === to && /code/i.test(m.subject) && this.messages.indexOf(m) >= after);
    const code = /\b(\d{6,10})\b/.exec(mail.text)?.[1];
    if (!code) throw new Error(`no code in mail: ${mail.text}`);
    return code;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
