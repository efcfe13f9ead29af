/**
 * Benchmark: completed forgot-password flows per second through the JSON API (email method, SQLite, a real SMTP
 * sink), 50 concurrent flows, against the built server running as its own process, for
 * - cloud-only accounts (the service's own store keeps the password: Argon2id), and
 * - directory accounts in direct mode (a slapd the harness starts, with ppolicy, over LDAPS; `sspr sync` imports
 *   the accounts first; the new password is written with the Password Modify operation, nothing hashed here).
 * SSPR_BENCH_ACCOUNTS picks one (`cloud`, `directory`; both by default). Every figure is the median and range of
 * SSPR_BENCH_RUNS (3) runs, with the load average. Next to the cloud-only flows it prints the Argon2id bound of the
 * same machine: Argon2id hashes per second on every core ÷ Argon2id computations per flow (the new password's hash,
 * plus the check of the current one against the history when the account has a password: historyLength 1).
 * Prints figures; asserts nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeSink } from './code-sink.js';
import { addCloudUsers } from './cloud-users.js';
import { childPids, runCli, startServerProcess } from '../test/support/processes.js';
import { ldapsDirectory, startSlapd, type Slapd } from '../test/support/slapd.js';
import { availableParallelism } from 'node:os';
import { hashPassword } from '../src/crypto/password-hash.js';
import { loadAverage, medianAndRange, percentile } from './stats.js';

const CONCURRENCY = Number(process.env.SSPR_BENCH_CONCURRENCY ?? 50);
const DURATION_MS = Number(process.env.SSPR_BENCH_SECONDS ?? 10) * 1000;
const RUNS = Number(process.env.SSPR_BENCH_RUNS ?? 3);
const USERS = 4000;
type Accounts = 'cloud' | 'directory';
const ACCOUNTS = (process.env.SSPR_BENCH_ACCOUNTS ?? 'cloud,directory').split(',').filter((kind): kind is Accounts => kind === 'cloud' || kind === 'directory');
/** The error code of a full password-evaluation queue, and how long the bench's client waits before sending again. */
const BUSY = 'password-check-busy';
const BUSY_RETRY_MS = 50;

class Busy extends Error {}

type Step = 'start' | 'send' | 'code-arrives' | 'verify' | 'password';

interface RunFigures {
  perSecond: number;
  /** Password steps answered 503 `password-check-busy` and sent again. */
  busyRefusals: number;
  /** The server process's CPU time (user + system, its thread pool included) per completed flow, in ms. */
  serverCpuMsPerFlow: number;
  /** Argon2id computations per completed flow (measured from the accounts the flows reset). */
  hashesPerFlow: number;
  load: string;
  steps: Record<string, { p50: number; p99: number }>;
}

/** Argon2id hashes per second with every core busy (the service's own parameters), over ≈ 2 s. */
async function argon2HashesPerSecond(): Promise<number> {
  const cores = availableParallelism();
  let hashes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: cores }, async () => {
      while (performance.now() - started < 2000) {
        await hashPassword('bench argon2 bound');
        hashes++;
      }
    }),
  );
  return hashes / ((performance.now() - started) / 1000);
}

const METRICS_TOKEN = 'bench-metrics-token-0123456789abcdef0123456789';

/** The server's memory as its own metrics tell it (resident, V8 heap used, external incl. array buffers), in MiB. */
async function memoryByPhase(baseUrl: string, pid: number | undefined): Promise<string> {
  const text = await (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const mib = (name: string) => {
    const value = new RegExp(`^sspr_${name} (\\S+)`, 'm').exec(text)?.[1];
    return value ? (Number(value) / 2 ** 20).toFixed(0) : '?';
  };
  return `rss ${mib('process_resident_memory_bytes')} (peak so far ${serverMemory(pid, 'VmHWM')}), heap used ${mib('nodejs_heap_size_used_bytes')} of ${mib('nodejs_heap_size_total_bytes')}, external ${mib('nodejs_external_memory_bytes')} MiB`;
}

/** The server's processes: the one started, and with `http.workers` > 1 its workers. */
function serverPids(pid: number | undefined): number[] {
  return pid === undefined ? [] : [pid, ...childPids(pid)];
}

/** CPU time the server's processes have used so far (utime + stime of /proc/PID/stat), in ms. */
function serverCpuMs(pid: number | undefined): number {
  return serverPids(pid).reduce((sum, one) => {
    const fields = readFileSync(`/proc/${one}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // Fields 14 and 15 of proc(5), counted from the state field (3): clock ticks, 100 per second on Linux.
    return sum + (Number(fields[11]) + Number(fields[12])) * 10;
  }, 0);
}

/** A figure of /proc/PID/status in MiB, added up over the server's processes (VmHWM: each one's peak resident set; VmRSS: now). */
function serverMemory(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): string {
  const kib = serverPids(pid).map((one) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${one}/status`, 'utf8'))?.[1] ?? NaN));
  const sum = kib.reduce((a, b) => a + b, 0);
  return Number.isFinite(sum) && kib.length > 0 ? (sum / 1024).toFixed(0) : '?';
}

