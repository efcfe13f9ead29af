import { Command } from 'commander';
import { withStore, reportError } from './runtime.js';
import { DirectorySyncTarget } from '../store/directory-sync-target.js';
import { systemClock } from '../store/clock.js';
import { ldapDirectoryReader, adDirectoryReader } from '../sync/directory-reader.js';
import { runSync } from '../sync/sync-run.js';
import { ldapConfigSchema } from '../directory/ldap/ldap-config.js';
import { adConfigSchema } from '../directory/ad/ad-config.js';
import { SsprError } from '../errors/sspr-error.js';

/**
 * `sspr sync [--full]`: imports users and groups (with nesting) from the configured directory by paged
 * search; incremental by default once a full run has set the high-water mark; disables accounts that
 * disappeared (full runs). Idempotent. A progress counter on a terminal, a summary line always.
 */
export function syncCommand(): Command {
  return new Command('sync')
    .description('import users and groups from the configured directory (incremental after the first run)')
    .option('--full', 'read everything and disable accounts that no longer exist')
    .action(async (options: { full?: boolean }, command: Command) => {
      try {
        await withStore(command, async ({ config, store, users, groups }) => {
          if (!config.directory) throw new SsprError('invalid-request', { params: { detail: 'no directory is configured (config key "directory")' } });
          const { kind, ...section } = config.directory;
          const reader = kind === 'ad' ? adDirectoryReader(adConfigSchema.parse(section)) : ldapDirectoryReader(ldapConfigSchema.parse(section));
          const target = new DirectorySyncTarget(store.db, users, groups, String(kind), systemClock, store.dialect === 'sqlite');
          const mode = options.full || (await target.readMarker()) === null ? 'full' : 'incremental';
          const onProgress = process.stderr.isTTY ? (n: number) => process.stderr.write(`\r${mode} sync: ${n} entries`) : undefined;
          try {
            const summary = await runSync(reader, target, { mode, onProgress });
            await target.flush();
            if (onProgress) process.stderr.write('\n');
            const a = summary.accounts;
            const g = summary.groups;
            process.stdout.write(
              `${summary.mode} sync from ${kind}: users ${a.created} created, ${a.updated} updated, ${a.unchanged} unchanged, ${a.disabled} disabled; ` +
                `groups ${g.created} created, ${g.updated} updated, ${g.unchanged} unchanged; ${summary.seconds.toFixed(1)} s\n`,
            );
          } finally {
            await reader.close();
          }
        });
      } catch (error) {
        reportError(error);
      }
    });
}
