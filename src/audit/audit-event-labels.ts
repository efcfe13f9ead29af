/**
 * The reader's name of each audit event: the messages `audit-events.<event name>` in
 * messages/<lang>/audit-events.json. Pages show the name with the event id beside it; exports and the JSON API
 * carry the id alone (ids are what filters and searches key on).
 */
import type { Lang } from '../i18n/lang.js';
import { message, type MessageKey } from '../i18n/messages.js';
import { isAuditEventName, type AuditEventName } from './audit-events.js';

/** The message key of an event's label; the compiler refuses an event of the catalogue without one. */
export function auditEventLabelKey(event: AuditEventName): `audit-events.${AuditEventName}` & MessageKey {
  return `audit-events.${event}`;
}

/** The label of an event in `lang`, or undefined for a name outside the catalogue (e.g. an event since retired). */
export function auditEventLabel(lang: Lang, event: string): string | undefined {
  return isAuditEventName(event) ? message(lang, auditEventLabelKey(event)) : undefined;
}
