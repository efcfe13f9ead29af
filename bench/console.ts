/**
 * `npm run bench -- console`: the console overview and the user search over SQLite with SSPR_BENCH_CONSOLE_USERS
 * (default 100,000) users and SSPR_BENCH_CONSOLE_EVENTS (default 1,000,000) audit events. Targets: the overview
 * page under 1 s, a user search page under 100 ms (p99); the streamed CSV export of every event, with the growth of
 * resident memory while it runs. Three runs, median (range), with the load average. SSPR_BENCH_CONSOLE_ONLY=readiness
 * measures the readiness sweep alone (SSPR_BENCH_CONSOLE_RUNS runs, default 3) and stops there. The service runs in
 * this process, so `npm run bench` starts node with the young-generation size the server is started with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { startTestService } from '../test/support/test-service.js';
import { FormClient } from '../test/support/form-client.js';
import { signInToConsole } from '../test/support/console-step-up.js';
import { hashPassword } from '../src/crypto/password-hash.js';
import { ConsoleOverview } from '../src/admin/console-overview.js';
import { ConsoleStatsRepository } from '../src/store/console-stats-repository.js';
import { loadAverage, medianAndRange, percentile } from './stats.js';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const DAY = 86_400_000;
const RUNS = Number(process.env.SSPR_BENCH_CONSOLE_RUNS ?? 3);

/** Bulk load through a second connection to the same file: one transaction, prepared statements. */
function seed(file: string, users: number, events: number, cipher: (text: string, context: string) => string): void {
  const db = new BetterSqlite3(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = OFF');
  const now = Date.now();
  const insertUser = db.prepare(`insert into users (id, username, username_key, display_name, first_name, last_name, email, mobile, enabled, is_admin, source, password_hash, password_changed_at, created_at, updated_at, anchor, dn)
    values (?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, null, null, ?, ?, ?, null)`);
  const insertRegistration = db.prepare('insert into method_registrations (id, user_id, type, data, created_at, confirmed_at, last_used_at) values (?, ?, ?, ?, ?, ?, null)');
  const insertEvent = db.prepare('insert into audit_events (at, event, outcome, user_id, username, flow, ip, user_agent, detail) values (?, ?, ?, ?, ?, null, ?, ?, ?)');
  const insertBlock = db.prepare('insert into throttle_blocks (scope, until, reason) values (?, ?, ?)');
  const first = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas'];
  const last = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann'];
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < users; i++) {
      const id = randomUUID();
      ids.push(id);
      const f = first[i % 10] as string;
      const l = last[Math.floor(i / 10) % 10] as string;
      const name = `${f.toLowerCase()}.${l.toLowerCase()}${i}`;
      const created = now - (120 - (i % 120)) * DAY;
      insertUser.run(id, name, name, `${f} ${l} ${i}`, f, l, cipher(`${name}@example.org`, `users.email:${id}`), i % 50 === 0 ? 0 : 1, i % 1000 === 0 ? 1 : 0, i % 2 ? 'ldap' : 'local', created, created, i % 2 ? randomUUID() : null);
      if (i % 5 < 3) {
        const rid = randomUUID();
        const data = i % 3 ? { address: `${name}@example.org` } : { secret: 'JBSWY3DPEHPK3PXP' };
        insertRegistration.run(rid, id, i % 3 ? 'email' : 'totp', cipher(JSON.stringify(data), `method_registrations.data:${rid}`), created + (i % 40) * DAY, created + (i % 40) * DAY);
      }
    }
    for (let i = 0; i < users / 100; i++) insertBlock.run(`h:bench${i}`, now + DAY, 'failed-proofs');
    const kinds: Array<[string, string, string | null]> = [
      ['sign-in', 'success', null],
      ['sign-in', 'failure', '{"reason":"invalid-credentials"}'],
      ['reset-start', 'success', null],
      ['reset-start', 'failure', '{"reason":"ineligible"}'],
      ['reset-send', 'success', '{"method":"email"}'],
      ['reset-verify', 'success', '{"method":"email"}'],
      ['reset-verify', 'failure', '{"method":"email","reason":"code-wrong"}'],
      ['reset-password', 'success', '{"writtenBack":true,"path":"self-service-reset"}'],
      ['reset-password', 'failure', '{"reason":"password-rejected"}'],
      ['reset-blocked', 'failure', '{"reason":"failed-proofs"}'],
      ['email-delivered', 'success', '{"purpose":"reset"}'],
      ['method-registered', 'success', '{"method":"totp"}'],
    ];
    for (let i = 0; i < events; i++) {
      const [event, outcome, detail] = kinds[(i * 7) % kinds.length] as [string, string, string | null];
      const u = (i * 7919) % users;
      insertEvent.run(now - Math.floor((events - i) * ((90 * DAY) / events)), event, outcome, ids[u] as string, `user${u}`, '192.0.2.10', 'Mozilla/5.0 bench', detail);
    }
  })();
  db.close();
}

