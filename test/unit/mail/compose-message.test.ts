import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import MailComposer from 'nodemailer/lib/mail-composer';
import { composeMessage, composePlainText } from '../../../src/mail/compose-message.js';
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

describe('composePlainText: the fast path for a text to one bare address', () => {
  const plain = [
    ...samples.filter((sample) => /^[a-z.]+@[a-z.]+$/.test(sample.to) && sample.text !== ''),
    // The notices of every language (non-ASCII subjects, quoted-printable bodies), to an ASCII address.
    ...notices.map(({ subject, text }) => ({ to: 'ana.mueller@example.org', subject, text })),
    { to: 'z@example.org', subject: '日本語の件名 that is long enough to need folding across more than one header line', text: '本文 '.repeat(80) },
  ];

  it('takes every plain sample (non-ASCII subjects and bodies included), twice in a row with its kept lines', async () => {
    assert.ok(plain.length >= 15);
    assert.ok(plain.some((sample) => /[^ -~]/.test(sample.subject)) && plain.some((sample) => /[\u0080-\uffff]/.test(sample.text)));
    for (const sample of [...plain, ...plain]) {
      const composed = composePlainText({ from, ...sample });
      assert.ok(composed, sample.subject);
      const streamed = await new MailComposer({ from, ...sample }).compile().build();
      assert.equal(comparable(composed.raw), comparable(streamed), sample.subject);
      assert.deepEqual(composed.envelope, new MailComposer({ from, ...sample }).compile().getEnvelope());
    }
  });

  it('leaves to the composer what it does not write: a display name, a non-ASCII address, an empty text', () => {
    assert.equal(composePlainText({ from, to: '"Zoë" <z@example.org>', subject: 's', text: 't' }), null);
    assert.equal(composePlainText({ from, to: 'ana.müller@example.org', subject: 's', text: 't' }), null);
    assert.equal(composePlainText({ from, to: 'a@example.org', subject: 's', text: '' }), null);
  });

  it('gives every message its own Message-ID in nodemailer’s shape, on the sender’s domain', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const raw = composePlainText({ from, to: 'a@example.org', subject: 's', text: 't' })?.raw.toString('latin1') ?? '';
      const id = /^Message-ID: (<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@example\.org>)\r\n/m.exec(raw)?.[1];
      assert.ok(id, raw);
      ids.add(id);
    }
    assert.equal(ids.size, 50);
  });
});
