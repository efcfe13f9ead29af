import type { Entry } from 'ldapts';

/**
 * Case-insensitive, typed reads of an ldapts search entry (attribute names come back in the server's case).
 */
export class EntryReader {
  private readonly byLowerName = new Map<string, Entry[string]>();

  constructor(readonly entry: Entry) {
    for (const [name, value] of Object.entries(entry)) this.byLowerName.set(name.toLowerCase(), value);
  }

  get dn(): string {
    return this.entry.dn;
  }

  strings(name: string): string[] {
    const value = this.byLowerName.get(name.toLowerCase());
    if (value === undefined) return [];
    const values = Array.isArray(value) ? value : [value];
    return values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
  }

  string(name: string): string | undefined {
    return this.strings(name)[0];
  }

  buffer(name: string): Buffer | undefined {
    return this.buffers(name)[0];
  }

  /** Every value as bytes (binary attributes must be requested with explicitBufferAttributes). */
  buffers(name: string): Buffer[] {
    const value = this.byLowerName.get(name.toLowerCase());
    if (value === undefined) return [];
    return (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v, 'latin1')));
  }
}
