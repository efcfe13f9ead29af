/**
 * `npm run bench -- doctor`: per-user doctor latency (direct mode against slapd: every directory read, probe
 * included), p50/p99 of SSPR_BENCH_DOCTOR_ROUNDS (500) diagnoses per run, back to back — so diagnoses within
 * 2 s of a healthy probe share it (DirectInspector), as a console run over many users does; a lone diagnosis
 * pays one probe (a connection, TLS handshake and service bind) on top; and the service-level summary over
 * SSPR_BENCH_DOCTOR_USERS (100,000) users and SSPR_BENCH_DOCTOR_EVENTS (1,000,000) audit events on SQLite, which
 * must finish in under 10 s. Every figure is the median and range of SSPR_BENCH_RUNS (3) runs, with the load
 * average. Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { startSlapd } from '../test/support/slapd.js';
import { startTestService } from '../test/support/test-service.js';
import { loadAverage, medianAndRange, percentile } from './stats.js';

const RUNS = Number(process.env.SSPR_BENCH_RUNS ?? 3);
const DAY = 86_400_000;

async function perUser(): Promise<void> {
  const slapd = await startSlapd();
  const directory = { kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn };
  const svc = await startTestService({ dialect: 'sqlite', env: { SSPR_DIRECTORY: JSON.stringify(directory), SSPR_LOG_LEVEL: 'silent' } });
  try {
    const { services } = svc;
    const names: string[] = [];
    for (let i = 0; i < 20; i++) {
      const uid = `bench${i}`;
      await slapd.addUser({ uid, password: `Bench-${i}-Passw0rd`, mail: `${uid}@example.org` });
      const account = await services.onprem!.findAccount(uid);
      await services.users.add({ username: uid, email: `${uid}@example.org`, source: 'ldap', anchor: account!.anchor, dn: account!.dn });
      names.push(uid);
    }
    for (const name of names) await services.doctor.diagnoseUser(name, 'en'); // warm up
    const rounds = Number(process.env.SSPR_BENCH_DOCTOR_ROUNDS ?? 500);
    const p50s: number[] = [];
    const p99s: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const started = performance.now();
        await services.doctor.diagnoseUser(names[i % names.length] as string, 'en');
        times.push(performance.now() - started);
      }
      p50s.push(percentile(times, 0.5));
      p99s.push(percentile(times, 0.99));
    }
    console.log(`doctor per user (direct mode, slapd, ${rounds} diagnoses per run, ${RUNS} runs): p50 ${medianAndRange(p50s)} ms, p99 ${medianAndRange(p99s)} ms (target p99 ≤ 20 ms)`);
    console.log(`  load average: ${loadAverage()}`);
  } finally {
    await svc.close();
    await slapd.stop();
  }
}

/**
 * Bulk load through a second connection to the same file (one transaction, prepared statements): users (half from
 * the directory), a Staff group holding two thirds of them, TOTP registrations for a fifth, and audit events of
 * every kind the doctor counts (password writes, some not written back; deliveries, some failed; refused resets).
 */
