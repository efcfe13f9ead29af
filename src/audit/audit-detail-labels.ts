/**
 * The reader's name of each key an audit event's detail may carry: the messages `audit-details.<key>` in
 * messages/<lang>/audit-details.json, derived from the detail types of the catalogue (audit-events.ts), so a key
 * a writer can record has a label or the build fails. Pages show `label: value`; exports keep the keys.
 */
import type { Lang } from '../i18n/lang.js';
import { message, type MessageKey } from '../i18n/messages.js';
import type { AuditDetails } from './audit-events.js';

type KeysOf<T> = T extends unknown ? keyof T : never;

/** Every key of every event's detail. */
export type AuditDetailKey = { [E in keyof AuditDetails]: KeysOf<AuditDetails[E]> }[keyof AuditDetails] & string;

/** The same keys at run time (for the label tests); the two checks below keep it equal to AuditDetailKey. */
export const auditDetailKeys = [
  'reason', 'until', 'blockedUntil', 'method', 'writtenBack', 'path', 'by', 'rules', 'directoryReason', 'verification',
  'mustChange', 'remaining', 'text', 'changes', 'count', 'changed', 'directory', 'mode', 'created', 'updated', 'disabled',
  'groupsChanged', 'ms', 'registrations', 'sessions', 'flows', 'resetBlock', 'signInBlock', 'client', 'removed', 'types',
  'role', 'scope', 'id', 'expiresAt', 'group', 'memberType', 'member', 'plan', 'principalType', 'principal', 'purpose',
  'attempts', 'final', 'entraEvent', 'entraError', 'raw', 'job', 'agent', 'recordedState', 'verifiedBy', 'applied', 'node',
  'clockOffsetMs', 'name', 'days', 'channels', 'people', 'occurrence', 'sent', 'skipped', 'notice', 'matches', 'channel',
  'cause',
] as const satisfies readonly AuditDetailKey[];
type Unlisted = Exclude<AuditDetailKey, (typeof auditDetailKeys)[number]>;
/** Fails to compile, naming the key, when a detail type gains a key this list lacks. */
export const everyDetailKeyListed: [Unlisted] extends [never] ? true : Unlisted = true;

const listed: ReadonlySet<string> = new Set(auditDetailKeys);

export function isAuditDetailKey(value: string): value is AuditDetailKey {
  return listed.has(value);
}

/** The message key of a detail key's label; the compiler refuses a detail key without one. */
export function auditDetailLabelKey(key: AuditDetailKey): `audit-details.${AuditDetailKey}` & MessageKey {
  return `audit-details.${key}`;
}

/** The label of a detail key in `lang`, or undefined for a key no current event records (shown as stored). */
export function auditDetailLabel(lang: Lang, key: string): string | undefined {
  return isAuditDetailKey(key) ? message(lang, auditDetailLabelKey(key)) : undefined;
}
