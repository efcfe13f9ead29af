/**
 * The reader's name of each audit reason: the messages `audit-reasons.<reason>` in
 * messages/<lang>/audit-reasons.json. Pages show the name with the reason id beside it (help desks search by id);
 * exports and the JSON API carry the id alone.
 */
import type { Lang } from '../i18n/lang.js';
import { message, type MessageKey } from '../i18n/messages.js';
import { isAuditReason, type AuditReason } from './audit-reasons.js';

/** The message key of a reason's label; the compiler refuses a reason of audit-reasons.ts without one. */
export function auditReasonLabelKey(reason: AuditReason): `audit-reasons.${AuditReason}` & MessageKey {
  return `audit-reasons.${reason}`;
}

/** The label of a reason in `lang`, or undefined for an id outside the list (e.g. stored by an older version). */
export function auditReasonLabel(lang: Lang, reason: string): string | undefined {
  return isAuditReason(reason) ? message(lang, auditReasonLabelKey(reason)) : undefined;
}