export async function benchConsole(): Promise<void> {
  console.log('\n== console ==');
  const users = Number(process.env.SSPR_BENCH_CONSOLE_USERS ?? 100_000);
  const events = Number(process.env.SSPR_BENCH_CONSOLE_EVENTS ?? 1_000_000);
  // SSPR_BENCH_CONSOLE_DIR keeps the loaded store between runs (loaded once, reused when it holds the admin).
  const keep = process.env.SSPR_BENCH_CONSOLE_DIR;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'sspr-bench-console-'));
  const svc = await startTestService({ dialect: 'sqlite', dataDir, env: { SSPR_LOG_LEVEL: 'silent' } });
  try {
    const { services } = svc;
    if (!(await services.users.findByUsername('bench-admin'))) {
      await services.users.add({ username: 'bench-admin', isAdmin: true, passwordHash: await hashPassword('Bench-Admin-Passw0rd!') });
      const started = performance.now();
      seed(services.store.location.replace(/^sqlite:/, ''), users, events, (text, context) => services.cipher.encrypt(text, context));
      console.log(`console: ${users} users and ${events} audit events loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    // The doctor's service run behind the health banner is renewed in the background once a minute and is
    // measured by `npm run bench -- doctor`; here it stands made, so the figures are the overview's own.
    const doctorReport = { user: null, canReset: true, checks: [], summary: { users, checks: [], elapsedMs: 0 } };
    services.doctor.diagnoseService = async () => doctorReport;
    // The readiness sweep behind "can reset now": the doctor's user-level verdict over every account, with the
    // longest stretch it held the event loop (its own measure, and the loop's delay as a timer sees it).
    // Stores loaded by an older bench hold a placeholder instead of encrypted method data: stored as the service stores it.
    const file = services.store.location.replace(/^sqlite:/, '');
    const raw = new BetterSqlite3(file);
    const placeholders = raw.prepare("select id, type from method_registrations where data = 'x'").all() as Array<{ id: string; type: string }>;
    const update = raw.prepare('update method_registrations set data = ? where id = ?');
    raw.transaction(() => {
      for (const row of placeholders) update.run(services.cipher.encrypt(JSON.stringify(row.type === 'email' ? { address: 'someone@example.org' } : { secret: 'JBSWY3DPEHPK3PXP' }), `method_registrations.data:${row.id}`), row.id);
    })();
    raw.close();
    const sweeps: number[] = [];
    const slices: number[] = [];
    const delays: number[] = [];
    const gcPauses: number[] = [];
    const preempted: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      // What else can hold the loop besides the sweep's own steps: garbage collection pauses, and the kernel
      // taking the core away (involuntary context switches: other processes on a loaded machine).
      let longestGc = 0;
      const gc = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longestGc = Math.max(longestGc, entry.duration);
      });
      gc.observe({ entryTypes: ['gc'] });
      const switchesBefore = process.resourceUsage().involuntaryContextSwitches;
      const t = performance.now();
      const snapshot = await services.readiness.refresh();
      sweeps.push((performance.now() - t) / 1000);
      preempted.push(process.resourceUsage().involuntaryContextSwitches - switchesBefore);
      gc.disconnect();
      gcPauses.push(longestGc);
      delay.disable();
      slices.push(snapshot.longestSliceMs);
      delays.push(delay.max / 1e6);
      if (run === 0) console.log(`readiness sweep: ${snapshot.capable} of ${snapshot.users} users can reset; failing: ${JSON.stringify(snapshot.failing)}`);
    }
    console.log(`readiness sweep over ${users} users, seconds, ${RUNS} runs: ${medianAndRange(sweeps)}`);
    console.log(`  longest slice of the event loop (ms): ${medianAndRange(slices)}; event-loop delay max (ms): ${medianAndRange(delays)}`);
    console.log(`  longest garbage-collection pause (ms): ${medianAndRange(gcPauses)}; involuntary context switches: ${medianAndRange(preempted)}`);
    console.log(`  load average: ${loadAverage()}`);
    if (process.env.SSPR_BENCH_CONSOLE_ONLY === 'readiness') return;
    const signedIn = new FormClient(svc.baseUrl);
    await signInToConsole(services, svc.baseUrl, signedIn, 'bench-admin', 'Bench-Admin-Passw0rd!');
    // A keep-alive connection the server closed while idle (keepAliveTimeoutSeconds) resets on reuse: retried once.
    const client = {
      get: (path: string) => signedIn.get(path).catch(() => signedIn.get(path)),
    };
    const prefixes = ['anna', 'b', 'clara.s', 'David M', 'emma.weber1', 'f', 'GRETA', 'hugo.', 'ida.schulz9', 'jonas.h', 'zz', 'e', 'Ben Fischer 1'];
    const overviewRuns: number[] = [];
    const fullRuns: number[] = [];
    const searchRuns: number[] = [];
    const searchMedians: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // The overview's own queries, fresh (no reuse), with the doctor run already made: what a page costs.
      const fresh: number[] = [];
      for (let i = 0; i < 5; i++) {
        const overview = new ConsoleOverview(new ConsoleStatsRepository(services.store.db, services.store.dialect), { diagnoseService: async () => doctorReport }, services.readiness, services.clock);
        const t = performance.now();
        await overview.read('en');
        fresh.push(performance.now() - t);
      }
      fullRuns.push(percentile(fresh, 0.99));
      // The page over HTTP as an operator sees it (the doctor run reused for a minute; the first request makes it).
      const page: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const response = await client.get(i % 2 ? '/admin?lang=de' : '/admin?lang=en');
        page.push(performance.now() - t);
        if (response.response.status !== 200) throw new Error(`overview answered ${response.response.status}`);
      }
      overviewRuns.push(percentile(page, 0.99));
      const search: number[] = [];
      for (let i = 0; i < 200; i++) {
        const prefix = prefixes[i % prefixes.length] as string;
        const t = performance.now();
        const response = await client.get(`/admin/users?query=${encodeURIComponent(prefix)}`);
        search.push(performance.now() - t);
        if (response.response.status !== 200) throw new Error(`search answered ${response.response.status}`);
      }
      searchRuns.push(percentile(search, 0.99));
      searchMedians.push(percentile(search, 0.5));
    }
    const verdict = (ms: number, budget: number) => (ms < budget ? '✓' : `✗ over ${budget} ms`);
    const median = (values: number[]) => percentile(values, 0.5);
    console.log(`overview page over HTTP, p99 of 20 (ms), ${RUNS} runs: ${medianAndRange(overviewRuns)} ${verdict(median(overviewRuns), 1000)}`);
    console.log(`overview queries without reuse, p99 of 5 (ms), ${RUNS} runs: ${medianAndRange(fullRuns)} ${verdict(median(fullRuns), 1000)}`);
    console.log(`user search page over HTTP, p99 of 200 (ms), ${RUNS} runs: ${medianAndRange(searchRuns)} (p50 ${medianAndRange(searchMedians)}) ${verdict(median(searchRuns), 100)}`);
    // The streamed export of every event: time and the growth of resident memory while it runs (the export must
    // not hold the events in memory: RSS grows by at most a few pages, whatever the number of events).
    console.log(`  load average: ${loadAverage()}`);
    if (process.env.SSPR_BENCH_CONSOLE_EXPORT === '0') return;
    const exportRuns: number[] = [];
    const rssGrowth: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
      const t = performance.now();
      const response = await signedIn.open('/api/v1/admin/audit/export?format=csv');
      if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
      let bytes = 0;
      for await (const chunk of response.body) bytes += (chunk as Uint8Array).byteLength;
      exportRuns.push(performance.now() - t);
      clearInterval(sampler);
      rssGrowth.push((peak - before) / 2 ** 20);
      if (run === 0) console.log(`audit export: ${(bytes / 2 ** 20).toFixed(0)} MiB of CSV for ${events} events`);
    }
    console.log(`audit export (CSV, streamed over HTTP), seconds, ${RUNS} runs: ${medianAndRange(exportRuns.map((ms) => ms / 1000))}`);
    console.log(`  resident memory growth during the export (MiB): ${medianAndRange(rssGrowth)}`);
    console.log(`  load average: ${loadAverage()}`);
  } finally {
    await svc.close();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}
