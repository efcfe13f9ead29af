/**
 * The built strength dictionaries as one file (written by `npm run build` beside the compiled module), so a start
 * reads ≈ 13 MB instead of building them: the build's worker thread took the process's resident memory ≈ 80 MiB
 * above what it holds once started, and ≈ 0.5 s of CPU.
 *
 * Contract: {@link readDictionaryFile} answers exactly the parts and graphs {@link writeDictionaryFile} was given,
 * or null when the file is missing, unreadable, or carries another stamp than the one asked for (the word lists'
 * package versions, the interface languages and the byte order: see strength-dictionaries.ts), so a file left from
 * other packages is never used. Layout: the magic, a little-endian u32 header length, the JSON header, then each
 * typed array at an offset that is a multiple of 8, in the machine's byte order.
 */
import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { CompactDictionaryParts } from './compact-dictionaries.js';

const MAGIC = Buffer.from('SSPRDIC1');

/** What a dictionary file holds: the compact dictionaries' parts and the keyboard graphs. */
export interface DictionaryFileContent<Graphs> {
  parts: CompactDictionaryParts;
  graphs: Graphs;
}

const arrayKeys = ['units', 'wordStart', 'wide', 'wideIds', 'wideStart', 'wideUnits', 'table', 'rankStart', 'ranks'] as const;
type ArrayKey = (typeof arrayKeys)[number];
const arrayTypes = { Uint8Array, Uint16Array, Uint32Array } as const;
type ArrayTypeName = keyof typeof arrayTypes;

interface Header<Graphs> {
  stamp: string;
  names: string[];
  maxWordSize: number[];
  graphs: Graphs;
  arrays: Array<{ key: ArrayKey; type: ArrayTypeName; offset: number; length: number }>;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Writes the file (to a temporary name first, then renamed: a reader never sees half a file). */
export function writeDictionaryFile<Graphs>(path: string, stamp: string, content: DictionaryFileContent<Graphs>): void {
  const { parts, graphs } = content;
  const arrays: Header<Graphs>['arrays'] = [];
  let offset = 0;
  for (const key of arrayKeys) {
    const array = parts[key];
    arrays.push({ key, type: array.constructor.name as ArrayTypeName, offset, length: array.length });
    offset = align8(offset + array.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ stamp, names: parts.names, maxWordSize: parts.maxWordSize, graphs, arrays } satisfies Header<Graphs>));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const start = align8(MAGIC.length + 4 + header.length);
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeSync(fd, Buffer.concat([MAGIC, length, header, Buffer.alloc(start - MAGIC.length - 4 - header.length)]));
    for (const { key, offset: at } of arrays) {
      const array = parts[key];
      writeSync(fd, new Uint8Array(array.buffer, array.byteOffset, array.byteLength), 0, array.byteLength, start + at);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** The file's content when it exists and carries `stamp`, else null. The arrays are views of one buffer. */
export function readDictionaryFile<Graphs>(path: string, stamp: string): DictionaryFileContent<Graphs> | null {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return null;
  }
  if (file.length < MAGIC.length + 4 || !file.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const headerLength = file.readUInt32LE(MAGIC.length);
  let header: Header<Graphs>;
  try {
    header = JSON.parse(file.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as Header<Graphs>;
  } catch {
    return null;
  }
  if (header.stamp !== stamp) return null;
  // A file read whole is its own ArrayBuffer from offset 0; copied once where it is not 8-aligned.
  const bytes = file.byteOffset % 8 === 0 ? file : Buffer.from(file);
  const start = bytes.byteOffset + align8(MAGIC.length + 4 + headerLength);
  const views = {} as Record<ArrayKey, Uint8Array | Uint16Array | Uint32Array>;
  for (const { key, type, offset, length } of header.arrays) {
    const Type = arrayTypes[type];
    if (!Type || start + offset + length * Type.BYTES_PER_ELEMENT > bytes.byteOffset + bytes.length) return null;
    views[key] = new Type(bytes.buffer as ArrayBuffer, start + offset, length);
  }
  if (arrayKeys.some((key) => views[key] === undefined)) return null;
  const parts = { names: header.names, maxWordSize: header.maxWordSize, ...views } as CompactDictionaryParts;
  return { parts, graphs: header.graphs };
}
