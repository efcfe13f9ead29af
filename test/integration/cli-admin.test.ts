/**
 * The operator's CLI against a real store: deleting accounts with everything that hangs on them, lifting
 * throttle blocks, methods, roles, group and licence removals (each audited), and the streamed audit export —
 * on SQLite, and the export also on PostgreSQL, with a 100,000-event export held to bounded memory.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCli, cliPath } from '../support/processes.js';
import { createTestDatabase } from '../support/postgres.js';
import { openStore, migrate, type Store } from '../../src/store/database.js';
import { UsersRepository } from '../../src/store/users-repository.js';
import { SessionsRepository } from '../../src/store/sessions-repository.js';
import { AuditRepository } from '../../src/store/audit-repository.js';
import { RegistrationsRepository } from '../../src/store/registrations-repository.js';
import { FlowsRepository } from '../../src/store/flows-repository.js';
import { PasswordHistoryRepository } from '../../src/store/password-history-repository.js';
import { GroupsRepository } from '../../src/store/groups-repository.js';
import { LicencesRepository } from '../../src/store/licences-repository.js';
import { ThrottleRepository } from '../../src/store/throttle-repository.js';
import { Throttles } from '../../src/policy/throttles.js';
import { SignInThrottle } from '../../src/session/sign-in-throttle.js';
import { defaultSsprPolicy as defaultPolicy } from '../../src/policy/sspr-policy.js';
import { SharedKeyring } from '../../src/crypto/shared-keyring.js';
import type { ServiceKeys } from '../../src/crypto/keys.js';
import type { FieldCipher } from '../../src/crypto/field-cipher.js';
import { systemClock } from '../../src/store/clock.js';

/** One sentence on stderr, exit code 1, no stack trace. */
function assertRefused(result: { status: number | null; stderr: string }, sentence: RegExp): void {
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, sentence);
  assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\bat .*\.js:\d+/, 'no stack trace');
}

/** `count` generated events in pages of one multi-row insert each; ids rise with `at`. */
async function generateEvents(store: Store, count: number, start: number): Promise<void> {
  const events = ['sign-in', 'reset-start', 'reset-send', 'reset-verify', 'reset-password'];
  for (let first = 0; first < count; first += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - first) }, (_, k) => {
      const i = first + k;
      return {
        at: start + i * 1000,
        event: events[i % events.length] as string,
        outcome: i % 7 === 0 ? 'failure' : 'success',
        user_id: null,
        username: `user${i % 500}`,
        flow: null,
        ip: `192.0.2.${i % 250}`,
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0, "quoted"',
        detail: JSON.stringify({ method: 'email', reason: i % 7 === 0 ? 'code-wrong' : undefined }),
      };
    });
    await store.db.insertInto('audit_events').values(rows).execute();
  }
}

/**
 * Holding 100,000 such events as objects takes about 31 MB of V8 heap on top of the CLI's own ~24 MB (measured), so
 * under this old-space cap an export that loads them all dies; one that streams page by page does not (the cap
 * leaves a streaming export room for a slow reader on a loaded machine).
 */
const heapCapMb = 40;

/** The bound the 100,000-event export must stay under: the CLI's own footprint (~110 MB) plus one page, with room. */
const peakRssBoundMb = 160;

/**
 * Runs `sspr audit export` with the V8 heap capped and counts its lines without keeping them; samples the
 * child's peak resident set (VmHWM, the kernel's high-water mark) until it exits.
 */
