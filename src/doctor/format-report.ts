import type { Lang } from '../i18n/lang.js';
import { message } from '../i18n/messages.js';
import type { DoctorReport } from './doctor-types.js';

/** The report as text for a terminal: the answer first, then each check with evidence and fix. */
export function formatReport(report: DoctorReport, lang: Lang): string {
  const lines: string[] = [];
  const question = report.user === null ? message(lang, 'doctor-report.service') : message(lang, 'doctor-report.can-reset', { user: report.user });
  lines.push(`${question} ${message(lang, report.canReset ? 'doctor-report.cli.yes' : 'doctor-report.cli.no')}`, '');
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const check of report.checks) {
    lines.push(`  ${check.status.toUpperCase().padEnd(4)}  ${check.id.padEnd(width)}  ${check.summary}`);
    const indent = ' '.repeat(width + 10);
    if (check.evidence) lines.push(`${indent}${message(lang, 'doctor-report.cli.evidence')}: ${check.evidence}`);
    if (check.fix) lines.push(`${indent}${message(lang, 'doctor-report.cli.fix')}: ${check.fix}`);
  }
  if (report.summary) {
    lines.push('', message(lang, 'doctor-report.cli.summary', { users: report.summary.users, ms: report.summary.elapsedMs }));
    for (const line of report.summary.checks) {
      lines.push(`  ${line.id.padEnd(width)}  ${message(lang, 'doctor-report.cli.failing')} ${String(line.failing).padStart(7)}  ${message(lang, 'doctor-report.cli.warning')} ${String(line.warning).padStart(7)}  (${line.basis})`);
    }
  }
  return lines.join('\n') + '\n';
}