/** The bench's accounts as slapd entries under ou=users (loaded offline with slapadd). */
function directoryLdif(usersDn: string): string {
  return Array.from({ length: USERS }, (_, i) =>
    `dn: uid=bench${i},${usersDn}\nobjectClass: inetOrgPerson\nuid: bench${i}\ncn: Given${i} Family${i % 97}\ngivenName: Given${i}\nsn: Family${i % 97}\nmail: bench${i}@example.org\nuserPassword: Initial-Pass-${i}\n`,
  ).join('\n');
}

/** A data folder with the bench's accounts: cloud-only ones in the store, or directory ones synced from slapd. */
async function prepareAccounts(accounts: Accounts, dataDir: string): Promise<{ env: Record<string, string>; slapd: Slapd | null }> {
  if (accounts === 'cloud') {
    await addCloudUsers(dataDir, Array.from({ length: USERS }, (_, i) => `bench${i}`));
    return { env: {}, slapd: null };
  }
  const ldif = join(dataDir, 'bench-users.ldif');
  writeFileSync(ldif, directoryLdif('ou=users,dc=example,dc=org'));
  const slapd = await startSlapd({ extraLdif: ldif });
  const env = { SSPR_DIRECTORY: JSON.stringify(ldapsDirectory(slapd)) };
  const sync = runCli(['sync'], { env: { SSPR_DATA_DIR: dataDir, ...env }, timeoutMs: 300_000 });
  if (sync.status !== 0) throw new Error(`sspr sync: ${sync.stderr}`);
  return { env, slapd };
}

export async function benchResetFlows(): Promise<void> {
  for (const accounts of ACCOUNTS) await benchAccounts(accounts);
}

