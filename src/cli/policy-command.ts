import { Command } from 'commander';
import { withStore, guarded } from './runtime.js';
import { printRows } from './print.js';
import { MAX_CUSTOM_BANNED_TERMS } from '../password-policy/index.js';
import { SsprError } from '../errors/sspr-error.js';
import { BannedTermsRepository } from '../store/banned-terms-repository.js';
import { PolicyStore } from '../policy/policy-store.js';
import { SettingsRepository } from '../store/settings-repository.js';
import { AuditRepository } from '../store/audit-repository.js';
import { Audit } from '../audit/audit.js';
import { createLogger } from '../app/logger.js';
import { systemClock } from '../store/clock.js';
import { bannedTermOf } from '../policy/banned-term.js';

const termOf = bannedTermOf;

/** `sspr policy banned add|remove|list`: the organisation's own banned-password terms (up to 1000). */
export function policyCommand(): Command {
  const policy = new Command('policy').description('the SSPR policy and the password policy');
  const banned = policy.command('banned').description("the organisation's banned password terms (matched like Entra's custom list)");

  banned
    .command('add <terms...>')
    .description('add terms (e.g. the company name, products, locations)')
    .action(guarded(async (raw: string[], _options: unknown, command: Command) => {
      const terms = raw.map(termOf);
      const added = await withStore(command, async ({ store }) => {
        const repository = new BannedTermsRepository(store.db);
        const existing = new Set(await repository.list());
        const fresh = [...new Set(terms)].filter((t) => !existing.has(t));
        if (existing.size + fresh.length > MAX_CUSTOM_BANNED_TERMS) {
          throw new SsprError('invalid-request', {
            params: { problem: 'other' },
            detail: `the custom list holds at most ${MAX_CUSTOM_BANNED_TERMS} terms (${existing.size} now, ${fresh.length} new)`,
          });
        }
        return repository.add(fresh, Date.now());
      });
      process.stdout.write(added.length ? `added ${added.join(', ')}\n` : 'nothing new to add\n');
    }));

  banned
    .command('remove <terms...>')
    .description('remove terms')
    .action(guarded(async (raw: string[], _options: unknown, command: Command) => {
      const terms = raw.map(termOf);
      const removed = await withStore(command, async ({ store }) => {
        return new BannedTermsRepository(store.db).remove(terms);
      });
      const missing = terms.filter((t) => !removed.includes(t));
      if (removed.length) process.stdout.write(`removed ${removed.join(', ')}\n`);
      if (missing.length) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `not on the list: ${missing.join(', ')}` });
    }));

  banned
    .command('list')
    .description('list the custom terms (the shipped global list applies as well)')
    .option('--json', 'print JSON')
    .action(guarded(async (options: { json?: boolean }, command: Command) => {
      const terms = await withStore(command, async ({ store }) => {
        return new BannedTermsRepository(store.db).list();
      });
      printRows(terms.map((term) => ({ term })), options.json === true);
    }));

  policy
    .command('show')
    .description('print the SSPR policy (who may reset, methods, throttles) as JSON')
    .action(guarded(async (_options: unknown, command: Command) => {
      const current = await withStore(command, ({ store }) => new PolicyStore(new SettingsRepository(store.db), systemClock, null).current());
      process.stdout.write(JSON.stringify(current, null, 2) + '\n');
    }));

  policy
    .command('set <assignments...>')
    .description('change the SSPR policy: key=value … (e.g. methodsRequired=2 enabled=selected group=Staff methods=email,totp throttles.failedProofs=3)')
    .action(guarded(async (assignments: string[], _options: unknown, command: Command) => {
      const change = parseAssignments(assignments);
      const updated = await withStore(command, async ({ store, config }) => {
        const audit = new Audit(new AuditRepository(store.db), systemClock, createLogger('silent'), config.audit.sinks.map((sink) => sink.id));
        return new PolicyStore(new SettingsRepository(store.db), systemClock, audit).update(change, `cli:${process.env.USER ?? 'admin'}`);
      });
      process.stdout.write(JSON.stringify(updated, null, 2) + '\n');
    }));

  return policy;
}

/** `a=1 b=true c=x,y d.e=null` → a partial policy; values are JSON where they parse, lists for `methods`. */
function parseAssignments(assignments: string[]): Record<string, unknown> {
  const change: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `"${assignment}" is not key=value` });
    const [key, raw] = [assignment.slice(0, eq), assignment.slice(eq + 1)];
    let value: unknown;
    if (key === 'methods') value = raw.split(',').map((m) => m.trim()).filter(Boolean);
    else {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    const path = key.split('.');
    if (path.length === 2 && path[0] === 'throttles') change.throttles = { ...(change.throttles as object | undefined), [path[1] as string]: value };
    else if (path.length === 1) change[key] = value;
    else throw new SsprError('invalid-request', { params: { problem: 'other' }, detail: `unknown policy key "${key}"` });
  }
  return change;
}
