import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { SMTPServer } from 'smtp-server';
import { smtpMailer } from '../../../src/mail/mailer.js';
import { composeMessage } from '../../../src/mail/compose-message.js';

interface Received {
  from: string | false;
  to: string[];
  data: Buffer;
}

const from = '"Example Org — Passwörter" <no-reply@example.org>';
const samples = [
  { to: 'a@example.org', subject: 'plain ASCII', text: 'one line\n.\n.. a line that starts with a dot\n' },
  { to: 'ana.müller@example.org', subject: 'Passwort geändert', text: 'Ihr Passwort wurde geändert.\n' },
  { to: '"Zoë" <z@example.org>', subject: '日本語の件名', text: '本文 '.repeat(80) },
];

describe('smtpMailer: the composed bytes straight to the pool', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let url = '';
  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom === false ? false : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers what nodemailer sendMail({ raw, envelope }) delivers: the same envelope and bytes', async () => {
    const mailer = smtpMailer(url, from);
    const reference = nodemailer.createTransport({ url } as SMTPTransport.Options);
    try {
      for (const sample of samples) {
        const composed = await composeMessage({ from, ...sample });
        received.length = 0;
        await reference.sendMail({ raw: composed.raw, envelope: composed.envelope });
        const [expected] = received.splice(0);
        // The mailer composes anew (its own Date and Message-ID): compare with the bytes of its own composition.
        await mailer.send(sample);
        const [got] = received.splice(0);
        assert.ok(expected && got);
        assert.deepEqual({ from: got.from, to: got.to }, { from: expected.from, to: expected.to });
        const id = /^Message-ID: (.*)\r\n/m.exec(got.data.toString('latin1'))?.[1] ?? '';
        const date = /^Date: (.*)\r\n/m.exec(got.data.toString('latin1'))?.[1] ?? '';
        const same = (raw: Buffer) => raw.toString('latin1').replace(/^Message-ID: .*\r\n/m, `Message-ID: ${id}\r\n`).replace(/^Date: .*\r\n/m, `Date: ${date}\r\n`);
        assert.equal(got.data.toString('latin1'), same(expected.data), sample.subject);
        // SMTP DATA carries lines ending in CRLF (RFC 5321 §2.3.8): the transport writes a bare LF as CRLF.
        assert.equal(got.data.toString('latin1'), same(composed.raw).replace(/\r?\n/g, '\r\n'), 'the composed bytes, lines in CRLF');
      }
    } finally {
      await mailer.close();
      reference.close();
    }
  });

  it('a refused recipient is a rejected send', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const mailer = smtpMailer(`smtp://127.0.0.1:${(refusing.server.address() as AddressInfo).port}`, from);
    try {
      await assert.rejects(mailer.send({ to: 'a@example.org', subject: 's', text: 't' }), /mailbox unavailable/);
    } finally {
      await mailer.close();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });
});
