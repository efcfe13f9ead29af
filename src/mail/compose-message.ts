import MailComposer from 'nodemailer/lib/mail-composer';
import * as quotedPrintable from 'nodemailer/lib/qp';
import * as base64 from 'nodemailer/lib/base64';

export interface ComposedMessage {
  /** The bytes that go after SMTP DATA. */
  raw: Buffer;
  envelope: { from: string | false; to: string[] };
}

/** nodemailer's line length for encoded bodies (qp/index.js, base64/index.js). */
const LINE_LENGTH = 76;

/**
 * A plain-text message as the bytes nodemailer's composer streams for it (headers, body encoded as the composer
 * chooses, a final line break), built synchronously and in memory. The composer's own `build()` runs the body
 * through a chain of streams, which costs a millisecond of CPU for a notice of a few hundred bytes, and a streamed
 * message reaches the SMTP socket in one write per part. What is not one text part (none today) is built by the
 * composer. The unit test checks the result byte for byte against `build()`.
 */
export async function composeMessage(message: { from: string; to: string; subject: string; text: string }): Promise<ComposedMessage> {
  const node = new MailComposer(message).compile();
  const envelope = node.getEnvelope();
  const text = node.content;
  if (node.childNodes.length > 0 || typeof text !== 'string') return { raw: await node.build(), envelope };
  const head = node.buildHeaders();
  const encoding = node.getTransferEncoding();
  const body =
    encoding === 'quoted-printable' ? quotedPrintable.wrap(quotedPrintable.encode(text), LINE_LENGTH)
    : encoding === 'base64' ? base64.wrap(base64.encode(text), LINE_LENGTH)
    : text;
  const end = body === '' || body.endsWith('\n') ? '' : body.endsWith('\r') ? '\n' : '\r\n';
  return { raw: Buffer.from(`${head}\r\n\r\n${body}${end}`), envelope };
}
