import type { Lang } from '../i18n/lang.js';
import { messages } from '../i18n/messages.js';
import type { CheckResult, Finding } from './doctor-types.js';

/**
 * A doctor sentence (messages/<lang>/doctor.json): `CHECK.KEY` is a summary, `CHECK.KEY.fix` its fix (absent:
 * nothing to do), `evidence.*` the pieces of evidence. Keys are built from findings, so an unknown key gives ''.
 */
export function say(lang: Lang, key: string, params?: Record<string, string | number>): string {
  return messages.formatAny(lang, `doctor.${key}`, params);
}

/** A finding in the requested language. */
export function render(finding: Finding, lang: Lang): CheckResult {
  const base = `${finding.id}.${finding.key}`;
  const summary = say(lang, base, finding.params) || say(lang, finding.key, finding.params);
  return {
    id: finding.id,
    status: finding.status,
    summary,
    evidence: (finding.evidence ?? []).map(([key, params]) => say(lang, `evidence.${key}`, params)).filter(Boolean).join('; '),
    fix: finding.status === 'pass' || finding.status === 'skip' ? '' : say(lang, `${base}.fix`, finding.params),
  };
}

