/**
 * The console's overview, users and audit-log pages and their JSON API: who may open them, search and paging,
 * actions with CSRF and audit, audit filters, the streamed export (bounded memory, CSV injection) and retention.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestService, type TestService } from '../support/test-service.js';
import { FormClient, csrfOf } from '../support/form-client.js';
import { signInToConsole } from '../support/console-step-up.js';
import { hashPassword } from '../../src/crypto/password-hash.js';
import { ThrottleRepository } from '../../src/store/throttle-repository.js';
import { usernameKey } from '../../src/store/users-repository.js';
import { housekeep } from '../../src/app/housekeeping.js';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { auditExportStream } from '../../src/audit/audit-export.js';

const DAY = 86_400_000;
const EVENTS = 100_000;

describe('console pages and API: overview, users, audit log', () => {
  let svc: TestService;
  let admin: FormClient;
  let plain: FormClient;
  let pagesPulled = 0;

  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_LOG_LEVEL: 'silent' } });
    const { services } = svc;
    await services.users.add({ username: 'ada', isAdmin: true, email: 'ada@example.org', passwordHash: await hashPassword('Ada-Console-Passw0rd!') });
    await services.users.add({ username: 'bob', email: 'bob@example.org', passwordHash: await hashPassword('Bob-Console-Passw0rd!') });
    for (let i = 0; i < 30; i++) await services.users.add({ username: `user${String(i).padStart(2, '0')}`, displayName: i % 2 ? `Odd Person ${i}` : `Even Person ${i}` });
    await services.users.add({ username: 'per%cent', displayName: 'Wild_Card' });
    for (const name of ['eve1', 'eve2', 'eve3']) await services.users.add({ username: name, displayName: 'Zed' });
    const carol = await services.users.add({ username: 'carol', email: 'carol@example.org' });
    const now = services.clock.now();
    const registrationId = randomUUID();
    await services.store.db.insertInto('method_registrations').values([
      { id: registrationId, user_id: carol.id, type: 'email', data: services.cipher.encrypt('{"address":"carol@example.org"}', `method_registrations.data:${registrationId}`), created_at: now, confirmed_at: now, last_used_at: null },
    ]).execute();
    const rows = [];
    for (let i = 0; i < EVENTS; i++) {
      rows.push({
        at: now - (i % 30) * DAY - 1000,
        event: i % 3 === 0 ? 'reset-password' : i % 3 === 1 ? 'reset-start' : 'sign-in',
        outcome: i % 3 === 1 ? 'failure' : 'success',
        user_id: null,
        username: i === 7 ? '=HYPERLINK("http://evil.example/","x")' : `user${String(i % 30).padStart(2, '0')}`,
        flow: null,
        ip: '192.0.2.1',
        user_agent: i === 7 ? '+cmd|calc' : 'test',
        detail: i % 3 === 1 ? JSON.stringify({ reason: i % 2 ? 'ineligible' : 'unknown-user' }) : null,
      });
    }
    for (let start = 0; start < rows.length; start += 500) await services.store.db.insertInto('audit_events').values(rows.slice(start, start + 500)).execute();
    const pages = services.auditLog.pages.bind(services.auditLog);
    services.auditLog.pages = (async function* (filter, size) {
      for await (const page of pages(filter, size)) {
        pagesPulled++;
        yield page;
      }
    }) as typeof services.auditLog.pages;
    admin = new FormClient(svc.baseUrl);
    await signInToConsole(services, svc.baseUrl, admin, 'ada', 'Ada-Console-Passw0rd!');
    plain = new FormClient(svc.baseUrl);
    assert.equal((await plain.signIn('bob', 'Bob-Console-Passw0rd!')).response.status, 303);
  });
  after(() => svc.close());

  it('pages: anonymous → sign-in; a signed-in non-administrator → 403; the API without a token → 401', async () => {
    const anonymous = new FormClient(svc.baseUrl);
    for (const path of ['/admin', '/admin/users', '/admin/users/carol', '/admin/audit']) {
      const page = await anonymous.get(path);
      assert.equal(page.response.status, 303, path);
      assert.match(page.response.headers.get('location') ?? '', /^\/signin\?next=/);
      assert.equal((await plain.get(path)).response.status, 403, path);
    }
    for (const path of ['/api/v1/admin/overview', '/api/v1/admin/users', '/api/v1/admin/users/carol', '/api/v1/admin/audit', '/api/v1/admin/audit/export?format=csv']) {
      assert.equal((await anonymous.json('GET', path)).status, 401, path);
      assert.equal((await plain.json('GET', path)).status, 403, path);
    }
    assert.equal((await anonymous.json('POST', '/api/v1/admin/users/carol/unblock', {})).status, 401);
    assert.equal((await anonymous.json('DELETE', '/api/v1/admin/users/carol/methods/x')).status, 401);
  });

  it('overview: numbers from the store, charts with a title, a description and a data table', async () => {
    // The first page does not wait long for the doctor's first service run; it shows the rest and says so.
    for (let i = 0; i < 50 && (await admin.json('GET', '/api/v1/admin/overview')).body.doctorAt === null; i++) await new Promise((r) => setTimeout(r, 200));
    const page = await admin.get('/admin');
    assert.equal(page.response.status, 200);
    assert.match(page.text, /<svg class="chart"[^>]*role="img"/);
    assert.match(page.text, /<title id="chart-per-day-title">Resets and refusals per day/);
    assert.match(page.text, /<desc id="chart-per-day-desc">/);
    assert.match(page.text, /<details class="chart-data">/);
    assert.match(page.text, /<dd id="stat-users">37<\/dd>/);
    assert.match(page.text, /class="health health-(pass|warn|fail)"/);
    const api = await admin.json('GET', '/api/v1/admin/overview');
    assert.equal(api.status, 200);
    assert.equal(api.body.users.all, 37);
    assert.equal(api.body.users.registered, 2, 'the seeded registration and the authenticator app ada stepped up with');
    const thirty = api.body.activity.find((a: { days: number }) => a.days === 30);
    assert.equal(thirty.resets, Math.ceil(EVENTS / 3));
    assert.equal(thirty.refusals, Math.floor((EVENTS + 1) / 3));
    assert.deepEqual(api.body.refusalsByReason.map((r: { reason: string }) => r.reason).sort(), ['ineligible', 'unknown-user']);
    // Refusals by reason: the label with the id under it; a reason no current version records (`ineligible`) as its id.
    assert.match(page.text, /<text class="chart-label"[^>]*>Unknown user<\/text><text class="chart-axis chart-id"[^>]*>unknown-user<\/text>/);
    assert.match(page.text, /<th scope="row"[^>]*>Unknown user <small>\(<code>unknown-user<\/code>\)<\/small><\/th>/);
    assert.match(page.text, /<text class="chart-label"[^>]*>ineligible<\/text>(?!<text class="chart-axis chart-id")/);
    assert.match(page.text, /<th scope="row"[^>]*>ineligible<\/th>/);
    assert.equal(api.body.resetsPerDay.length, 30);
    const german = await admin.get('/admin?lang=de');
    assert.match(german.text, /Zustand des Dienstes/);
    assert.match(german.text, />Unbekannter Benutzer<\/text><text class="chart-axis chart-id"[^>]*>unknown-user</);
    await admin.get('/admin?lang=en');
  });

  it('users: prefix search on user and display name, keyset pages without overlap', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const result = await admin.json('GET', `/api/v1/admin/users?query=USER&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(result.status, 200);
      seen.push(...result.body.users.map((u: { username: string }) => u.username));
      cursor = result.body.next;
      pages++;
    }
    assert.equal(pages, 5);
    assert.equal(seen.length, 30);
    assert.equal(new Set(seen).size, 30);
    assert.deepEqual(seen, [...seen].sort());
    const mixed: string[] = [];
    let next: string | null = '';
    for (let i = 0; next !== null && i < 20; i++) {
      const result = await admin.json('GET', `/api/v1/admin/users?query=e&limit=3${next ? `&cursor=${next}` : ''}`);
      mixed.push(...result.body.users.map((u: { username: string }) => u.username));
      next = result.body.next;
    }
    assert.deepEqual(mixed.slice(0, 3), ['eve1', 'eve2', 'eve3'], 'user-name matches first, then display-name matches');
    assert.equal(mixed.length, 18);
    assert.equal(new Set(mixed).size, 18);
    const odd = await admin.json('GET', '/api/v1/admin/users?query=odd%20p');
    assert.equal(odd.body.users.length, 15);
    const page = await admin.get('/admin/users?query=user&limit=10');
    assert.match(page.text, /rel="next"/);
    assert.equal((page.text.match(/href="\/admin\/users\/user\d\d"/g) ?? []).length, 10);
  });

  it('users (attacker): LIKE wildcards are literal, huge input is refused, not a 500', async () => {
    assert.deepEqual((await admin.json('GET', '/api/v1/admin/users?query=%25')).body.users.map((u: { username: string }) => u.username), []);
    assert.deepEqual((await admin.json('GET', '/api/v1/admin/users?query=_')).body.users.map((u: { username: string }) => u.username), []);
    assert.deepEqual((await admin.json('GET', '/api/v1/admin/users?query=per%25')).body.users.map((u: { username: string }) => u.username), ['per%cent']);
    assert.deepEqual((await admin.json('GET', '/api/v1/admin/users?query=wild_')).body.users.map((u: { username: string }) => u.username), ['per%cent']);
    assert.deepEqual((await admin.json('GET', '/api/v1/admin/users?query=wildx')).body.users, []);
    const huge = await admin.json('GET', `/api/v1/admin/users?query=${'a'.repeat(5000)}`);
    assert.equal(huge.status, 400);
    assert.equal(huge.body.error.code, 'invalid-request');
    assert.equal((await admin.json('GET', '/api/v1/admin/users?cursor=%27%3B--')).status, 400);
    assert.equal((await admin.json('GET', '/api/v1/admin/users?limit=100000')).status, 400);
    assert.equal((await admin.get('/admin/users?query=' + 'b'.repeat(5000))).response.status, 400);
  });

  it('user page: profile, methods, doctor verdict, trail; unknown users are 404', async () => {
    const page = await admin.get('/admin/users/carol');
    assert.equal(page.response.status, 200);
    assert.match(page.text, /carol@example\.org/);
    assert.match(page.text, /<table id="methods"[^>]*>/);
    assert.match(page.text, /id="doctor-verdict"/);
    assert.match(page.text, /href="\/admin\/audit\?user=carol"/);
    assert.equal((await admin.get('/admin/users/nobody')).response.status, 404);
    assert.equal((await admin.json('GET', '/api/v1/admin/users/nobody')).status, 404);
    const api = await admin.json('GET', '/api/v1/admin/users/carol');
    assert.equal(api.body.methods.length, 1);
    assert.equal(JSON.stringify(api.body).includes('address'), false, 'method data never leaves');
  });

  it('remove a method: needs the CSRF token, audited with the operator; unknown method 404', async () => {
    const { services } = svc;
    const carol = await services.users.get('carol');
    const [method] = await services.registrations.listForUser(carol.id);
    assert.ok(method);
    const path = `/admin/users/carol/methods/${method.id}/remove`;
    assert.equal((await admin.post(path, { _csrf: 'A'.repeat(43) })).response.status, 403);
    const page = await admin.get('/admin/users/carol');
    const removed = await admin.post(path, { _csrf: csrfOf(page.text) });
    assert.equal(removed.response.status, 303);
    assert.equal((await services.registrations.listForUser(carol.id)).length, 0);
    const trail = await services.auditLog.list({ username: 'carol' });
    assert.deepEqual(trail.at(-1)?.detail, { method: 'email', by: 'user:ada' });
    assert.equal((await admin.post(path, { _csrf: csrfOf(page.text) })).response.status, 404);
    assert.equal((await admin.json('DELETE', `/api/v1/admin/users/carol/methods/${method.id}`)).status, 404);
  });

  it('lift block: the reset throttle block goes, audited; a second lift finds nothing', async () => {
    const { services } = svc;
    const throttles = new ThrottleRepository(services.store.db, services.keys.keyFor('throttle'));
    await throttles.block(`user:${usernameKey('user03')}:block`, services.clock.now() + 3_600_000, 'failed-proofs');
    const page = await admin.get('/admin/users/user03?lang=en');
    assert.match(page.text, /Lift block/);
    const overview = await admin.json('GET', '/api/v1/admin/overview');
    assert.equal(overview.body.users.blocked, 1);
    const lifted = await admin.json('POST', '/api/v1/admin/users/user03/unblock', {});
    assert.deepEqual(lifted.body, { resetBlock: true, signInBlock: false });
    assert.deepEqual((await admin.json('POST', '/api/v1/admin/users/user03/unblock', {})).body, { resetBlock: false, signInBlock: false });
    assert.match(page.text, /Too many failed proofs \(failed-proofs\)/, 'the block names its reason in words, with the id');
    const trail = (await services.auditLog.list({ username: 'user03', limit: 100_000 })).filter((e) => e.event === 'user-unblocked');
    assert.deepEqual(trail.map((e) => e.detail), [{ by: 'user:ada', resetBlock: true, signInBlock: false }, { by: 'user:ada', resetBlock: false, signInBlock: false }]);
    // The user's trail says the detail in words; the audit log in Japanese uses its own label pattern.
    const after = await admin.get('/admin/users/user03?lang=en');
    assert.match(after.text, /<td class="detail"[^>]*><span class="detail-pair">By: user:ada<\/span><br><span class="detail-pair">Reset block lifted: yes<\/span><br><span class="detail-pair">Sign-in block lifted: no<\/span><\/td>/);
    const japanese = await admin.get('/admin/audit?user=user03&event=user-unblocked&lang=ja');
    assert.match(japanese.text, /<span class="detail-pair">実行者：user:ada<\/span><br><span class="detail-pair">リセットのブロック解除：はい<\/span>/);
    await admin.get('/admin?lang=en');
    assert.equal((await admin.json('POST', '/api/v1/admin/users/nobody/unblock', {})).status, 404);
  });

  it('frozen account ("this wasn\'t me"): the user page says so, an administrator lifts it with CSRF, audited; a non-administrator cannot', async () => {
    const { services } = svc;
    const user = await services.users.get('user04');
    await services.integrity.repository.freeze({ userId: user.id, username: user.username, notice: 'reset', frozenAt: services.clock.now(), ip: null });
    const page = await admin.get('/admin/users/user04?lang=en');
    assert.match(page.text, /id="freeze"/);
    assert.equal((await admin.post('/admin/users/user04/unfreeze', {})).response.status, 403, 'no CSRF token, no change');
    assert.equal((await plain.post('/admin/users/user04/unfreeze', { _csrf: csrfOf(page.text) })).response.status, 403);
    assert.ok(await services.integrity.freeze.freezeOf(user.id), 'still frozen');
    const lifted = await admin.post('/admin/users/user04/unfreeze', { _csrf: csrfOf(page.text) });
    assert.equal(lifted.response.status, 303);
    assert.equal(await services.integrity.freeze.freezeOf(user.id), null);
    assert.match((await admin.get('/admin/users/user04?notice=unfrozen&lang=en')).text, /The freeze is lifted/);
    const [event] = (await services.auditLog.list({ username: 'user04', limit: 100_000 })).filter((e) => e.event === 'account-unfrozen');
    assert.equal((event?.detail as { by?: string } | undefined)?.by, 'user:ada');
  });

  it('audit log: filters by user, event, outcome and time; keyset pages newest first without overlap', async () => {
    const all: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await admin.json('GET', `/api/v1/admin/audit?user=user05&event=reset-password&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      for (const e of page.body.events) {
        assert.equal(e.username, 'user05');
        assert.equal(e.event, 'reset-password');
      }
      all.push(...page.body.events.map((e: { id: number }) => e.id));
      cursor = page.body.next;
    }
    const expected = Array.from({ length: EVENTS }, (_, i) => i).filter((i) => i % 30 === 5 && i % 3 === 0 && i !== 7).length;
    assert.equal(all.length, expected);
    assert.equal(new Set(all).size, all.length);
    const failures = await admin.json('GET', '/api/v1/admin/audit?outcome=failure&limit=200');
    assert.ok(failures.body.events.every((e: { outcome: string }) => e.outcome === 'failure'));
    const today = new Date(svc.services.clock.now()).toISOString().slice(0, 10);
    const todays = await admin.json('GET', `/api/v1/admin/audit?since=${today}&until=${today}&event=sign-in&limit=200`);
    assert.ok(todays.body.events.length > 0);
    assert.ok(todays.body.events.every((e: { at: number }) => new Date(e.at).toISOString().startsWith(today)));
    assert.equal((await admin.json('GET', '/api/v1/admin/audit?event=no-such-event')).status, 400);
    assert.equal((await admin.json('GET', '/api/v1/admin/audit?since=yesterday')).status, 400);
    const page = await admin.get('/admin/audit?event=reset-start&outcome=failure');
    assert.equal(page.response.status, 200);
    assert.match(page.text, /rel="next"/);
    assert.match(page.text, /\/api\/v1\/admin\/audit\/export\?event=reset-start&amp;outcome=failure&amp;format=csv/);
    assert.match(page.text, /<th scope="row"[^>]*><span class="event-label">Reset started<\/span> <code class="event-id">reset-start<\/code><\/th>/);
    assert.match(page.text, /<option value="reset-start" selected>Reset started \(reset-start\)<\/option>/);
    // The detail column: a known reason in words with its id beside it; one from an older version as its id.
    const user04 = await admin.get('/admin/audit?user=user04&event=reset-start&outcome=failure');
    assert.match(user04.text, /<td class="detail"[^>]*><span class="detail-pair">Reason: Unknown user <small class="reason-id">\(<code>unknown-user<\/code>\)<\/small><\/span><\/td>/);
    assert.match(page.text, /<td class="detail"[^>]*><span class="detail-pair">Reason: <code class="reason-id">ineligible<\/code><\/span><\/td>/);
    const japanese = await admin.get('/admin/audit?event=reset-start&outcome=failure&lang=ja');
    assert.match(japanese.text, /<span class="event-label">リセット開始<\/span> <code class="event-id">reset-start<\/code>/);
    assert.match((await admin.get('/admin/audit?user=user04&event=reset-start&lang=ja')).text, /<span class="detail-pair">理由：不明なユーザー <small class="reason-id">\(<code>unknown-user<\/code>\)<\/small><\/span>/);
    await admin.get('/admin?lang=en');
  });

  it('export stream: a slow reader holds the reads back (at most a page or two ahead of what was written)', async () => {
    let pulled = 0;
    let written = 0;
    let ahead = 0;
    async function* pages() {
      for (let p = 0; p < 50; p++) {
        pulled++;
        ahead = Math.max(ahead, pulled - written);
        yield Array.from({ length: 1000 }, (_, i) => ({ id: p * 1000 + i, at: 0, event: 'sign-in', outcome: 'success' as const, username: 'x'.repeat(100) }));
      }
    }
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk, _encoding, done) {
        written++;
        setImmediate(done);
      },
    });
    await pipeline(auditExportStream(pages(), 'csv'), slow);
    assert.equal(pulled, 50);
    assert.ok(ahead <= 3, `the reads ran ${ahead} pages ahead of the writer`);
  });

  it('export: 100,000 events stream over HTTP, page by page; CSV cells cannot run formulas', async () => {
    pagesPulled = 0;
    const response = await admin.open('/api/v1/admin/audit/export?format=csv');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="sspr-audit-.*\.csv"/);
    assert.equal(response.headers.get('content-length'), null, 'streamed, not buffered');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const lines = text.split('\r\n').filter(Boolean);
    assert.ok(lines.length >= EVENTS - 1, `${lines.length} lines`);
    assert.ok(pagesPulled >= 20, `read in pages of 1,000 (${pagesPulled})`);
    const evil = lines.find((line) => line.includes('HYPERLINK'));
    assert.ok(evil);
    assert.match(evil, /,"'=HYPERLINK\(""http:\/\/evil\.example\/"",""x""\)",/);
    assert.match(evil, /,'\+cmd\|calc,/);
    const jsonl = await admin.get('/api/v1/admin/audit/export?format=jsonl&event=reset-start');
    const records = jsonl.text.trim().split('\n').map((line) => JSON.parse(line) as { event: string; detail: { reason: string } });
    assert.equal(records.length, Math.floor((EVENTS + 1) / 3));
    assert.ok(records.every((r) => r.event === 'reset-start' && typeof r.detail.reason === 'string'));
    assert.equal((await admin.json('GET', '/api/v1/admin/audit/export?format=xlsx')).status, 400);
  });

  it('retention: housekeeping deletes events older than audit.retentionDays in batches; newer ones stay', async () => {
    const { services } = svc;
    const now = services.clock.now();
    const old = Array.from({ length: 1200 }, (_, i) => ({ at: now - 400 * DAY - i, event: 'sign-in', outcome: 'success', user_id: null, username: 'ancient', flow: null, ip: null, user_agent: null, detail: null }));
    for (let start = 0; start < old.length; start += 500) await services.store.db.insertInto('audit_events').values(old.slice(start, start + 500)).execute();
    assert.equal(await services.auditLog.purgeBefore(now - 365 * DAY, 500, 1), 500, 'one bounded batch');
    const before = (await services.auditLog.list({ limit: 1_000_000 })).length;
    await housekeep({ flows: services.flows as never, sessions: services.sessions, challenges: services.challenges, throttles: new ThrottleRepository(services.store.db, Buffer.alloc(32)), rateLimits: { purgeBefore: async () => {} } as never, audit: { log: services.auditLog, retentionDays: services.config.audit.retentionDays } }, now);
    assert.equal((await services.auditLog.list({ username: 'ancient' })).length, 0);
    assert.equal((await services.auditLog.list({ limit: 1_000_000 })).length, before - 700);
  });
});
