/**
 * Audit ids in words for console pages: a reason's label with its id small beside it (help desks search by id),
 * and an event's detail as `label: value` lines. An id or key outside the catalogues (stored by an older version)
 * is shown as stored, never dropped; every value is escaped (user names and user agents are typed by strangers).
 */
import { html, type SafeHtml } from '../html.js';
import type { Lang } from '../../i18n/lang.js';
import { message } from '../../i18n/messages.js';
import { auditDetailLabel, auditEventLabel, auditReasonLabel, auditValueLabel, auditValuesLabel } from '../../audit/audit-labels.js';
import { labelWithId } from '../../i18n/label-table.js';
import { timeLabel } from './time-label.js';

/** `label (id)` with the id as code, small (the markup of labelWithId), or the id alone when there is no label. */
export function labelWithIdHtml(label: string | undefined, id: string, idClass?: string): SafeHtml {
  const classAttribute = idClass === undefined ? '' : html` class="${idClass}"`;
  return label ? html`${label} <small${classAttribute}>(<code>${id}</code>)</small>` : html`<code${classAttribute}>${id}</code>`;
}

/** A reason as its label with the id beside it, or the id alone when it has no label. */
export function reasonHtml(lang: Lang, reason: string): SafeHtml {
  return labelWithIdHtml(auditReasonLabel(lang, reason), reason, 'reason-id');
}

/** A reason in plain text (for a sentence's placeholder): `label (id)`, or the id alone when it has no label. */
export function reasonText(lang: Lang, reason: string): string {
  return labelWithId(auditReasonLabel(lang, reason), reason);
}

/** An event name as its label with the id beside it (outside the audit table, whose cells style the id apart). */
export function eventHtml(lang: Lang, event: string): SafeHtml {
  return labelWithIdHtml(auditEventLabel(lang, event), event, 'event-id');
}

/** Detail keys whose value is a reason id. */
const reasonKeys: ReadonlySet<string> = new Set(['reason', 'directoryReason', 'cause']);
/** Detail keys whose number is milliseconds since the epoch. */
const instantKeys: ReadonlySet<string> = new Set(['until', 'blockedUntil', 'expiresAt']);
/** Detail keys whose number is a duration in milliseconds. */
const durationKeys: ReadonlySet<string> = new Set(['ms', 'clockOffsetMs']);

function valueHtml(lang: Lang, key: string, value: unknown): SafeHtml | string {
  if (value === null) return '–';
  if (typeof value === 'boolean') return message(lang, value ? 'audit-details.value.true' : 'audit-details.value.false');
  if (typeof value === 'string' && reasonKeys.has(key)) return reasonHtml(lang, value);
  if (typeof value === 'number' && instantKeys.has(key)) return timeLabel(value, lang);
  if (typeof value === 'number' && durationKeys.has(key)) return `${new Intl.NumberFormat(lang).format(value)} ms`;
  if (typeof value === 'string') return auditValueLabel(lang, key, value) ?? value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return auditValuesLabel(lang, key, value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `label: value` in the reader's language, `value` already made safe (the label pattern differs by language). */
function pair(lang: Lang, label: string, value: SafeHtml | string): SafeHtml {
  const slot = '\u0000';
  const [before = '', after = ''] = message(lang, 'audit-details.pair', { label, value: slot }).split(slot);
  return html`<span class="detail-pair">${before}${value}${after}</span>`;
}

/** An event's detail, one known key per line in words; a key no current event records keeps its stored name. */
export function auditDetailHtml(lang: Lang, detail: Record<string, unknown> | null | undefined): SafeHtml {
  const entries = Object.entries(detail ?? {}).filter(([, v]) => v !== undefined);
  return html`${entries.map(([key, value], i) => html`${i > 0 ? html`<br>` : ''}${pair(lang, auditDetailLabel(lang, key) ?? key, valueHtml(lang, key, value))}`)}`;
}
