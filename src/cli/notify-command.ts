import { Command } from 'commander';
import { configFrom, guarded } from './runtime.js';
import { createLogger } from '../app/logger.js';
import { createServices } from '../app/services.js';
import { printRows } from './print.js';
import type { ExpiryReport } from '../reminders/expiry-reminders.js';
import type { EnrolmentReport } from '../reminders/enrolment-reminders.js';

/**
 * `sspr notify expiry|enrolment [--dry-run] [--json]`: runs a reminder run now, the same one `sspr serve`
 * schedules (`reminders.*.schedule`). `--dry-run` lists who would be told what and sends nothing; without it the
 * reminders due are sent (each still once: a reminder the schedule sent already is listed as already-sent).
 * Exits after the mail server took (or refused) every message.
 */
export function notifyCommand(): Command {
  const run = (kind: 'expiry' | 'enrolment') =>
    guarded(async (options: { dryRun?: boolean; json?: boolean }, command: Command) => {
      const config = configFrom(command);
      const services = await createServices({ ...config, log: { level: 'warn' } }, createLogger('warn', process.stderr));
      try {
        const dryRun = options.dryRun === true;
        const report = kind === 'expiry' ? await services.reminders.expiry.run({ dryRun }) : await services.reminders.enrolment.run({ dryRun });
        if (options.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        else printReport(report);
      } finally {
        await services.close();
      }
    });
  const notify = new Command('notify').description('send password expiry or enrolment reminders now, or list them (--dry-run)');
  notify
    .command('expiry')
    .description('remind users whose password expires within the configured days (reminders.expiry)')
    .option('--dry-run', 'list who would be told what; send nothing')
    .option('--json', 'print the report as JSON')
    .action(run('expiry'));
  notify
    .command('enrolment')
    .description('remind users in scope who have registered too few methods (reminders.enrolment)')
    .option('--dry-run', 'list who would be told what; send nothing')
    .option('--json', 'print the report as JSON')
    .action(run('enrolment'));
  return notify;
}

function printReport(report: ExpiryReport | EnrolmentReport): void {
  if ('managers' in report) {
    printRows(report.notices.map(({ username, expiresAt, interval, daysLeft, channels, state }) => ({ username, expiresAt, interval, daysLeft, channels, state })), false);
    if (report.managers.length > 0) {
      process.stdout.write('\nmanager summaries\n');
      printRows(report.managers.map(({ manager, people, state }) => ({ manager, people, state })), false);
    }
  } else {
    printRows(report.notices.map(({ username, why, remindedBefore, channels, state }) => ({ username, why, remindedBefore, channels, state })), false);
  }
  process.stdout.write(report.dryRun ? '(dry run: nothing was sent)\n' : '');
}
