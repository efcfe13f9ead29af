import { Command } from 'commander';
import { withStore, guarded, audited } from './runtime.js';
import { printRows } from './print.js';
import { AdminTokens, adminTokenScopes, isAdminTokenScope, type AdminTokenScope } from '../admin/admin-tokens.js';
import { systemClock } from '../store/clock.js';
import { SsprError } from '../errors/sspr-error.js';

/** A lifetime like `30d`, `12h` or `90m` in milliseconds. */
export function parseLifetime(text: string): number {
  const match = /^(\d{1,5})([dhm])$/.exec(text.trim());
  if (!match) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `--expires takes a number and d, h or m (e.g. 30d), not "${text}"` });
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
  return Number(match[1]) * unit;
}

function scopeNamed(name: string): AdminTokenScope {
  if (!isAdminTokenScope(name)) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `the scope is ${adminTokenScopes.join(', ')}, not "${name}"` });
  return name;
}

/** `sspr admin token create|list|revoke`: administrator API tokens (stored hashed, shown once). */
export function adminCommand(): Command {
  const admin = new Command('admin').description('administration: API tokens');
  const token = admin.command('token').description('administrator API tokens for /api/v1/admin/…');

  token
    .command('create')
    .description('create a token and print it once (only its hash is stored)')
    .option('--name <name>', 'what the token is for', 'admin')
    .option('--scope <scope>', `what it may do: ${adminTokenScopes.join(' | ')}`, 'admin')
    .option('--expires <lifetime>', 'lapse after this long, e.g. 30d, 12h (default: never)')
    .action(guarded(async (options: { name: string; scope: string; expires?: string }, command: Command) => {
      const scope = scopeNamed(options.scope);
      const expiresInMs = options.expires === undefined ? undefined : parseLifetime(options.expires);
      const created = await withStore(command, async ({ store }) => {
        const made = await new AdminTokens(store.db, systemClock).create(options.name, { scope, ...(expiresInMs === undefined ? {} : { expiresInMs }) });
        await audited(store.db, { event: 'admin-token-created', outcome: 'success', detail: { by: 'cli', id: made.id, scope, expiresAt: made.info.expiresAt === null ? null : new Date(made.info.expiresAt).toISOString() } });
        return made;
      });
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(`token ${created.id} (scope ${scope}) created; it is shown only now — store it safely\n`);
    }));

  token
    .command('list')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { json?: boolean }, command: Command) => {
      const rows = await withStore(command, ({ store }) => new AdminTokens(store.db, systemClock).list());
      printRows(
        rows.map((r) => ({
          id: r.id,
          name: r.name,
          scope: r.scope,
          created: new Date(r.createdAt).toISOString(),
          expires: r.expiresAt ? new Date(r.expiresAt).toISOString() : null,
          lastUsed: r.lastUsedAt ? new Date(r.lastUsedAt).toISOString() : null,
          revoked: r.revokedAt ? new Date(r.revokedAt).toISOString() : null,
        })),
        options.json === true,
      );
    }));

  token
    .command('revoke <id>')
    .action(guarded(async (id: string, _options: unknown, command: Command) => {
      const revoked = await withStore(command, async ({ store }) => {
        const done = await new AdminTokens(store.db, systemClock).revoke(id);
        if (done) await audited(store.db, { event: 'admin-token-revoked', outcome: 'success', detail: { by: 'cli', id } });
        return done;
      });
      if (!revoked) throw new SsprError('not-found');
      process.stdout.write(`revoked token ${id}\n`);
    }));
  return admin;
}