function exportMeasured(args: string[], env: Record<string, string>): Promise<{ status: number | null; lines: number; firstLine: string; peakMb: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapCapMb}`, cliPath, 'audit', 'export', ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let firstLine = '';
    let stderr = '';
    let peakKb = 0;
    const sample = () => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm?.[1]) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // the child has gone; the last sample stands
      }
    };
    const timer = setInterval(sample, 10);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!firstLine.includes('\n')) firstLine += chunk.toString('utf8', 0, Math.min(chunk.length, 4096));
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      sample();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (status) => {
      clearInterval(timer);
      resolve({ status, lines, firstLine: firstLine.split(/\r?\n/)[0] ?? '', peakMb: peakKb / 1024, stderr });
    });
  });
}

describe('sspr CLI for operators (SQLite)', () => {
  let dir: string;
  let env: Record<string, string>;
  let store: Store;
  let users: UsersRepository;
  let keys: ServiceKeys;
  let storeCipher: FieldCipher;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sspr-cli-admin-'));
    env = { SSPR_DATA_DIR: dir };
    store = openStore(undefined, dir);
    await migrate(store);
    const opened = await SharedKeyring.open(store, dir);
    keys = opened.keys;
    storeCipher = opened.keyring.cipher;
    users = new UsersRepository(store.db, systemClock, storeCipher);
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const trail = async (username: string) => (await new AuditRepository(store.db).list({ username })).map((e) => [e.event, e.detail]);

  it('user delete removes the account with its registrations, sessions, flows, history, memberships and licences, in one audited act', async () => {
    const cipher = storeCipher;
    const carla = await users.add({ username: 'carla', email: 'carla@example.org' });
    const keep = await users.add({ username: 'keep' });
    const now = Date.now();
    await new RegistrationsRepository(store.db, cipher).add(carla.id, 'email', { address: 'carla@example.org' }, now);
    await new RegistrationsRepository(store.db, cipher).add(keep.id, 'email', { address: 'keep@example.org' }, now);
    await new SessionsRepository(store.db).create('carla-session', carla.id, now, now + 60_000);
    await new SessionsRepository(store.db).create('keep-session', keep.id, now, now + 60_000);
    const flows = new FlowsRepository(store.db);
    await flows.create({ digest: 'carla-flow', userId: carla.id, username: 'carla', methods: [], required: 1, expiresAt: now + 60_000 }, now);
    await flows.replaceCode('carla-flow', 'm1', 'hash', now + 60_000, now);
    await new PasswordHistoryRepository(store.db).push(carla.id, 'old-hash', now, 5);
    const groups = new GroupsRepository(store.db, systemClock);
    const team = await groups.add('Team');
    await groups.addUser(team.id, carla.id);
    await new LicencesRepository(store.db, groups).assign('sspr', 'user', carla.id);

    await assert.rejects(
      users.delete(carla.id, async () => {
        throw new Error('the audit record failed');
      }),
      /the audit record failed/,
    );
    assert.ok(await users.findByUsername('carla'), 'a deletion whose audit record fails is rolled back whole');
    assert.equal((await new RegistrationsRepository(store.db, cipher).listForUser(carla.id)).length, 1);

    const deleted = runCli(['user', 'delete', 'Carla', '--json'], { env });
    assert.equal(deleted.status, 0, deleted.stderr);
    assert.deepEqual(JSON.parse(deleted.stdout), { username: 'Carla', registrations: 1, sessions: 1, flows: 1 });

    assert.equal(await users.findByUsername('carla'), null);
    const left = async (table: 'method_registrations' | 'sessions' | 'reset_flows' | 'reset_codes' | 'password_history' | 'group_members' | 'licence_assignments') =>
      Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    assert.deepEqual(
      [await left('method_registrations'), await left('sessions'), await left('reset_flows'), await left('reset_codes'), await left('password_history'), await left('group_members'), await left('licence_assignments')],
      [1, 1, 0, 0, 0, 0, 0],
      'only the other account\'s registration and session stay',
    );
    assert.deepEqual(await trail('carla'), [['user-deleted', { by: 'cli', registrations: 1, sessions: 1, flows: 1 }]]);

    assertRefused(runCli(['user', 'delete', 'carla'], { env }), /^sspr: There is no user named "carla"\.$/m);
    await users.add({ username: 'dora', source: 'ldap', anchor: 'uuid-dora' });
    assertRefused(runCli(['user', 'delete', 'dora'], { env }), /"dora" is managed in the ldap directory/);
    assert.ok(await users.findByUsername('dora'), 'a directory account stays');
  });

  it('user unblock lifts the reset block and the sign-in block (and one client\'s with --ip), audited', async () => {
    const erik = await users.add({ username: 'erik' });
    const repository = new ThrottleRepository(store.db, keys.keyFor('throttle'));
    const throttles = new Throttles(repository, systemClock);
    const signIn = new SignInThrottle(repository, systemClock);
    for (let i = 0; i < defaultPolicy.throttles.failedProofs; i++) await throttles.failedProof('erik', defaultPolicy);
    for (let i = 0; i < 20; i++) await signIn.failed('erik', '203.0.113.9');
    assert.ok(await throttles.blockedUntil('erik'));
    assert.ok(await signIn.nameBlockedUntil('erik'));
    assert.ok(await signIn.blockedUntil('erik', '203.0.113.9'));
    const shown = JSON.parse(runCli(['user', 'show', 'erik', '--json'], { env }).stdout);
    assert.ok(shown.resetBlockedUntil && shown.signInBlockedUntil);

    const lifted = runCli(['user', 'unblock', 'ERIK', '--ip', '203.0.113.9', '--json'], { env });
    assert.equal(lifted.status, 0, lifted.stderr);
    assert.deepEqual(JSON.parse(lifted.stdout), { username: 'ERIK', resetBlock: true, signInBlock: true });
    assert.equal(await throttles.blockedUntil('erik'), null);
    assert.equal(await signIn.blockedUntil('erik', '203.0.113.9'), null, 'the name block and that client\'s block are gone');
    assert.equal(await throttles.failedProofs('erik', defaultPolicy), 0, 'the counters start again');
    assert.deepEqual(await trail('erik'), [['user-unblocked', { by: 'cli', resetBlock: true, signInBlock: true, client: '203.0.113.9' }]]);
    assert.equal(erik.username, 'erik');

    assertRefused(runCli(['user', 'unblock', 'nobody'], { env }), /no user named "nobody"/);
    assertRefused(runCli(['user', 'unblock', 'erik', '--ip', 'not-an-address'], { env }), /not an IP address/);
  });

  it('user methods list shows ids, types and dates but never the registered data; remove by id or type, audited', async () => {
    const cipher = storeCipher;
    const fay = await users.add({ username: 'fay' });
    const registrations = new RegistrationsRepository(store.db, cipher);
    const email = await registrations.add(fay.id, 'email', { address: 'fay-secret@example.org' }, Date.now());
    await registrations.add(fay.id, 'sms', { phone: '+4915100000001' }, Date.now());

    const listed = runCli(['user', 'methods', 'list', 'fay', '--json'], { env });
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).map((r: { type: string }) => r.type).sort(), ['email', 'sms']);
    assert.doesNotMatch(listed.stdout, /fay-secret|4915100000001/, 'no addresses or numbers');
    assert.match(runCli(['user', 'methods', 'list', 'fay'], { env }).stdout, /^id\s+type\s+created/);

    assert.match(runCli(['user', 'methods', 'remove', 'fay', email.id], { env }).stdout, /removed 1 method registration of fay/);
    assert.equal(runCli(['user', 'methods', 'remove', 'fay', 'sms'], { env }).status, 0);
    assert.deepEqual(await registrations.listForUser(fay.id), []);
    assert.deepEqual(await trail('fay'), [
      ['method-removed', { method: 'email', by: 'cli' }],
      ['method-removed', { method: 'sms', by: 'cli' }],
    ]);
    assertRefused(runCli(['user', 'methods', 'remove', 'fay', 'sms'], { env }), /User "fay" has no verification method "sms"\./);
    assertRefused(runCli(['user', 'methods', 'list', 'ghost'], { env }), /no user named "ghost"/);
  });

  it('user methods reregister removes every registration and leaves a standing request, audited with the types', async () => {
    const registrations = new RegistrationsRepository(store.db, storeCipher);
    const jon = await users.add({ username: 'jon' });
    await registrations.add(jon.id, 'email', { address: 'jon-secret@example.org' }, Date.now());
    await registrations.add(jon.id, 'sms', { phone: '+4915100000002' }, Date.now());
    const done = runCli(['user', 'methods', 'reregister', 'jon'], { env });
    assert.equal(done.status, 0, done.stderr);
    assert.match(done.stdout, /removed 2 method registrations of jon; jon must register again at next sign-in/);
    assert.deepEqual(await registrations.listForUser(jon.id), []);
    assert.equal((await registrations.reregistrationSince(jon.id))?.by, 'cli');
    assert.deepEqual(await trail('jon'), [['reregistration-required', { by: 'cli', removed: 2, types: 'email,sms' }]]);
    assertRefused(runCli(['user', 'methods', 'reregister', 'ghost'], { env }), /no user named "ghost"/);
  });

  it('another user\'s registration id is not found, never removed', async () => {
    const cipher = storeCipher;
    const gus = await users.add({ username: 'gus' });
    await users.add({ username: 'hal' });
    const registration = await new RegistrationsRepository(store.db, cipher).add(gus.id, 'email', { address: 'gus@example.org' }, Date.now());
    assertRefused(runCli(['user', 'methods', 'remove', 'hal', registration.id], { env }), /no verification method/);
    assert.equal((await new RegistrationsRepository(store.db, cipher).listForUser(gus.id)).length, 1);
  });

  it('role assign|remove: administrator and helpdesk, audited; taking a role away ends the sessions; promote/demote are aliases', async () => {
    const ida = await users.add({ username: 'ida' });
    const sessions = new SessionsRepository(store.db);
    assert.match(runCli(['role', 'assign', 'helpdesk', 'ida'], { env }).stdout, /assigned helpdesk to ida/);
    assert.match(runCli(['role', 'assign', 'helpdesk', 'ida'], { env }).stdout, /already holds the helpdesk role/);
    assert.equal(runCli(['user', 'promote', 'ida'], { env }).status, 0);
    assert.deepEqual(await users.rolesOf(ida.id), ['administrator', 'helpdesk']);
    assert.equal((await users.get('ida')).isAdmin, true);
    assert.deepEqual(JSON.parse(runCli(['user', 'show', 'ida', '--json'], { env }).stdout).roles, ['administrator', 'helpdesk']);

    await sessions.create('ida-session', ida.id, Date.now(), Date.now() + 60_000);
    assert.match(runCli(['role', 'remove', 'helpdesk', 'ida'], { env }).stdout, /removed helpdesk from ida/);
    assert.equal(await sessions.findUserId('ida-session', Date.now()), null, 'removing a role ends the sessions');
    assert.deepEqual(await users.rolesOf(ida.id), ['administrator']);
    await sessions.create('ida-session-2', ida.id, Date.now(), Date.now() + 60_000);
    assert.match(runCli(['role', 'remove', 'helpdesk', 'ida'], { env }).stdout, /does not hold the helpdesk role/);
    assert.equal(await sessions.findUserId('ida-session-2', Date.now()), ida.id, 'nothing changed: nothing ends');

    assert.deepEqual(await trail('ida'), [
      ['role-assigned', { by: 'cli', role: 'helpdesk' }],
      ['role-assigned', { by: 'cli', role: 'administrator' }],
      ['role-removed', { by: 'cli', role: 'helpdesk' }],
    ]);
    assertRefused(runCli(['role', 'assign', 'root', 'ida'], { env }), /the role is administrator or helpdesk, not "root"/);
    assertRefused(runCli(['role', 'assign', 'helpdesk', 'nobody'], { env }), /no user named "nobody"/);
  });

  it('group remove-member and license unassign remove only what is there, audited', async () => {
    const jan = await users.add({ username: 'jan' });
    const groups = new GroupsRepository(store.db, systemClock);
    const outer = await groups.add('Outer');
    const inner = await groups.add('Inner');
    await groups.addUser(inner.id, jan.id);
    await groups.addGroup(outer, inner);
    const licences = new LicencesRepository(store.db, groups);
    await licences.assign('sspr', 'group', outer.id);
    await licences.assign('sspr-writeback', 'user', jan.id);
    assert.deepEqual(await licences.plansOf(jan.id), ['sspr', 'sspr-writeback']);

    assertRefused(runCli(['group', 'remove-member', 'Outer', '--user', 'jan'], { env }), /"jan" is not a direct member of group "Outer"\./);
    assert.equal(runCli(['group', 'remove-member', 'Outer', '--group', 'Inner'], { env }).status, 0);
    assert.deepEqual(await groups.groupsOfUser(jan.id), ['Inner']);
    assert.equal(runCli(['group', 'remove-member', 'Inner', '--user', 'jan'], { env }).status, 0);
    assert.deepEqual(await groups.groupsOfUser(jan.id), []);
    assertRefused(runCli(['group', 'remove-member', 'Inner'], { env }), /exactly one of --user or --group/);
    assertRefused(runCli(['group', 'remove-member', 'Nowhere', '--user', 'jan'], { env }), /no group named "Nowhere"/);

    assert.equal(runCli(['license', 'unassign', 'sspr-writeback', '--user', 'jan'], { env }).status, 0);
    assert.equal(runCli(['license', 'unassign', 'sspr', '--group', 'Outer'], { env }).status, 0);
    assert.deepEqual(await licences.list(), []);
    assertRefused(runCli(['license', 'unassign', 'sspr', '--user', 'jan'], { env }), /Plan "sspr" is not assigned directly to "jan"\./);

    assert.deepEqual(await trail('jan'), [
      ['group-member-removed', { by: 'cli', group: 'Inner', memberType: 'user', member: 'jan' }],
      ['licence-unassigned', { by: 'cli', plan: 'sspr-writeback', principalType: 'user', principal: 'jan' }],
    ]);
    const groupEvents = (await new AuditRepository(store.db).list()).filter((e) => e.userId === null && e.detail?.by === 'cli').map((e) => e.event);
    assert.deepEqual(groupEvents, ['group-member-removed', 'licence-unassigned'], 'group removals are audited too');
  });

  it('audit export: CSV with a header and RFC 4180 quoting, formulas defused; JSON Lines; filters', async () => {
    const audit = new AuditRepository(store.db);
    const at = Date.parse('2026-03-01T10:00:00Z');
    await audit.record(at, { event: 'sign-in', outcome: 'failure', username: 'we,ird "name"\nline', userAgent: '=HYPERLINK("http://evil")', detail: { reason: 'invalid-credentials' } });
    await audit.record(at + 86_400_000, { event: 'reset-start', outcome: 'success', username: 'kim' });

    const csv = runCli(['audit', 'export', '--format', 'csv', '--since', '2026-03-01', '--until', '2026-03-03'], { env });
    assert.equal(csv.status, 0, csv.stderr);
    const [header, ...rest] = csv.stdout.split('\r\n');
    assert.equal(header, 'id,at,event,outcome,userId,username,flow,ip,userAgent,detail');
    assert.match(rest[0] as string, /^\d+,2026-03-01T10:00:00\.000Z,sign-in,failure,,"we,ird ""name""\nline",,,"'=HYPERLINK\(""http:\/\/evil""\)","\{""reason"":""invalid-credentials""\}"$/);
    assert.match(rest[1] as string, /,reset-start,success,,kim,/);
    assert.deepEqual(rest.slice(2), [''], 'two rows, each ended by CRLF');

    const jsonl = runCli(['audit', 'export', '--since', '2026-03-01T00:00:00Z', '--until', '2026-03-02'], { env });
    assert.equal(jsonl.status, 0, jsonl.stderr);
    const lines = jsonl.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 1, 'until is exclusive');
    assert.deepEqual(lines[0].detail, { reason: 'invalid-credentials' });
    assert.equal(lines[0].username, 'we,ird "name"\nline');

    const byUser = runCli(['audit', 'export', '--user', 'kim', '--event', 'reset-start'], { env }).stdout.trimEnd().split('\n');
    assert.equal(byUser.length, 1);
    const deletedAccount = runCli(['audit', 'export', '--user', 'carla', '--format', 'jsonl'], { env });
    assert.equal(JSON.parse(deletedAccount.stdout).event, 'user-deleted', 'the trail of a deleted account stays exportable');

    assertRefused(runCli(['audit', 'export', '--event', 'no-such-event'], { env }), /there is no audit event "no-such-event"/);
    assertRefused(runCli(['audit', 'export', '--since', 'yesterday'], { env }), /--since takes an ISO 8601 date/);
    assert.notEqual(runCli(['audit', 'export', '--format', 'xml'], { env }).status, 0);
  });

  it('exports 100,000 events streamed: every row, in a capped heap, peak RSS bounded', async () => {
    await store.db.deleteFrom('audit_events').execute();
    await generateEvents(store, 100_000, Date.parse('2026-01-01T00:00:00Z'));
    const small = await exportMeasured(['--format', 'csv', '--until', '2026-01-01T00:16:40Z'], env);
    assert.equal(small.status, 0, small.stderr);
    assert.equal(small.lines, 1 + 1000);
    const full = await exportMeasured(['--format', 'csv'], env);
    assert.equal(full.status, 0, full.stderr);
    assert.equal(full.firstLine, 'id,at,event,outcome,userId,username,flow,ip,userAgent,detail');
    assert.equal(full.lines, 1 + 100_000);
    const jsonl = await exportMeasured(['--format', 'jsonl'], env);
    assert.equal(jsonl.status, 0, jsonl.stderr);
    assert.equal(jsonl.lines, 100_000);
    process.stdout.write(`# peak RSS: 1,000 events ${small.peakMb.toFixed(1)} MB; 100,000 events csv ${full.peakMb.toFixed(1)} MB, jsonl ${jsonl.peakMb.toFixed(1)} MB\n`);
    for (const run of [full, jsonl]) assert.ok(run.peakMb < peakRssBoundMb, `peak RSS ${run.peakMb.toFixed(1)} MB < ${peakRssBoundMb} MB`);
  });

  it('role assign helpdesk --scope-group limits the grant to a group; admin tokens carry a scope, an expiry and their last use', async () => {
    const kai = await users.add({ username: 'kai' });
    await new GroupsRepository(store.db, systemClock).add('Front desk');
    assert.match(runCli(['role', 'assign', 'helpdesk', 'kai', '--scope-group', 'front desk'], { env }).stdout, /assigned helpdesk to kai/);
    assert.deepEqual(await users.grantsOf(kai.id), { roles: ['helpdesk'], helpdeskScope: 'Front desk' });
    assert.deepEqual(await trail('kai'), [['role-assigned', { by: 'cli', role: 'helpdesk', scope: 'Front desk' }]]);
    assertRefused(runCli(['role', 'assign', 'helpdesk', 'kai', '--scope-group', 'Nowhere'], { env }), /Nowhere/);

    const created = runCli(['admin', 'token', 'create', '--name', 'desk', '--scope', 'helpdesk', '--expires', '30d'], { env });
    assert.equal(created.status, 0, created.stderr);
    const id = /^sspr_admin_([0-9a-f]{16})\./.exec(created.stdout.trim())![1]!;
    const listed = (JSON.parse(runCli(['admin', 'token', 'list', '--json'], { env }).stdout) as Array<Record<string, unknown>>).find((t) => t.id === id)!;
    assert.equal(listed.scope, 'helpdesk');
    const days = (Date.parse(String(listed.expires)) - Date.parse(String(listed.created))) / 86_400_000;
    assert.equal(days, 30);
    assert.equal(listed.lastUsed, null);
    assertRefused(runCli(['admin', 'token', 'create', '--scope', 'root'], { env }), /read-only, helpdesk, admin/);
    assertRefused(runCli(['admin', 'token', 'create', '--expires', 'soon'], { env }), /--expires/);
    assert.equal(runCli(['admin', 'token', 'revoke', id], { env }).status, 0);
  });
});

