/**
 * The reader's names of audit ids, each the messages of one file (messages/<lang>/<domain>.json):
 * - events, `audit-events.<event name>`: every event of the catalogue (audit-events.ts);
 * - reasons, `audit-reasons.<reason>`: every value `detail.reason` (and `directoryReason`) may hold (audit-reasons.ts);
 * - detail keys, `audit-details.<key>`: every key an event's detail may carry, derived from the detail types of the
 *   catalogue, so a key a writer can record has a label or the build fails.
 * Pages show a name with its id beside it (help desks search by id), details as `label: value`; exports and the
 * JSON API carry the ids alone. An id outside these lists (stored by an older version) has no label.
 */
import { labelTable, listOfEvery } from '../i18n/label-table.js';
import type { Lang } from '../i18n/lang.js';
import { auditEventNames, type AuditDetails } from './audit-events.js';
import { auditReasons } from './audit-reasons.js';

type KeysOf<T> = T extends unknown ? keyof T : never;

/** Every key of every event's detail. */
type AuditDetailKey = { [E in keyof AuditDetails]: KeysOf<AuditDetails[E]> }[keyof AuditDetails] & string;

/** The same keys at run time; the compiler names a key a detail type gains and this list lacks. */
export const auditDetailKeys = listOfEvery<AuditDetailKey>()([
  'reason', 'until', 'blockedUntil', 'method', 'writtenBack', 'path', 'by', 'rules', 'directoryReason', 'verification',
  'mustChange', 'remaining', 'text', 'changes', 'count', 'changed', 'directory', 'mode', 'created', 'updated', 'disabled',
  'groupsChanged', 'ms', 'registrations', 'sessions', 'flows', 'resetBlock', 'signInBlock', 'client', 'removed', 'types',
  'role', 'scope', 'id', 'expiresAt', 'group', 'memberType', 'member', 'plan', 'principalType', 'principal', 'purpose',
  'attempts', 'final', 'entraEvent', 'entraError', 'raw', 'job', 'agent', 'recordedState', 'verifiedBy', 'applied', 'node',
  'clockOffsetMs', 'name', 'days', 'channels', 'people', 'occurrence', 'sent', 'skipped', 'notice', 'matches', 'channel', 'cause',
]);

export const auditEventLabel = labelTable('audit-events', auditEventNames);
export const auditReasonLabel = labelTable('audit-reasons', auditReasons);
export const auditDetailLabel = labelTable('audit-details', auditDetailKeys);

/**
 * Detail values that have names, `audit-details.value.<key>.<value>`: where a password came from (`path`), a method
 * type (`method`), a writeback mode (`mode`), a delivery channel (`channel`). Doctor evidence uses the same names.
 */
export const auditDetailValueIds = [
  'value.path.self-service-reset', 'value.path.unlock', 'value.path.change', 'value.path.admin-reset', 'value.path.helpdesk-reset',
  'value.path.helpdesk-unlock', 'value.path.cli', 'value.path.cli-local-only', 'value.path.cli-user-add', 'value.path.cli-set-password',
  'value.method.email', 'value.method.sms', 'value.method.totp', 'value.method.questions', 'value.method.passkey', 'value.method.recovery-codes',
  'value.mode.direct', 'value.mode.agent', 'value.channel.email', 'value.channel.sms',
] as const;
const auditDetailValueLabel = labelTable('audit-details', auditDetailValueIds);

/** Detail keys holding method types, one or a list (`types`), named as `method`. */
const valueKindOf: Readonly<Record<string, string>> = { path: 'path', method: 'method', types: 'method', mode: 'mode', channel: 'channel' };

/** A detail value in words (`key` the detail key holding it); undefined for a value without a name (show it as stored). */
export function auditValueLabel(lang: Lang, key: string, value: string): string | undefined {
  const kind = valueKindOf[key];
  return kind === undefined ? undefined : auditDetailValueLabel(lang, `value.${kind}.${value}`);
}
