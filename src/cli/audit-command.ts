import { Command, Option } from 'commander';
import { pipeline } from 'node:stream/promises';
import { withStore, guarded } from './runtime.js';
import { SsprError } from '../errors/sspr-error.js';
import { AuditRepository, type AuditExportFilter } from '../store/audit-repository.js';
import { auditExportFormatNames, auditExportStream, type AuditExportFormat } from '../audit/audit-export.js';
import { auditEventNames, isAuditEventName } from '../audit/audit-events.js';
import { DeliveryQueueRepository } from '../store/delivery-queue-repository.js';

export { csvField } from '../audit/audit-export.js';

/** A point in time from the command line: an ISO 8601 date (midnight UTC) or date-time (without an offset: local time). */
function instant(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `${option} takes an ISO 8601 date or date-time (2026-01-31, 2026-01-31T08:00:00Z), not "${value}"` });
  return at;
}

interface ExportOptions {
  format: AuditExportFormat;
  since?: string;
  until?: string;
  user?: string;
  event?: string;
}

/** `sspr audit export`: the audit log, streamed. */
export function auditCommand(): Command {
  const audit = new Command('audit').description('the audit log');

  audit
    .command('export')
    .description('write audit events to standard output, oldest first, streamed page by page (any size of log)')
    .addOption(new Option('--format <format>', 'csv (with a header) or jsonl (one JSON object per line)').choices(auditExportFormatNames).default('jsonl'))
    .option('--since <time>', 'only events at or after this ISO 8601 date or date-time')
    .option('--until <time>', 'only events before this ISO 8601 date or date-time')
    .option('--user <username>', 'only events of this user (also of a deleted account, by the name it had)')
    .option('--event <name>', 'only events of this name (see the audit catalogue)')
    .action(guarded(async (options: ExportOptions, command: Command) => {
      const filter: AuditExportFilter = { since: instant('--since', options.since), until: instant('--until', options.until) };
      if (options.event !== undefined) {
        if (!isAuditEventName(options.event)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `there is no audit event "${options.event}"; the events are ${auditEventNames.join(', ')}` });
        filter.event = options.event;
      }
      await withStore(command, async ({ store, users }) => {
        if (options.user !== undefined) filter.user = { id: (await users.findByUsername(options.user))?.id ?? null, username: options.user };
        const pages = new AuditRepository(store.db).pages(filter);
        // pipeline waits for stdout to drain before pulling the next page (backpressure); a reader that goes
        // away (`| head`) ends the export quietly.
        await pipeline(auditExportStream(pages, options.format), process.stdout).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
        });
      });
    }));

  audit
    .command('replay')
    .description('queue audit events for their sinks again: the dead letters (--dead-letter), or every delivered and dead event still kept; a running `sspr serve` sends them (receivers de-duplicate on the event id)')
    .option('--sink <id>', 'only this sink (see audit.sinks)')
    .option('--dead-letter', 'only the events given up after audit.delivery.maxAttempts')
    .option('--since <time>', 'only events queued at or after this ISO 8601 date or date-time')
    .action(guarded(async (options: { sink?: string; deadLetter?: boolean; since?: string }, command: Command) => {
      await withStore(command, async ({ config, store }) => {
        const configured = config.audit.sinks.map((sink) => sink.id);
        if (options.sink !== undefined && !configured.includes(options.sink)) {
          throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `there is no audit sink "${options.sink}"; the configured sinks are ${configured.join(', ') || '(none)'}` });
        }
        const queued = await new DeliveryQueueRepository(store.db, store.dialect).requeue('audit', Date.now(), {
          sinks: options.sink !== undefined ? [options.sink] : configured,
          deadOnly: options.deadLetter === true,
          since: instant('--since', options.since),
        });
        process.stdout.write(`${queued} deliveries queued again\n`);
      });
    }));

  audit
    .command('queue')
    .description('how many audit deliveries (per sink) and outgoing messages (mail, sms) are queued, delivered and dead')
    .action(guarded(async (_options: unknown, command: Command) => {
      await withStore(command, async ({ store }) => {
        const repository = new DeliveryQueueRepository(store.db, store.dialect);
        for (const queue of ['audit', 'outbox'] as const) {
          for (const row of await repository.counts(queue)) process.stdout.write(`${queue}\t${row.sink}\t${row.state}\t${row.count}\n`);
        }
      });
    }));

  return audit;
}
