/**
 * `npm run bench -- doctor`: per-user doctor latency (direct mode against slapd: every directory read, probe
 * included), p50/p99; and the service-level summary over SSPR_BENCH_DOCTOR_USERS (default 100,000) generated users
 * on SQLite, which must finish in under 10 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startSlapd } from '../test/support/slapd.js';
import { startTestService } from '../test/support/test-service.js';
import { percentile } from './stats.js';

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
    const times: number[] = [];
    const rounds = Number(process.env.SSPR_BENCH_DOCTOR_RUNS ?? 500);
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      await services.doctor.diagnoseUser(names[i % names.length] as string, 'en');
      times.push(performance.now() - started);
    }
    console.log(`doctor per user (direct mode, slapd, ${rounds} runs): p50 ${percentile(times, 0.5).toFixed(1)} ms, p99 ${percentile(times, 0.99).toFixed(1)} ms`);
  } finally {
    await svc.close();
    await slapd.stop();
  }
}

async function serviceSummary(): Promise<void> {
  const count = Number(process.env.SSPR_BENCH_DOCTOR_USERS ?? 100_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-bench-doctor-'));
  const svc = await startTestService({ dialect: 'sqlite', dataDir, env: { SSPR_LOG_LEVEL: 'silent' } });
  try {
    const { services } = svc;
    const { db } = services.store;
    const now = Date.now();
    const loadStarted = performance.now();
    const staff = await services.groups.add('Staff');
    const BATCH = 500;
    for (let start = 0; start < count; start += BATCH) {
      const users = [];
      const members = [];
      const registrations = [];
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const id = randomUUID();
        const name = `user${i}`;
        const mobile = i % 10 === 0 ? (i % 20 === 0 ? '12345' : '+4915112345678') : null;
        users.push({
          id, username: name, username_key: name, display_name: name, first_name: '', last_name: '',
          email: i % 7 === 0 ? null : services.cipher.encrypt(`${name}@example.org`, `users.email:${id}`),
          mobile: mobile ? services.cipher.encrypt(mobile, `users.mobile:${id}`) : null,
          enabled: 1, is_admin: i % 1000 === 0 ? 1 : 0, source: i % 2 === 0 ? 'ldap' : 'local', password_hash: null, password_changed_at: null,
          created_at: now, updated_at: now, anchor: i % 2 === 0 ? randomUUID() : null, dn: null,
        });
        if (i % 3 !== 0) members.push({ group_id: staff.id, member_type: 'user' as const, member_id: id });
        if (i % 5 === 0) {
          const rid = randomUUID();
          registrations.push({ id: rid, user_id: id, type: 'totp', data: services.cipher.encrypt('{"secret":"x"}', `method_registrations.data:${rid}`), created_at: now, confirmed_at: now - (i % 11) * 86_400_000 * 40, last_used_at: null });
        }
      }
      await db.insertInto('users').values(users).execute();
      if (members.length) await db.insertInto('group_members').values(members).execute();
      if (registrations.length) await db.insertInto('method_registrations').values(registrations).execute();
    }
    await services.policy.update({ enabled: 'selected', group: 'Staff', methodsRequired: 2, reconfirmDays: 180 }, 'bench');
    console.log(`doctor summary: ${count} users loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    const started = performance.now();
    const report = await services.doctor.diagnoseService('en');
    const seconds = (performance.now() - started) / 1000;
    console.log(`doctor service-level summary over ${report.summary?.users} users (SQLite): ${seconds.toFixed(2)} s`);
    for (const line of report.summary?.checks ?? []) if (line.failing || line.warning) console.log(`  ${line.id.padEnd(22)} fail ${String(line.failing).padStart(7)}  warn ${String(line.warning).padStart(7)}`);
    if (seconds >= 10) console.log('  ✗ over the 10 s budget');
  } finally {
    await svc.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchDoctor(): Promise<void> {
  console.log('\n== doctor ==');
  await perUser();
  await serviceSummary();
}
