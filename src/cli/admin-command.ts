import { Command } from 'commander';
import { withStore, guarded } from './runtime.js';
import { printRows } from './print.js';
import { AdminTokens } from '../admin/admin-tokens.js';
import { systemClock } from '../store/clock.js';
import { SsprError } from '../errors/sspr-error.js';

/** `sspr admin token create|list|revoke`: administrator API tokens (stored hashed, shown once). */
export function adminCommand(): Command {
  const admin = new Command('admin').description('administration: API tokens');
  const token = admin.command('token').description('administrator API tokens for /api/v1/admin/…');

  token
    .command('create')
    .description('create a token and print it once (only its hash is stored)')
    .option('--name <name>', 'what the token is for', 'admin')
    .action(guarded(async (options: { name: string }, command: Command) => {
      const created = await withStore(command, ({ store }) => new AdminTokens(store.db, systemClock).create(options.name));
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(`token ${created.id} created; it is shown only now — store it safely\n`);
    }));

  token
    .command('list')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { json?: boolean }, command: Command) => {
      const rows = await withStore(command, ({ store }) => new AdminTokens(store.db, systemClock).list());
      printRows(
        rows.map((r) => ({ id: r.id, name: r.name, created: new Date(r.createdAt).toISOString(), lastUsed: r.lastUsedAt ? new Date(r.lastUsedAt).toISOString() : null, revoked: r.revokedAt ? new Date(r.revokedAt).toISOString() : null })),
        options.json === true,
      );
    }));

  token
    .command('revoke <id>')
    .action(guarded(async (id: string, _options: unknown, command: Command) => {
      const revoked = await withStore(command, ({ store }) => new AdminTokens(store.db, systemClock).revoke(id));
      if (!revoked) throw new SsprError('not-found');
      process.stdout.write(`revoked token ${id}\n`);
    }));
  return admin;
}
