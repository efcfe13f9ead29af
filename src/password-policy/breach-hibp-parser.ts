/**
 * Streaming parser for Have I Been Pwned "Pwned Passwords" SHA-1 files: one `SHA1HEX:count`
 * per line, hex in upper or lower case, LF or CRLF line ends. Works on raw bytes (no string
 * per line). Each valid line yields the first 80 bits of the hash as two 40-bit numbers.
 *
 * - Empty lines are ignored.
 * - Lines with count 0 (HIBP's range-API padding entries, if someone saved those) are skipped.
 * - Anything else that is not exactly 40 hex digits, ':', decimal digits is malformed: it is
 *   counted and its line number remembered (the first few) for the error report.
 */

/** Receives the 80-bit prefix of each hash: `high` = bytes 0..4, `low` = bytes 5..9. */
export type RecordSink = (high: number, low: number) => void;

const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[0x41 + i] = 10 + i;
  HEX_VALUE[0x61 + i] = 10 + i;
}
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const COLON = 0x3a;
const HASH_HEX_DIGITS = 40;
const MAX_REMEMBERED_MALFORMED = 5;
/** Longest line we carry across chunk boundaries; longer ones are malformed anyway. */
const MAX_LINE_BYTES = 256;

export class HibpLineParser {
  lines = 0;
  records = 0;
  malformed = 0;
  zeroCount = 0;
  readonly malformedLineNumbers: number[] = [];
  private carry: Buffer = Buffer.alloc(0);
  private carryTooLong = false;

  /** Parses a chunk; an incomplete last line is kept for the next chunk. */
  feed(chunk: Buffer, sink: RecordSink): void {
    let start = 0;
    if (this.carry.length > 0 || this.carryTooLong) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        this.extendCarry(chunk);
        return;
      }
      this.extendCarry(chunk.subarray(0, newline));
      this.finishCarry(sink);
      start = newline + 1;
    }
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.parseLine(chunk, start, newline, sink);
      start = newline + 1;
    }
    if (start < chunk.length) this.extendCarry(chunk.subarray(start));
  }

  /** Parses a final line without a line end. */
  end(sink: RecordSink): void {
    if (this.carry.length > 0 || this.carryTooLong) this.finishCarry(sink);
  }

  private extendCarry(bytes: Buffer): void {
    if (this.carryTooLong || this.carry.length + bytes.length > MAX_LINE_BYTES) {
      this.carryTooLong = true;
      this.carry = Buffer.alloc(0);
    } else {
      this.carry = Buffer.concat([this.carry, bytes]);
    }
  }

  private finishCarry(sink: RecordSink): void {
    if (this.carryTooLong) {
      this.lines++;
      this.markMalformed();
    } else {
      this.parseLine(this.carry, 0, this.carry.length, sink);
    }
    this.carry = Buffer.alloc(0);
    this.carryTooLong = false;
  }

  private markMalformed(): void {
    this.malformed++;
    if (this.malformedLineNumbers.length < MAX_REMEMBERED_MALFORMED) this.malformedLineNumbers.push(this.lines);
  }

  /** Parses bytes [start, end) (without the LF). */
  private parseLine(bytes: Buffer, start: number, end: number, sink: RecordSink): void {
    this.lines++;
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (end === start) return;
    if (end - start < HASH_HEX_DIGITS + 2 || bytes[start + HASH_HEX_DIGITS] !== COLON) {
      this.markMalformed();
      return;
    }
    let high = 0;
    let low = 0;
    for (let i = 0; i < HASH_HEX_DIGITS; i++) {
      const value = HEX_VALUE[bytes[start + i] ?? 0] ?? -1;
      if (value < 0) {
        this.markMalformed();
        return;
      }
      if (i < 10) high = high * 16 + value;
      else if (i < 20) low = low * 16 + value;
    }
    let countIsZero = true;
    for (let i = start + HASH_HEX_DIGITS + 1; i < end; i++) {
      const byte = bytes[i] ?? 0;
      if (byte < 0x30 || byte > 0x39) {
        this.markMalformed();
        return;
      }
      if (byte !== 0x30) countIsZero = false;
    }
    if (countIsZero) {
      this.zeroCount++;
      return;
    }
    this.records++;
    sink(high, low);
  }
}
