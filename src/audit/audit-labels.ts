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
import { auditEventNames, type AuditDetails, type NoticeName } from './audit-events.js';
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

/** The notices an account's owner gets ("this wasn't me" links), as the detail `notice` holds them. */
export const noticeNames = listOfEvery<NoticeName>()(['reset', 'change', 'unlock', 'methodAdded', 'methodRemoved', 'reregistration']);

/**
 * What a mail or text message was for: the `purpose` of each dispatch (DispatchTag), recorded in the delivery
 * events' detail. A unit test finds every purpose a writer in src/ names and asks for it here.
 */
export const deliveryPurposes = [
  'reset-code', 'registration-code', 'helpdesk-code', 'helpdesk-notice', 'admin-reset-notice', 'reset-refused', 'expiry-reminder',
  'expiry-manager-summary', 'enrolment-reminder', 'username-reminder', 'freeze-alert', 'notice-reset', 'notice-change', 'notice-unlock',
  'notice-methodAdded', 'notice-methodRemoved', 'notice-reregistration', 'unknown',
] as const;

/**
 * Detail values that have names, `audit-details.value.<key>.<value>`: where a password came from (`path`), a method
 * type (`method`), a writeback mode (`mode`), a delivery channel (`channel`), what a message was for (`purpose`), an
 * admin token's scope (`scope`), an operator's role (`role`), an owner's notice (`notice`). Doctor evidence and console pages use the same names.
 */
export const auditDetailValueIds = [
  'value.path.self-service-reset', 'value.path.unlock', 'value.path.change', 'value.path.admin-reset', 'value.path.helpdesk-reset',
  'value.path.helpdesk-unlock', 'value.path.cli', 'value.path.cli-local-only', 'value.path.cli-user-add', 'value.path.cli-set-password',
  'value.method.email', 'value.method.sms', 'value.method.totp', 'value.method.questions', 'value.method.passkey', 'value.method.recovery-codes',
  'value.mode.direct', 'value.mode.agent', 'value.channel.email', 'value.channel.sms',
  ...deliveryPurposes.map((purpose) => `value.purpose.${purpose}` as const),
  'value.scope.read-only', 'value.scope.helpdesk', 'value.scope.admin', 'value.role.administrator', 'value.role.helpdesk',
  ...noticeNames.map((notice) => `value.notice.${notice}` as const),
] as const;
const auditDetailValueLabel = labelTable('audit-details', auditDetailValueIds);

/**
 * The kind of value each detail key holds (keys holding method types, one or a list (`types`), are named as
 * `method`). `scope` holds an admin token's scope, or, for a helpdesk grant, a group's name: a group is shown as
 * stored unless its name is one of the three scopes, whose names read the same.
 */
const valueKindOf: Readonly<Record<string, string>> = {
  path: 'path', method: 'method', types: 'method', allowed: 'method', mode: 'mode', channel: 'channel', purpose: 'purpose', scope: 'scope', role: 'role', notice: 'notice',
};

/** A detail value in words (`key` the detail key holding it); undefined for a value without a name (show it as stored). */
export function auditValueLabel(lang: Lang, key: string, value: string): string | undefined {
  const kind = valueKindOf[key];
  return kind === undefined ? undefined : auditDetailValueLabel(lang, `value.${kind}.${value}`);
}

/** A list of values of one kind (method types, roles), each in words or as stored, joined by ", ". */
export function auditValuesLabel(lang: Lang, key: string, values: readonly string[]): string {
  return values.map((value) => auditValueLabel(lang, key, value) ?? value).join(', ');
}
