import { Command } from 'commander';
import { withStore, guarded } from './runtime.js';
import { systemClock } from '../store/clock.js';
import { summaryLine, syncDirectory } from '../sync/directory-sync.js';
import { SsprError } from '../errors/sspr-error.js';
import { SyncProgress } from './sync-progress.js';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from './heap-growth.js';

/**
 * `sspr sync [--full] [--json]`: imports users and groups (with nesting) from the configured directory by paged
 * search; incremental by default once a full run has set the high-water mark; disables accounts that
 * disappeared (full runs). Idempotent. A progress bar on a terminal (stderr), a summary line (or `--json`) always.
 */
export function syncCommand(): Command {
  return new Command('sync')
    .description('import users and groups from the configured directory (incremental after the first run)')
    .option('--full', 'read everything and disable accounts that no longer exist')
    .option('--json', 'print the summary as JSON')
    .action(guarded(async (options: { full?: boolean; json?: boolean }, command: Command) => {
      limitHeapGrowth(HEAP_GROWING_PERCENT.sync);
      await withStore(command, async ({ config, store, cipher }) => {
        if (!config.directory) {
          const detail = config.writeback.mode === 'agent'
            ? 'no directory is configured here; in agent mode the agent reads it for the server: POST /api/v1/admin/sync, or sync.intervalMinutes in sspr serve'
            : 'no directory is configured (config key "directory")';
          throw new SsprError('invalid-request', { params: { problem: 'other' }, detail });
        }
        const progress = process.stderr.isTTY ? new SyncProgress(process.stderr) : null;
        const summary = await syncDirectory(config.directory, store, cipher, systemClock, {
          full: options.full === true,
          exclusive: true,
          ...(progress
            ? {
                onStart: (mode, expected) => progress.start(`${mode} sync`, expected),
                onProgress: (processed) => progress.update(processed),
              }
            : {}),
        });
        progress?.done();
        process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${summaryLine(summary)}\n`);
      });
    }));
}