export function seed(file: string, users: number, events: number, staffId: string, encrypt: (text: string, context: string) => string): void {
  const db = new BetterSqlite3(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = OFF');
  const now = Date.now();
  const insertUser = db.prepare(`insert into users (id, username, username_key, display_name, first_name, last_name, email, mobile, enabled, is_admin, source, password_hash, password_changed_at, created_at, updated_at, anchor, dn)
    values (?, ?, ?, ?, '', '', ?, ?, 1, ?, ?, null, null, ?, ?, ?, null)`);
  const insertMember = db.prepare(`insert into group_members (group_id, member_type, member_id) values (?, 'user', ?)`);
  const insertRegistration = db.prepare(`insert into method_registrations (id, user_id, type, data, created_at, confirmed_at, last_used_at) values (?, ?, 'totp', ?, ?, ?, null)`);
  const insertEvent = db.prepare('insert into audit_events (at, event, outcome, user_id, username, flow, ip, user_agent, detail) values (?, ?, ?, ?, ?, null, ?, ?, ?)');
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < users; i++) {
      const id = randomUUID();
      ids.push(id);
      const name = `user${i}`;
      const mobile = i % 10 === 0 ? (i % 20 === 0 ? '12345' : '+4915112345678') : null;
      insertUser.run(
        id, name, name, name,
        i % 7 === 0 ? null : encrypt(`${name}@example.org`, `users.email:${id}`),
        mobile ? encrypt(mobile, `users.mobile:${id}`) : null,
        i % 1000 === 0 ? 1 : 0, i % 2 === 0 ? 'ldap' : 'local', now, now, i % 2 === 0 ? randomUUID() : null,
      );
      if (i % 3 !== 0) insertMember.run(staffId, id);
      if (i % 5 === 0) {
        const rid = randomUUID();
        insertRegistration.run(rid, id, encrypt('{"secret":"x"}', `method_registrations.data:${rid}`), now, now - (i % 11) * DAY * 40);
      }
    }
    const kinds: Array<[string, string, string | null]> = [
      ['sign-in', 'success', null],
      ['reset-start', 'success', null],
      ['reset-send', 'success', '{"method":"email"}'],
      ['reset-verify', 'success', '{"method":"email"}'],
      ['reset-password', 'success', '{"path":"self-service-reset","writtenBack":true}'],
      ['reset-password', 'failure', '{"path":"self-service-reset","reason":"writeback-password-rejected"}'],
      ['writeback.reset.success', 'success', '{"mode":"direct","directory":"ldap","entraEvent":31001,"writtenBack":true,"ms":12}'],
      ['password-set', 'success', '{"path":"cli-local-only","writtenBack":false}'],
      ['change-password', 'success', '{"path":"change","writtenBack":true}'],
      ['email-delivered', 'success', '{"purpose":"reset"}'],
      ['email-delivery-failed', 'failure', '{"purpose":"reset","reason":"mail-rejected"}'],
      ['method-registered', 'success', '{"method":"totp"}'],
      ['reset-blocked', 'failure', '{"reason":"failed-proofs"}'],
    ];
    for (let i = 0; i < events; i++) {
      const [event, outcome, detail] = kinds[(i * 7) % kinds.length] as [string, string, string | null];
      const u = (i * 7919) % users;
      insertEvent.run(now - Math.floor((events - i) * ((90 * DAY) / events)), event, outcome, ids[u] as string, `user${u}`, '192.0.2.10', 'Mozilla/5.0 bench', detail);
    }
  })();
  db.close();
}

async function serviceSummary(): Promise<void> {
  const count = Number(process.env.SSPR_BENCH_DOCTOR_USERS ?? 100_000);
  const events = Number(process.env.SSPR_BENCH_DOCTOR_EVENTS ?? 1_000_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-bench-doctor-'));
  const svc = await startTestService({ dialect: 'sqlite', dataDir, env: { SSPR_LOG_LEVEL: 'silent' } });
  try {
    const { services } = svc;
    const loadStarted = performance.now();
    const staff = await services.groups.add('Staff');
    seed(services.store.location.replace(/^sqlite:/, ''), count, events, staff.id, (text, context) => services.cipher.encrypt(text, context));
    await services.policy.update({ enabled: 'selected', group: 'Staff', methodsRequired: 2, reconfirmDays: 180 }, 'bench');
    console.log(`doctor summary: ${count} users and ${events} audit events loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    const seconds: number[] = [];
    let report = await services.doctor.diagnoseService('en');
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      report = await services.doctor.diagnoseService('en');
      seconds.push((performance.now() - started) / 1000);
    }
    console.log(`doctor service-level summary over ${report.summary?.users} users, ${events} events (SQLite, ${RUNS} runs after one warm-up): ${medianAndRange(seconds, 2)} s (target < 10 s)`);
    for (const line of report.summary?.checks ?? []) if (line.failing || line.warning) console.log(`  ${line.id.padEnd(22)} fail ${String(line.failing).padStart(7)}  warn ${String(line.warning).padStart(7)}`);
    console.log(`  load average: ${loadAverage()}`);
  } finally {
    await svc.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchDoctor(): Promise<void> {
  console.log('\n== doctor ==');
  if (process.env.SSPR_BENCH_DOCTOR_ONLY !== 'service') await perUser();
  if (process.env.SSPR_BENCH_DOCTOR_ONLY !== 'user') await serviceSummary();
}
