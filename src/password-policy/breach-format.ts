/**
 * On-disk format of the breached-password corpus ("SSPRBRC1"), little-endian:
 *
 *   offset 0   8 bytes   magic "SSPRBRC1"
 *          8   u32       format version (1)
 *         12   u32       record size in bytes (8)
 *         16   u64       record count N
 *         24   8 bytes   reserved (0)
 *         32   65537 × u32  fan-out: index of the first record whose SHA-1 starts with each
 *                       2-byte value 0000…FFFF; entry 65536 = N
 *     262180   N × 8 bytes  records: bytes 2..9 of each SHA-1 (bytes 0..1 are the fan-out
 *                       bucket), sorted ascending within and across buckets, no duplicates
 *
 * So each record keeps an 80-bit SHA-1 prefix in 8 bytes. False positives: a password not in
 * the corpus matches some record with probability about N / 2^80 — for the full HIBP corpus
 * (~10^9 hashes) about 8 × 10^-16 per lookup. Lookups read the fan-out table once (256 KiB,
 * kept in memory) and then usually one small block of records.
 */
export const MAGIC = Buffer.from('SSPRBRC1', 'latin1');
export const FORMAT_VERSION = 1;
export const RECORD_BYTES = 8;
/** SHA-1 bytes a record stands for: 2 bucket bytes + 8 stored bytes. */
export const KEY_BYTES = 10;
export const HEADER_BYTES = 32;
export const BUCKETS = 65536;
export const FANOUT_BYTES = (BUCKETS + 1) * 4;
export const DATA_OFFSET = HEADER_BYTES + FANOUT_BYTES;
/** Fan-out entries are u32, so a corpus holds fewer than 2^32 records. */
export const MAX_RECORDS = 0xffffffff;

export function encodeHeader(count: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT_VERSION, 8);
  header.writeUInt32LE(RECORD_BYTES, 12);
  header.writeBigUInt64LE(BigInt(count), 16);
  return header;
}

/** Parses and validates a header; returns the record count. */
export function decodeHeader(header: Buffer, path: string): number {
  if (header.length < HEADER_BYTES || !header.subarray(0, 8).equals(MAGIC)) {
    throw new Error(`${path} is not a breach corpus file (magic SSPRBRC1 missing); import it with importBreachCorpus`);
  }
  const version = header.readUInt32LE(8);
  const recordBytes = header.readUInt32LE(12);
  if (version !== FORMAT_VERSION || recordBytes !== RECORD_BYTES) {
    throw new Error(`${path}: unsupported breach corpus format version ${version} / record size ${recordBytes}`);
  }
  return Number(header.readBigUInt64LE(16));
}
