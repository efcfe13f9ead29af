import type { Lang } from '../i18n/lang.js';
import { domainText, type DomainText } from '../i18n/messages.js';
import type { DoctorReport } from './doctor-types.js';

/** A doctor report text in the reader's language (messages/<lang>/doctor-report.json), for the terminal and the console page. */
export const dt: DomainText<'doctor-report'> = domainText('doctor-report');

/** The report as text for a terminal: the answer first, then each check with evidence and fix. */
export function formatReport(report: DoctorReport, lang: Lang): string {
  const lines: string[] = [];
  const question = report.user === null ? dt(lang, 'service') : dt(lang, 'can-reset', { user: report.user });
  lines.push(`${question} ${dt(lang, report.canReset ? 'cli.yes' : 'cli.no')}`, '');
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const check of report.checks) {
    lines.push(`  ${check.status.toUpperCase().padEnd(4)}  ${check.id.padEnd(width)}  ${check.summary}`);
    const indent = ' '.repeat(width + 10);
    if (check.evidence) lines.push(`${indent}${dt(lang, 'cli.evidence')}: ${check.evidence}`);
    if (check.fix) lines.push(`${indent}${dt(lang, 'cli.fix')}: ${check.fix}`);
  }
  if (report.summary) {
    lines.push('', dt(lang, 'cli.summary', { users: report.summary.users, ms: report.summary.elapsedMs }));
    for (const line of report.summary.checks) {
      lines.push(`  ${line.id.padEnd(width)}  ${dt(lang, 'cli.failing')} ${String(line.failing).padStart(7)}  ${dt(lang, 'cli.warning')} ${String(line.warning).padStart(7)}  (${line.basis})`);
    }
  }
  return lines.join('\n') + '\n';
}