describe('sspr audit export on PostgreSQL', () => {
  it('streams 100,000 events in order with filters, in a capped heap, peak RSS bounded', async () => {
    const database = await createTestDatabase();
    const store = openStore(database.url, '/nonexistent');
    try {
      await migrate(store);
      await generateEvents(store, 100_000, Date.parse('2026-01-01T00:00:00Z'));
      const env = { SSPR_DATABASE_URL: database.url, SSPR_SECRETS_MASTER_KEY: randomBytes(32).toString('base64'), SSPR_DATA_DIR: mkdtempSync(join(tmpdir(), 'sspr-cli-pg-')) };
      const full = await exportMeasured(['--format', 'jsonl'], env);
      assert.equal(full.status, 0, full.stderr);
      assert.equal(full.lines, 100_000);
      assert.equal(JSON.parse(full.firstLine).id, 1);
      process.stdout.write(`# peak RSS (PostgreSQL): 100,000 events jsonl ${full.peakMb.toFixed(1)} MB\n`);
      assert.ok(full.peakMb < peakRssBoundMb, `peak RSS ${full.peakMb.toFixed(1)} MB < ${peakRssBoundMb} MB`);

      const filtered = runCli(['audit', 'export', '--format', 'csv', '--user', 'user7', '--event', 'reset-send', '--since', '2026-01-01T01:00:00Z'], { env });
      assert.equal(filtered.status, 0, filtered.stderr);
      const rows = filtered.stdout.trimEnd().split('\r\n').slice(1);
      // generateEvents: event i is at start + i s, by user(i mod 500), named events[i mod 5]; 01:00 is i = 3600.
      assert.equal(rows.length, Array.from({ length: 100_000 }, (_, i) => i).filter((i) => i % 500 === 7 && i % 5 === 2 && i >= 3600).length);
      assert.ok(rows.every((row) => row.includes(',reset-send,') && row.includes(',user7,')));
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
