/**
 * Binary encoding of the encrypted part of an envelope (account + passwords). Binary rather than JSON keeps a
 * 256-code-point password under the 1 KB message budget: no key names, no JSON escaping (a password of
 * quotes or backslashes would double in size), and a canonical lower-case UUID anchor shrinks to 16 bytes.
 *   byte 0      flags: 1 = new password present, 2 = old password present, 4 = anchor is a 16-byte UUID,
 *               8 = must change at next sign-in (a reset only; sent only to agents that announced 'must-change':
 *               an agent from before that flag refuses the envelope as malformed)
 *   then        username, anchor (16 bytes or string), [new password], [old password]
 *   string      uint16 big-endian byte length, then UTF-8 bytes
 * decodeSecret accepts exactly what encodeSecret produces (no unknown flags, no trailing bytes, valid UTF-8).
 */
export interface SecretPart {
  username: string;
  anchor: string;
  newPassword?: string;
  oldPassword?: string;
  mustChange?: true;
}

const HAS_NEW = 1;
const HAS_OLD = 2;
const UUID_ANCHOR = 4;
const MUST_CHANGE = 8;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeSecret(part: SecretPart): Buffer {
  const uuidAnchor = UUID.test(part.anchor);
  const flags =
    (part.newPassword === undefined ? 0 : HAS_NEW) |
    (part.oldPassword === undefined ? 0 : HAS_OLD) |
    (uuidAnchor ? UUID_ANCHOR : 0) |
    (part.mustChange === true ? MUST_CHANGE : 0);
  const chunks = [Buffer.of(flags), str(part.username)];
  chunks.push(uuidAnchor ? Buffer.from(part.anchor.replaceAll('-', ''), 'hex') : str(part.anchor));
  if (part.newPassword !== undefined) chunks.push(str(part.newPassword));
  if (part.oldPassword !== undefined) chunks.push(str(part.oldPassword));
  return Buffer.concat(chunks);
}

/** The decoded part, or null for any byte string encodeSecret would not have produced. */
export function decodeSecret(bytes: Buffer): SecretPart | null {
  const flags = bytes[0];
  if (flags === undefined || (flags & ~(HAS_NEW | HAS_OLD | UUID_ANCHOR | MUST_CHANGE)) !== 0) return null;
  const reader = { offset: 1 };
  const username = readStr(bytes, reader);
  let anchor: string | null;
  if (flags & UUID_ANCHOR) {
    const hex = bytes.subarray(reader.offset, reader.offset + 16).toString('hex');
    reader.offset += 16;
    anchor = hex.length === 32 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : null;
  } else {
    anchor = readStr(bytes, reader);
  }
  const newPassword = flags & HAS_NEW ? readStr(bytes, reader) : undefined;
  const oldPassword = flags & HAS_OLD ? readStr(bytes, reader) : undefined;
  if (username === null || anchor === null || newPassword === null || oldPassword === null) return null;
  if (reader.offset !== bytes.length) return null;
  const part: SecretPart = { username, anchor };
  if (newPassword !== undefined) part.newPassword = newPassword;
  if (oldPassword !== undefined) part.oldPassword = oldPassword;
  if (flags & MUST_CHANGE) part.mustChange = true;
  return part;
}

function str(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 0xffff) throw new RangeError('secret field longer than 65535 bytes');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function readStr(bytes: Buffer, reader: { offset: number }): string | null {
  if (reader.offset + 2 > bytes.length) return null;
  const length = bytes.readUInt16BE(reader.offset);
  const start = reader.offset + 2;
  if (start + length > bytes.length) return null;
  reader.offset = start + length;
  try {
    return utf8.decode(bytes.subarray(start, start + length));
  } catch {
    return null;
  }
}
