import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import MailComposer from 'nodemailer/lib/mail-composer';
import { composeMessage } from '../../../src/mail/compose-message.js';
import { noticeMail } from '../../../src/integrity/integrity-mail.js';
import { languages } from '../../../src/i18n/lang.js';

/** Date and Message-ID differ between two builds: compare everything else. */
const comparable = (raw: Buffer) => raw.toString('latin1').replace(/^Date: .*\r\n/m, '').replace(/^Message-ID: .*\r\n/m, '');

const from = '"Example Org — Passwörter" <no-reply@example.org>';
const notices = languages.map((lang) => noticeMail(lang, 'ana.müller@example.org', {
  organisation: 'Example Org', notice: 'change', at: new Date(Date.UTC(2026, 11, 6, 22, 0)), ip: '192.0.2.7', link: 'https://sspr.example.org/not-me?t=abc', days: 7,
}));
const samples = [
  ...notices.map(({ to, subject, text }) => ({ to, subject, text })),
  { to: 'a@example.org', subject: 'plain ASCII', text: 'one line' },
  { to: 'a@example.org', subject: 'ends with a line break', text: 'first\nsecond\n' },
  { to: 'a@example.org', subject: 'CRLF and trailing blanks', text: 'first  \r\nsecond\t\r\n\r\nthird ' },
  { to: 'a@example.org', subject: 'a long line', text: 'word '.repeat(60) + '\n' + 'x'.repeat(300) },
  { to: '"Zoë" <z@example.org>', subject: '日本語の件名 that is long enough to need folding across more than one header line', text: '本文 '.repeat(80) },
  { to: 'a@example.org', subject: 'control characters', text: 'bell \u0007 and nul-free text\n' },
  { to: 'a@example.org', subject: 'empty', text: '' },
];

describe('composeMessage: the bytes nodemailer streams, built in memory', () => {
  for (const sample of samples) {
    it(sample.subject.slice(0, 40), async () => {
      const streamed = await new MailComposer({ from, ...sample }).compile().build();
      const composed = await composeMessage({ from, ...sample });
      assert.equal(comparable(composed.raw), comparable(streamed));
      assert.deepEqual(composed.envelope, new MailComposer({ from, ...sample }).compile().getEnvelope());
      assert.match(composed.raw.toString('latin1'), /^Message-ID: <[^>]+>\r\n/m);
      assert.match(composed.raw.toString('latin1'), /^Date: .+\r\n/m);
    });
  }
});
