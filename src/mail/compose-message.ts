import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { hasLongerLines, isPlainText } from 'nodemailer/lib/mime-funcs';
import * as quotedPrintable from 'nodemailer/lib/qp';
import * as base64 from 'nodemailer/lib/base64';

export interface ComposedMessage {
  /** The bytes that go after SMTP DATA. */
  raw: Buffer;
  envelope: { from: string | false; to: string[] };
  /** The Message-ID header's value written in `raw` (`<…@domain>`). */
  messageId: string;
}

interface PlainMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** nodemailer's line length for encoded bodies (qp/index.js, base64/index.js) and for folded headers. */
const LINE_LENGTH = 76;

/**
 * A plain-text message as the bytes nodemailer's composer streams for it (headers, body encoded as the composer
 * chooses, a final line break), built synchronously and in memory. The composer's own `build()` runs the body
 * through a chain of streams, which costs a millisecond of CPU for a notice of a few hundred bytes, and a streamed
 * message reaches the SMTP socket in one write per part. What is not one text part (none today) is built by the
 * composer. The unit test checks the result byte for byte against `build()`.
 */
export async function composeMessage(message: PlainMessage): Promise<ComposedMessage> {
  const composed = composePlainText(message);
  if (composed !== null) return composed;
  const node = new MailComposer(message).compile();
  const envelope = node.getEnvelope();
  const messageId = node.messageId();
  const text = node.content;
  if (node.childNodes.length > 0 || typeof text !== 'string') return { raw: await node.build(), envelope, messageId };
  return { raw: withBody(node.buildHeaders(), text, node.getTransferEncoding()), envelope, messageId };
}

/** A recipient written as nodemailer writes it: a bare ASCII address that needs no encoding and no folding. */
const BARE_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,60}$/;

/** The header lines that depend only on the sender and the subject, as nodemailer writes them. */
interface FixedPart {
  from: string;
  subject: string;
  envelopeFrom: string | false;
  /** Message-ID's domain: the sender's (mime-node: `_generateMessageId`). */
  domain: string;
}

/** Senders and subjects are few (one sender, a subject per purpose and language): their lines are kept. */
const fixedParts = new Map<string, FixedPart>();
const FIXED_PARTS_KEPT = 256;

/**
 * The fast path of {@link composeMessage}: a non-empty text to one bare address. Each sender and subject is
 * written once by nodemailer's composer and its lines kept; a message then costs its Date, a Message-ID (UUID-shaped
 * like nodemailer's) and its body — a tenth of a compile, which parses every address and re-encodes every header.
 * Null when the message is not such a one (nodemailer composes it). Same bytes as nodemailer's, header order
 * included (test/unit/mail/compose-message.test.ts).
 */
export function composePlainText(message: PlainMessage): ComposedMessage | null {
  if (message.text === '' || !BARE_ADDRESS.test(message.to)) return null;
  const fixed = fixedPartOf(message.from, message.subject);
  if (fixed === null) return null;
  const encoding = transferEncodingOf(message.text);
  const messageId = `<${randomUUID()}@${fixed.domain}>`;
  const head = [
    fixed.from,
    `To: ${message.to}`,
    fixed.subject,
    `Message-ID: ${messageId}`,
    `Content-Transfer-Encoding: ${encoding}`,
    `Date: ${new Date().toUTCString().replace(/GMT/, '+0000')}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ].join('\r\n');
  return { raw: withBody(head, message.text, encoding), envelope: { from: fixed.envelopeFrom, to: [message.to] }, messageId };
}

function fixedPartOf(from: string, subject: string): FixedPart | null {
  const key = `${from}\n${subject}`;
  const kept = fixedParts.get(key);
  if (kept !== undefined) return kept;
  const node = new MailComposer({ from, to: 'a@example.org', subject, text: 'a' }).compile();
  const lines = node.buildHeaders().split(/\r\n(?![ \t])/);
  const fromLine = lines.find((line) => line.startsWith('From: '));
  const subjectLine = lines.find((line) => line.startsWith('Subject: '));
  const domain = /@([^>]*)>$/.exec(lines.find((line) => line.startsWith('Message-ID: ')) ?? '')?.[1];
  // Only the shape written above: anything else (no subject, a header of another order) goes to the composer.
  const shape = lines.map((line) => line.slice(0, line.indexOf(':'))).join(',');
  if (fromLine === undefined || subjectLine === undefined || domain === undefined || shape !== 'From,To,Subject,Message-ID,Content-Transfer-Encoding,Date,MIME-Version,Content-Type') return null;
  const fixed = { from: fromLine, subject: subjectLine, envelopeFrom: node.getEnvelope().from, domain };
  if (fixedParts.size >= FIXED_PARTS_KEPT) fixedParts.clear();
  fixedParts.set(key, fixed);
  return fixed;
}

/** nodemailer's choice for a text part (mime-node: `getTransferEncoding`, `_getTextEncoding`). */
function transferEncodingOf(text: string): string {
  if (isPlainText(text) && !hasLongerLines(text, LINE_LENGTH)) return '7bit';
  // More Latin letters than bytes outside ASCII or control characters: quoted-printable, else base64.
  let latin = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x08 || code === 0x0b || code === 0x0c || (code >= 0x0e && code <= 0x1f) || code >= 0x80) other++;
    else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) latin++;
  }
  return other < latin ? 'quoted-printable' : 'base64';
}

function withBody(head: string, text: string, encoding: string | false): Buffer {
  const body =
    encoding === 'quoted-printable' ? quotedPrintable.wrap(quotedPrintable.encode(text), LINE_LENGTH)
    : encoding === 'base64' ? base64.wrap(base64.encode(text), LINE_LENGTH)
    : text;
  const end = body === '' || body.endsWith('\n') ? '' : body.endsWith('\r') ? '\n' : '\r\n';
  return Buffer.from(`${head}\r\n\r\n${body}${end}`);
}
