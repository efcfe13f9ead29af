/**
 * Writes a corpus file (format in breach-format.ts) from keys given in ascending order.
 * Keys are the 80-bit SHA-1 prefix as two 40-bit numbers (`high` = bytes 0..4, `low` = 5..9).
 * Equal consecutive keys are written once. The file is written under a temporary name and
 * renamed into place by finish(), so readers never see a half-written corpus.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { BUCKETS, DATA_OFFSET, MAX_RECORDS, RECORD_BYTES, encodeHeader } from './breach-format.js';

const TWO_POW_24 = 2 ** 24;
const TWO_POW_32 = 2 ** 32;
const BUFFER_BYTES = 8 * 1024 * 1024;
/** Callers flush once the buffer is half full, so one parsed input chunk always fits. */
const FLUSH_THRESHOLD = BUFFER_BYTES / 2;

export class CorpusWriter {
  /** Records per 2-byte bucket. */
  readonly bucketCounts = new Uint32Array(BUCKETS);
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private fill = 0;
  private written = 0;
  private count = 0;
  private previousHigh = -1;
  private previousLow = -1;
  duplicates = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  static async create(path: string): Promise<CorpusWriter> {
    return new CorpusWriter(await open(path, 'w'), path);
  }

  get records(): number {
    return this.count;
  }

  get needsFlush(): boolean {
    return this.fill >= FLUSH_THRESHOLD;
  }

  /** Appends one key; keys must come in ascending order (checked by the caller). */
  add(high: number, low: number): void {
    if (high === this.previousHigh && low === this.previousLow) {
      this.duplicates++;
      return;
    }
    if (this.fill + RECORD_BYTES > BUFFER_BYTES) throw new Error('CorpusWriter buffer overflow: flush more often');
    this.previousHigh = high;
    this.previousLow = low;
    const bucket = Math.floor(high / TWO_POW_24);
    this.bucketCounts[bucket] = (this.bucketCounts[bucket] ?? 0) + 1;
    const buffer = this.buffer;
    const at = this.fill;
    // Record = SHA-1 bytes 2..9: the low 3 bytes of `high`, then the 5 bytes of `low`.
    const highRest = high % TWO_POW_24;
    buffer[at] = highRest >>> 16;
    buffer[at + 1] = (highRest >>> 8) & 0xff;
    buffer[at + 2] = highRest & 0xff;
    buffer[at + 3] = Math.floor(low / TWO_POW_32);
    buffer.writeUInt32BE(low % TWO_POW_32, at + 4);
    this.fill = at + RECORD_BYTES;
    this.count++;
  }

  async flush(): Promise<void> {
    if (this.fill === 0) return;
    await this.handle.write(this.buffer, 0, this.fill, DATA_OFFSET + this.written);
    this.written += this.fill;
    this.fill = 0;
  }

  /** Writes header and fan-out, closes, and renames the file to `destination`. */
  async finish(destination: string): Promise<number> {
    await this.flush();
    if (this.count > MAX_RECORDS) throw new Error(`breach corpus too large: ${this.count} records`);
    const fanout = Buffer.alloc((BUCKETS + 1) * 4);
    let cumulative = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      fanout.writeUInt32LE(cumulative, bucket * 4);
      cumulative += this.bucketCounts[bucket] ?? 0;
    }
    fanout.writeUInt32LE(cumulative, BUCKETS * 4);
    await this.handle.write(Buffer.concat([encodeHeader(this.count), fanout]), 0, DATA_OFFSET, 0);
    await this.handle.sync();
    await this.handle.close();
    await rename(this.path, destination);
    return this.count;
  }

  /** Closes and deletes the temporary file (after a failure or when merged elsewhere). */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
