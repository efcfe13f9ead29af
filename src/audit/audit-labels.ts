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
