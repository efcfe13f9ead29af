import { Readable } from 'node:stream';
import type { AuditRecord } from '../store/audit-repository.js';

/** The columns of an export, in order (CSV header and JSON Lines keys). */
export const auditExportColumns = ['id', 'at', 'event', 'outcome', 'userId', 'username', 'flow', 'ip', 'userAgent', 'detail'] as const;

/** One exported event: the time as ISO 8601, the detail as its JSON text (CSV) or object (JSON Lines). */
function fields(record: AuditRecord): Record<(typeof auditExportColumns)[number], string | number | null> {
  return {
    id: record.id,
    at: new Date(record.at).toISOString(),
    event: record.event,
    outcome: record.outcome,
    userId: record.userId ?? null,
    username: record.username ?? null,
    flow: record.flow ?? null,
    ip: record.ip ?? null,
    userAgent: record.userAgent ?? null,
    detail: record.detail ? JSON.stringify(record.detail) : null,
  };
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. Text that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first: user names and user agents are typed by
 * strangers) is prefixed with an apostrophe (OWASP CSV injection).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The export formats: a header, and one line per event. */
export const auditExportFormats = {
  csv: {
    mediaType: 'text/csv; charset=utf-8',
    header: auditExportColumns.join(',') + '\r\n',
    line: (r: AuditRecord) => {
      const values = fields(r);
      return auditExportColumns.map((c) => csvField(values[c])).join(',') + '\r\n';
    },
  },
  jsonl: {
    mediaType: 'application/x-ndjson; charset=utf-8',
    header: '',
    line: (r: AuditRecord) => JSON.stringify({ ...fields(r), detail: r.detail ?? null }) + '\n',
  },
} as const;

export type AuditExportFormat = keyof typeof auditExportFormats;
export const auditExportFormatNames = Object.keys(auditExportFormats) as AuditExportFormat[];

/**
 * The one export of the audit log (CLI and web): the pages of a keyset read turned into text, as a stream that
 * pulls the next page only when its reader has taken the last one (highWaterMark 1: backpressure), so memory
 * holds about one page however long the log is. A reader that goes away stops the reads.
 */
export function auditExportStream(pages: AsyncIterable<AuditRecord[]>, format: AuditExportFormat): Readable {
  const { header, line } = auditExportFormats[format];
  async function* text(): AsyncGenerator<string> {
    if (header) yield header;
    for await (const page of pages) yield page.map(line).join('');
  }
  return Readable.from(text(), { highWaterMark: 1, objectMode: false });
}
