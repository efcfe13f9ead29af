import type { Lang } from '../i18n/lang.js';
import { messages } from '../i18n/messages.js';
import type { CheckResult, Finding } from './doctor-types.js';
import { auditEventLabel, auditReasonLabel, auditValueLabel, auditValuesLabel } from '../audit/audit-labels.js';
import { labelWithId } from '../i18n/label-table.js';

/**
 * A doctor sentence (messages/<lang>/doctor.json): `CHECK.KEY` is a summary, `CHECK.KEY.fix` its fix (absent:
 * nothing to do), `evidence.*` the pieces of evidence. Keys are built from findings, so an unknown key gives ''.
 */
export function say(lang: Lang, key: string, params?: Record<string, string | number>): string {
  return messages.formatAny(lang, `doctor.${key}`, params);
}

/** Where an account lives in words ('local' → cloud-only, 'ldap', 'ad'); another value as stored. */
function sourceLabel(lang: Lang, source: string): string {
  return source === 'local' || source === 'ldap' || source === 'ad' ? messages.formatAny(lang, 'console-users.source', { source }) : source;
}

/** Parameters holding a list of method types (`email, sms`; `-` for none): each type in words, as audit details name it. */
function wordedTypes(lang: Lang, params: Record<string, string | number> | undefined): Record<string, string | number> | undefined {
  if (!params) return params;
  const worded: Record<string, string | number> = {};
  for (const key of ['types', 'allowed'] as const) {
    const value = params[key];
    if (typeof value === 'string' && value !== '-' && value !== '') worded[key] = auditValuesLabel(lang, 'method', value.split(', '));
  }
  return { ...params, ...worded };
}

/**
 * Evidence parameters that hold audit ids (`reason`, `event`) as the label in `lang` with the id beside it, for a
 * reader who searches the audit log by id; an id outside the catalogues (free text, an older version's) stays as is.
 * An account source, a writeback mode, a delivery channel and lists of method types read as words (the same names
 * as the audit details).
 */
function readable(lang: Lang, params: Record<string, string | number> | undefined): Record<string, string | number> | undefined {
  if (!params) return params;
  const named = (id: string | number | undefined, label: (id: string) => string | undefined) => (typeof id === 'string' ? labelWithId(label(id), id) : id);
  const reason = named(params.reason, (id) => auditReasonLabel(lang, id));
  const event = named(params.event, (id) => auditEventLabel(lang, id));
  const worded: Record<string, string | number> = {};
  if (typeof params.source === 'string') worded.source = sourceLabel(lang, params.source);
  for (const key of ['mode', 'channel'] as const) {
    const value = params[key];
    if (typeof value === 'string') worded[key] = auditValueLabel(lang, key, value) ?? value;
  }
  return { ...wordedTypes(lang, params), ...worded, ...(reason === undefined ? {} : { reason }), ...(event === undefined ? {} : { event }) };
}

/** A finding in the requested language. */
export function render(finding: Finding, lang: Lang): CheckResult {
  const base = `${finding.id}.${finding.key}`;
  const params = wordedTypes(lang, finding.params);
  const summary = say(lang, base, params) || say(lang, finding.key, params);
  return {
    id: finding.id,
    status: finding.status,
    summary,
    evidence: (finding.evidence ?? []).map(([key, params]) => say(lang, `evidence.${key}`, readable(lang, params))).filter(Boolean).join('; '),
    fix: finding.status === 'pass' || finding.status === 'skip' ? '' : say(lang, `${base}.fix`, finding.params),
  };
}