async function benchAccounts(accounts: Accounts): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-bench-'));
  const { env: directoryEnv, slapd } = await prepareAccounts(accounts, dataDir);

  const sink = await codeSink();
  // Server-side node flags (a profile: SSPR_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=…").
  const nodeArgs = (process.env.SSPR_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = await startServerProcess({
    SSPR_DATA_DIR: dataDir,
    SSPR_SMTP_URL: sink.url,
    SSPR_LOG_LEVEL: 'warn',
    SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0',
    SSPR_CAPTCHA: 'off',
    SSPR_METRICS_TOKEN: METRICS_TOKEN,
    ...directoryEnv,
    // glibc allocator settings for the server (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_, …), when set.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MALLOC_')) as Array<[string, string]>),
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SSPR_') && !k.startsWith('SSPR_BENCH_')) as Array<[string, string]>),
  }, 'serve', '127.0.0.1', nodeArgs);
  const post = async (path: string, body: unknown) => {
    const response = await fetch(server.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as any;
    if (response.status === 503 && json?.error?.code === BUSY) throw new Busy();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  /** A step answered 503 `password-check-busy` (the evaluation queue is full): the client waits and sends it again, as a person would. */
  const untilAccepted = async <T>(send: () => Promise<T>, refused: () => void): Promise<T> => {
    for (;;) {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof Busy)) throw error;
        refused();
        await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
      }
    }
  };

  /** Users whose password was set by an earlier flow: their next flow also verifies the current hash. */
  const hasPassword = new Set<number>();
  let nextUser = 0;
  /** Numbers every new password of the whole bench, so no account is given one of its earlier passwords (ppolicy history). */
  let passwordsSet = 0;

  /** One run of `CONCURRENCY` closed-loop workers for DURATION_MS; `withPassword` false stops after verify. */
  const run = async (withPassword: boolean): Promise<RunFigures> => {
    const latencies: Record<Step, number[]> = { start: [], send: [], 'code-arrives': [], verify: [], password: [] };
    const timed = async <T>(step: Step, work: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const result = await work();
      latencies[step].push(performance.now() - t0);
      return result;
    };
    let completed = 0;
    let hashes = 0;
    let busy = 0;
    const cpuBefore = serverCpuMs(server.child.pid);
    const startedAt = performance.now();
    const deadline = startedAt + DURATION_MS;
    const worker = async () => {
      while (performance.now() < deadline) {
        const n = nextUser++ % USERS;
        const username = `bench${n}`;
        const started = await timed('start', () => post('/api/v1/reset/start', { username }));
        const methodId = started.methods[0].id;
        const arrival = sink.next(`${username}@example.org`);
        await timed('send', () => post(`/api/v1/reset/${started.flowId}/send`, { methodId }));
        const code = await timed('code-arrives', () => arrival);
        await timed('verify', () => post(`/api/v1/reset/${started.flowId}/verify`, { methodId, code }));
        if (withPassword) {
          const password = `bench passphrase ${n} ${passwordsSet++}`;
          await timed('password', () => untilAccepted(() => post(`/api/v1/reset/${started.flowId}/password`, { password }), () => busy++));
          if (accounts === 'cloud') hashes += hasPassword.has(n) ? 2 : 1;
          hasPassword.add(n);
        }
        completed++;
      }
    };
    const load = loadAverage();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - startedAt) / 1000;
    const steps = Object.entries(latencies).filter(([, xs]) => xs.length > 0);
    return {
      perSecond: completed / seconds,
      busyRefusals: busy,
      serverCpuMsPerFlow: (serverCpuMs(server.child.pid) - cpuBefore) / Math.max(1, completed),
      hashesPerFlow: completed > 0 ? hashes / completed : 0,
      load,
      steps: Object.fromEntries(steps.map(([step, xs]) => [step, { p50: percentile(xs, 0.5), p99: percentile(xs, 0.99) }])),
    };
  };

  const report = (what: string, runs: RunFigures[]) => {
    console.log(`\n${what}: ${medianAndRange(runs.map((r) => r.perSecond))} /s  (median (range) of ${runs.length} runs; load at each start: ${runs.map((r) => r.load.split(' ')[0]).join(', ')})`);
    console.log(`server CPU per flow: ${medianAndRange(runs.map((r) => r.serverCpuMsPerFlow), 2)} ms; password steps refused busy (503, sent again): ${runs.map((r) => r.busyRefusals).join(', ')}`);
    console.log('step            p50 ms                  p99 ms');
    for (const step of Object.keys(runs[0]?.steps ?? {})) {
      const of = (key: 'p50' | 'p99') => medianAndRange(runs.map((r) => r.steps[step]?.[key] ?? Number.NaN), 2);
      console.log(`${step.padEnd(14)}  ${of('p50').padEnd(22)}  ${of('p99')}`);
    }
  };

  const kind = accounts === 'cloud' ? 'cloud-only accounts' : 'directory accounts (slapd over LDAPS, direct mode)';
  console.log(`\n## reset flows through the JSON API (${kind}, email code, SQLite, real SMTP sink, ${CONCURRENCY} concurrent flows; load average ${loadAverage()})`);
  console.log(`memory at start: ${await memoryByPhase(server.baseUrl, server.child.pid)}`);
  const complete: RunFigures[] = [];
  const verified: RunFigures[] = [];
  const bounds: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const hashRate = accounts === 'cloud' ? await argon2HashesPerSecond() : Number.NaN;
    const figures = await run(true);
    console.log(`memory after complete flows, run ${r + 1}: ${await memoryByPhase(server.baseUrl, server.child.pid)}`);
    complete.push(figures);
    bounds.push(hashRate / Math.max(1, figures.hashesPerFlow));
    verified.push(await run(false));
    console.log(`memory after verified flows, run ${r + 1}: ${await memoryByPhase(server.baseUrl, server.child.pid)}`);
  }
  report('completed reset flows (start → send → code → verify → new password)', complete);
  if (accounts === 'directory') console.log('no Argon2id per flow: the directory keeps the password (target: ≥ 300 flows/s)');
  else console.log(`Argon2id bound: ${medianAndRange(bounds)} flows/s (Argon2id hashes/s on ${availableParallelism()} cores ÷ ${medianAndRange(complete.map((r) => r.hashesPerFlow), 2)} per flow); flows reach ${medianAndRange(complete.map((r, k) => (100 * r.perSecond) / (bounds[k] ?? Number.NaN)), 0)} % of it`);
  report('verified flows (start → send → code → verify, no password step)', verified);
  console.log(`server resident memory: peak ${serverMemory(server.child.pid, 'VmHWM')} MiB, now ${serverMemory(server.child.pid, 'VmRSS')} MiB`);
  await server.stop();
  await sink.close();
  await slapd?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
