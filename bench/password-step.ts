/**
 * Benchmark: the final step of a forgot-password flow alone (POST /api/v1/reset/{flow}/password), for directory
 * accounts in direct mode (a slapd the harness starts, over LDAPS), SQLite, an SMTP sink, in this process through
 * `app.inject`. Each round prepares SSPR_BENCH_FLOWS (300) verified flows, then sends their password steps,
 * SSPR_BENCH_CONCURRENCY (50) at a time, and waits for what follows them (the notice's delivery, the audit). Per
 * step it prints this process's CPU time (the steps, their follow-ups and the SMTP sink; the clients' share is
 * the same for every change), the store's statements and commits, the LDAP operations and the mails sent — counts
 * that do not depend on the machine's load. SSPR_BENCH_PROFILE=FILE writes a CPU profile of the last round.
 * Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Session } from 'node:inspector/promises';
import { codeSink } from './code-sink.js';
import { Client } from 'ldapts';
import { startSlapd, ldapsDirectory } from '../test/support/slapd.js';
import { startTestService } from '../test/support/test-service.js';
import { countStoreWrites } from '../test/support/store-writes.js';
import { runServiceSync } from '../src/app/service-sync.js';
import { loadAverage, medianAndRange } from './stats.js';

const FLOWS = Number(process.env.SSPR_BENCH_FLOWS ?? 300);
const CONCURRENCY = Number(process.env.SSPR_BENCH_CONCURRENCY ?? 50);
const ROUNDS = Number(process.env.SSPR_BENCH_RUNS ?? 3);
const LDAP_OPERATIONS = ['bind', 'search', 'exop', 'modify'] as const;

/** Counts the LDAP operations every ldapts client of this process sends while `counting.on`. */
function countLdapOperations(): { on: boolean; counts: Record<string, number> } {
  const counting = { on: false, counts: {} as Record<string, number> };
  const proto = Client.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of LDAP_OPERATIONS) {
    const original = proto[name] as (...args: unknown[]) => unknown;
    proto[name] = function (this: Client, ...args: unknown[]) {
      if (counting.on) counting.counts[name] = (counting.counts[name] ?? 0) + 1;
      return original.apply(this, args);
    };
  }
  return counting;
}

export async function benchPasswordStep(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-bench-step-'));
  const ldif = join(dataDir, 'users.ldif');
  writeFileSync(ldif, Array.from({ length: FLOWS }, (_, i) =>
    `dn: uid=bench${i},ou=users,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: bench${i}\ncn: Given${i} Family${i % 97}\ngivenName: Given${i}\nsn: Family${i % 97}\nmail: bench${i}@example.org\nuserPassword: Initial-Pass-${i}\n`,
  ).join('\n'));
  const [slapd, sink] = await Promise.all([startSlapd({ extraLdif: ldif }), codeSink()]);
  const svc = await startTestService({ dialect: 'sqlite', smtpUrl: sink.url, env: { SSPR_DIRECTORY: JSON.stringify(ldapsDirectory(slapd)), SSPR_LOG_LEVEL: 'warn' } });
  await runServiceSync(svc.services, { full: true });
  const ldap = countLdapOperations();

  const post = async (url: string, payload: Record<string, string>) => {
    const response = await svc.app.inject({ method: 'POST', url, payload });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return JSON.parse(response.body) as { flowId: string; methods: Array<{ id: string }> };
  };
  const inTurns = async <T>(items: readonly T[], work: (item: T) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }));
  };
  const settle = async () => {
    for (let pass = 0; pass < 5; pass++) {
      await svc.services.mail.drain();
      await svc.services.audit.drain();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  console.log(`\n## the final reset step alone (directory accounts, slapd over LDAPS, direct mode, SQLite, SMTP sink; ${FLOWS} flows, ${CONCURRENCY} at a time, in-process; load average ${loadAverage()})`);
  let passwordsSet = 0;
  const cpu: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const steps: Array<{ url: string; user: number }> = [];
    await inTurns(Array.from({ length: FLOWS }, (_, i) => i), async (user) => {
      const started = await post('/api/v1/reset/start', { username: `bench${user}` });
      const methodId = started.methods[0]?.id ?? '';
      const code = sink.next(`bench${user}@example.org`);
      await post(`/api/v1/reset/${started.flowId}/send`, { methodId });
      await post(`/api/v1/reset/${started.flowId}/verify`, { methodId, code: await code });
      steps.push({ url: `/api/v1/reset/${started.flowId}/password`, user });
    });
    await settle();
    const profile = process.env.SSPR_BENCH_PROFILE && round === ROUNDS - 1 ? new Session() : null;
    if (profile) {
      profile.connect();
      await profile.post('Profiler.enable');
      await profile.post('Profiler.start');
    }
    ldap.counts = {};
    const mailsBefore = sink.received;
    ldap.on = true;
    const before = process.cpuUsage();
    const { writes } = await countStoreWrites(async () => {
      await inTurns(steps, async ({ url, user }) => {
        await post(url, { password: `bench passphrase ${user} ${passwordsSet++}` });
      });
      await settle();
    });
    const used = process.cpuUsage(before);
    ldap.on = false;
    if (profile) {
      const { profile: written } = await profile.post('Profiler.stop');
      writeFileSync(process.env.SSPR_BENCH_PROFILE as string, JSON.stringify(written));
      profile.disconnect();
    }
    const perStep = (count: number) => (count / FLOWS).toFixed(2);
    cpu.push((used.user + used.system) / 1000 / FLOWS);
    console.log(`round ${round + 1}: ${(cpu.at(-1) as number).toFixed(2)} ms CPU per step; per step: ${perStep(writes.statements)} statements, ${perStep(writes.commits)} commits, LDAP ${LDAP_OPERATIONS.map((name) => `${name} ${perStep(ldap.counts[name] ?? 0)}`).join(', ')}; mails ${perStep(sink.received - mailsBefore)}`);
  }
  console.log(`CPU per password step: ${medianAndRange(cpu, 2)} ms (median (range) of ${ROUNDS} rounds; the first includes warm-up; load average ${loadAverage()})`);
  await svc.close();
  await Promise.all([sink.close(), slapd.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
}
