/**
 * Offline breached-password check against a corpus file made by importBreachCorpus
 * (format: breach-format.ts). The file stays on disk: open() reads the 256 KiB fan-out
 * table, and each lookup reads the records of one 2-byte bucket (or, for large buckets, an
 * interpolated window of it) with positional reads on a single file handle — typically one
 * read per lookup, whatever the corpus size.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { sha1OfPassword, type BreachChecker } from './breach-checker.js';
import { BUCKETS, DATA_OFFSET, HEADER_BYTES, RECORD_BYTES, decodeHeader } from './breach-format.js';

export { importBreachCorpus } from './breach-import.js';
export type { ImportOptions, ImportProgress, ImportResult } from './breach-import.js';

/** Records read per probe when a bucket is too large to read whole (4 KiB). */
const WINDOW_RECORDS = 512;

/** Compares the 8-byte key with the record at `offset` in `buffer`. */
function compareRecord(key: Buffer, buffer: Buffer, offset: number): number {
  return key.compare(buffer, offset, offset + RECORD_BYTES);
}

/** Binary search over `count` records in `buffer`: index of a match, or -(insertion point) - 1. */
function searchBuffer(key: Buffer, buffer: Buffer, count: number): number {
  let low = 0;
  let high = count - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareRecord(key, buffer, middle * RECORD_BYTES);
    if (order === 0) return middle;
    if (order > 0) low = middle + 1;
    else high = middle - 1;
  }
  return -low - 1;
}

export class BreachCorpus implements BreachChecker {
  private constructor(
    private readonly handle: FileHandle,
    private readonly fanout: Uint32Array,
    /** Number of distinct 80-bit hash prefixes in the corpus. */
    readonly size: number,
  ) {}

  /** Opens and validates a corpus file. */
  static async open(path: string): Promise<BreachCorpus> {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(DATA_OFFSET);
      const { bytesRead } = await handle.read(head, 0, DATA_OFFSET, 0);
      const count = decodeHeader(head.subarray(0, bytesRead), path);
      const { size } = await handle.stat();
      if (bytesRead < DATA_OFFSET || size !== DATA_OFFSET + count * RECORD_BYTES) {
        throw new Error(`${path}: breach corpus is truncated or damaged (size ${size}, ${count} records)`);
      }
      const fanout = new Uint32Array(BUCKETS + 1);
      for (let i = 0; i <= BUCKETS; i++) fanout[i] = head.readUInt32LE(HEADER_BYTES + i * 4);
      if (fanout[BUCKETS] !== count) throw new Error(`${path}: breach corpus fan-out table is inconsistent`);
      return new BreachCorpus(handle, fanout, count);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** True if the SHA-1 of the password's UTF-8 bytes is in the corpus (80-bit prefix match). */
  async has(password: string): Promise<boolean> {
    return this.hasSha1(sha1OfPassword(password));
  }

  /** Same as has(), for a SHA-1 given as 40 hex digits (either case) or 20 bytes. */
  async hasSha1(sha1: string | Buffer): Promise<boolean> {
    const digest = typeof sha1 === 'string' ? Buffer.from(sha1, 'hex') : sha1;
    if (digest.length < 10) throw new Error('hasSha1: need a 20-byte SHA-1');
    const bucket = ((digest[0] ?? 0) << 8) | (digest[1] ?? 0);
    const key = digest.subarray(2, 2 + RECORD_BYTES);
    let low = this.fanout[bucket] ?? 0;
    let high = this.fanout[bucket + 1] ?? 0;
    // Invariant: if the key is present, it is among records [low, high).
    while (low < high) {
      const count = high - low;
      let first = low;
      let take = count;
      if (count > WINDOW_RECORDS) {
        // SHA-1 is uniform, so the key's rank within the bucket is about key / 2^64.
        const fraction = key.readUInt32BE(0) / 2 ** 32;
        const guess = low + Math.floor(fraction * count);
        first = Math.min(Math.max(low, guess - WINDOW_RECORDS / 2), high - WINDOW_RECORDS);
        take = WINDOW_RECORDS;
      }
      const buffer = Buffer.allocUnsafe(take * RECORD_BYTES);
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, DATA_OFFSET + first * RECORD_BYTES);
      if (bytesRead !== buffer.length) throw new Error('breach corpus: short read');
      const found = searchBuffer(key, buffer, take);
      if (found >= 0) return true;
      const insertion = -found - 1;
      if (insertion > 0 && insertion < take) return false; // between two records of the window
      if (insertion === 0) high = first;
      else low = first + take;
      if (take === count) return false;
    }
    return false;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
