import type { Lang } from '../i18n/lang.js';
import type { DoctorReport } from './doctor-types.js';

const words = {
  en: { canReset: 'Can {user} reset now?', service: 'Is the service ready for self-service resets?', yes: 'YES', no: 'NO', evidence: 'evidence', fix: 'fix', summary: 'Users failing each check ({users} users, {ms} ms)', failing: 'fail', warning: 'warn' },
  de: { canReset: 'Kann {user} jetzt zurücksetzen?', service: 'Ist der Dienst bereit für Self-Service-Zurücksetzungen?', yes: 'JA', no: 'NEIN', evidence: 'Befund', fix: 'Abhilfe', summary: 'Benutzer je fehlgeschlagener Prüfung ({users} Benutzer, {ms} ms)', failing: 'Fehler', warning: 'Warnung' },
} as const;

/** The report as text for a terminal: the answer first, then each check with evidence and fix. */
export function formatReport(report: DoctorReport, lang: Lang): string {
  const w = words[lang];
  const lines: string[] = [];
  const question = report.user === null ? w.service : w.canReset.replace('{user}', report.user);
  lines.push(`${question} ${report.canReset ? w.yes : w.no}`, '');
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const check of report.checks) {
    lines.push(`  ${check.status.toUpperCase().padEnd(4)}  ${check.id.padEnd(width)}  ${check.summary}`);
    const indent = ' '.repeat(width + 10);
    if (check.evidence) lines.push(`${indent}${w.evidence}: ${check.evidence}`);
    if (check.fix) lines.push(`${indent}${w.fix}: ${check.fix}`);
  }
  if (report.summary) {
    lines.push('', w.summary.replace('{users}', String(report.summary.users)).replace('{ms}', String(report.summary.elapsedMs)));
    for (const line of report.summary.checks) {
      lines.push(`  ${line.id.padEnd(width)}  ${w.failing} ${String(line.failing).padStart(7)}  ${w.warning} ${String(line.warning).padStart(7)}  (${line.basis})`);
    }
  }
  return lines.join('\n') + '\n';
}
