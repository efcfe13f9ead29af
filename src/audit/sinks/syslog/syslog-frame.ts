import type { AuditRecord } from '../../../store/audit-repository.js';
import { auditPayload } from '../audit-sink.js';

/** RFC 5424 §6.2.1 facility codes by name. */
export const syslogFacilities = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, audit: 13, alert: 14, clock: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21,
  local6: 22, local7: 23,
} as const;
export type SyslogFacility = keyof typeof syslogFacilities;

/** Severity by outcome: a failure is a warning (4), a success a notice (5), anything else informational (6). */
const severities = { failure: 4, success: 5, info: 6 } as const;

export interface FrameOptions {
  facility: SyslogFacility;
  hostname: string;
  appName: string;
  procId: string;
  /** The SD-ID of the structured-data element (`name@PEN`), or null to send none (NILVALUE). */
  sdId: string | null;
}

/** PRINTUSASCII (33–126) only, at most `max` characters; NILVALUE when nothing is left (RFC 5424 §6.2). */
function header(value: string, max: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return printable === '' ? '-' : printable;
}

/** An SD-PARAM value: `"`, `\` and `]` escaped with a backslash (RFC 5424 §6.3.3). */
function paramValue(value: string): string {
  return value.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

/** JSON with every character outside printable ASCII escaped, so MSG is plain ASCII and needs no BOM. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`, MSGID the event name, the
 * structured data `[sdId eventId="…" outcome="…"]` (optional), MSG the event as JSON.
 */
export function syslogMessage(event: AuditRecord, options: FrameOptions): string {
  const pri = syslogFacilities[options.facility] * 8 + (severities[event.outcome] ?? 6);
  const timestamp = new Date(event.at).toISOString();
  const sd = options.sdId === null ? '-' : `[${options.sdId} eventId="${event.id}" outcome="${paramValue(event.outcome)}"]`;
  return `<${pri}>1 ${timestamp} ${header(options.hostname, 255)} ${header(options.appName, 48)} ${header(options.procId, 128)} ${header(event.event, 32)} ${sd} ${asciiJson(auditPayload(event))}`;
}

/** Octet-counting framing for stream transports: `MSG-LEN SP SYSLOG-MSG` (RFC 6587 §3.4.1, RFC 5425 §4.3). */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
