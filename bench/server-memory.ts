/**
 * `npm run bench -- memory`: the server's resident memory while users change their passwords. The built server
 * (`sspr serve`, started as the systemd unit and the image start it: `node --max-semi-space-size=2` with
 * `MALLOC_ARENA_MAX=2`) in direct mode on SQLite against a slapd the bench starts, with 1,000 synced directory
 * accounts; 32 closed-loop clients each sign in (`POST /api/v1/session`) and change their password
 * (`POST /api/v1/me/password`) with a fresh one, every client owning its own accounts.
 *
 * Per round and server: the start-up peak (VmHWM once idle), resident memory when ready and idle, its peak under
 * load (VmRSS sampled every 100 ms, as the side-by-side kit samples it every 250 ms), resident memory once
 * the load has stopped, the anonymous and file-backed parts at the peak sample, changes per second, the server's
 * CPU time per change, and the
 * first change's time after start (what first-use loading costs a request). With SSPR_BENCH_COMPARE naming
 * another built checkout (`npm run build` done there), both servers run in alternating rounds against the same
 * slapd (round r: this checkout first when r is odd), and the figures come side by side with their ratio.
 *
 * Environment: SSPR_BENCH_RUNS (3 rounds), SSPR_BENCH_SECONDS (15 s of load), SSPR_BENCH_CONCURRENCY (32),
 * SSPR_BENCH_COMPARE (a checkout's folder). Prints figures; asserts nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { freePort } from '../test/support/processes.js';
import { ldapsDirectory, startSlapd } from '../test/support/slapd.js';
import { loadAverage, medianAndRange, percentile } from './stats.js';
import { foldForNameMatch, normalizePassword } from '../src/password-policy/normalize.js';

const ROUNDS = Number(process.env.SSPR_BENCH_RUNS ?? 3);
const LOAD_MS = Number(process.env.SSPR_BENCH_SECONDS ?? 15) * 1000;
const CONCURRENCY = Number(process.env.SSPR_BENCH_CONCURRENCY ?? 32);
const USERS = 1000;
const IDLE_SETTLE_MS = 3000;
/** The node flag and the allocator setting of deploy/systemd/sspr.service and the image's entry point. */
const NODE_ARGS = ['--max-semi-space-size=2'];
const SERVER_ENV = { MALLOC_ARENA_MAX: '2' };

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

interface Checkout {
  name: string;
  cli: string;
  dataDir: string;
}

interface RoundFigures {
  /** VmHWM when idle: the start-up peak (with no dictionary file from the build, the worker thread that builds them). */
  startPeakMiB: number;
  idleMiB: number;
  peakMiB: number;
  afterMiB: number;
  anonAtPeakMiB: number;
  fileAtPeakMiB: number;
  perSecond: number;
  /** The server's CPU time (user + system, all its threads) per change under load. */
  cpuMsPerChange: number;
  firstChangeMs: number;
  p50Ms: number;
  failures: number;
}

/** Fields of /proc/PID/status in KiB (0 when the process is gone). */
function status(pid: number): Record<'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile', number> {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // exited
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { VmRSS: kib('VmRSS'), VmHWM: kib('VmHWM'), RssAnon: kib('RssAnon'), RssFile: kib('RssFile') };
}

/** CPU time the process has used so far (utime + stime of /proc/PID/stat, clock ticks of 10 ms), in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const WORDS = 'amber anchor arctic basil beacon birch bramble breeze cactus canyon cedar cinder clover cobalt comet copper coral crater cypress delta ember falcon fennel fjord flint fossil garnet geyser ginger glacier granite harbor hazel heron indigo ivory jasper juniper kelp lagoon lantern larch lilac lotus magnet marble meadow meteor mosaic nectar nutmeg oasis obsidian orchid otter pebble pewter prairie quartz quill raven saffron sapphire shale sierra slate spruce summit thistle timber topaz tundra umber velvet walnut willow yarrow zephyr'.split(' ');
const word = () => WORDS[randomInt(WORDS.length)] as string;
/** The surname directoryLdif gives an account. */
const surnameOf = (uid: string) => `N${Number(uid.slice(1)) - 1}`;

/**
 * Never used before (random words, digits and a capital): passes the service's policy and slapd's history. Drawn
 * again when it holds the account's name or surname as the policy reads names (leetspeak undone, l and i one
 * letter: m0541 is "mosai", in "mosaic"; N173 is "nite", in "granite"), which the service rightly refuses with 400
 * password-rejected (contains-username, contains-personal-name): about one change in 7,500 before.
 */
function freshPassword(uid: string): string {
  const names = [uid, surnameOf(uid)].map((name) => foldForNameMatch(normalizePassword(name)));
  for (;;) {
    const password = `${word()}-${word()}-${randomInt(1000, 10000)}-${word()}${String.fromCharCode(65 + randomInt(26))}`;
    const folded = foldForNameMatch(normalizePassword(password));
    if (!names.some((name) => folded.includes(name))) return password;
  }
}

function directoryLdif(usersDn: string): string {
  return Array.from({ length: USERS }, (_, i) => {
    const uid = `m${String(i + 1).padStart(4, '0')}`;
    return `dn: uid=${uid},${usersDn}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: Person ${uid}\ngivenName: Person\nsn: ${surnameOf(uid)}\nmail: ${uid}@example.org\nuserPassword: Init-${uid}-Qx7!walnut\n`;
  }).join('\n');
}

function post(agent: Agent, port: number, path: string, body: unknown, cookie?: string): Promise<{ status: number; cookie?: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolvePost, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    if (cookie) headers.cookie = cookie;
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const set = [res.headers['set-cookie'] ?? []].flat()[0];
        resolvePost({ status: res.statusCode ?? 0, cookie: set?.split(';')[0] });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function startServer(checkout: Checkout, env: Record<string, string>): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [...NODE_ARGS, checkout.cli, 'serve'], {
    env: { PATH: process.env.PATH, ...SERVER_ENV, ...env, SSPR_DATA_DIR: checkout.dataDir, SSPR_PORT: String(port), SSPR_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return { child, port, output: () => output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function round(checkout: Checkout, env: Record<string, string>, passwords: Map<string, string>): Promise<RoundFigures> {
  const server = await startServer(checkout, env);
  const pid = server.child.pid as number;
  try {
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    const idle = status(pid);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const latencies: number[] = [];
    let failures = 0;
    let peak = idle;
    const sampler = setInterval(() => {
      const now = status(pid);
      if (now.VmRSS > peak.VmRSS) peak = now;
    }, 100);
    const change = async (user: string): Promise<number> => {
      const started = performance.now();
      const current = passwords.get(user) as string;
      const next = freshPassword(user);
      const session = await post(agent, server.port, '/api/v1/session', { username: user, password: current });
      if (session.status !== 200) throw new Error(`session ${user}: ${session.status}`);
      const changed = await post(agent, server.port, '/api/v1/me/password', { currentPassword: current, newPassword: next }, session.cookie);
      if (changed.status !== 200) throw new Error(`me/password ${user}: ${changed.status}`);
      passwords.set(user, next);
      return performance.now() - started;
    };
    const users = [...passwords.keys()];
    // The first change after start: what loading on first use adds to a request.
    const firstChangeMs = await change(users[0] as string);
    const started = performance.now();
    const cpuBefore = cpuMs(pid);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        const mine = users.filter((_user, i) => i % CONCURRENCY === worker && i > 0);
        for (let k = 0; performance.now() - started < LOAD_MS; k = (k + 1) % mine.length) {
          try {
            latencies.push(await change(mine[k] as string));
          } catch (error) {
            failures++;
            if (failures <= 3) console.error(String(error));
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuUsed = cpuMs(pid) - cpuBefore;
    clearInterval(sampler);
    agent.destroy();
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    const after = status(pid);
    const mib = (kib: number) => kib / 1024;
    return {
      startPeakMiB: mib(idle.VmHWM),
      idleMiB: mib(idle.VmRSS),
      peakMiB: mib(peak.VmRSS),
      afterMiB: mib(after.VmRSS),
      anonAtPeakMiB: mib(peak.RssAnon),
      fileAtPeakMiB: mib(peak.RssFile),
      perSecond: latencies.length / seconds,
      cpuMsPerChange: cpuUsed / Math.max(1, latencies.length),
      firstChangeMs,
      p50Ms: percentile(latencies, 0.5),
      failures,
    };
  } finally {
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM');
    await exited;
  }
}

export async function benchServerMemory(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'sspr-bench-memory-'));
  const ldif = join(work, 'users.ldif');
  writeFileSync(ldif, directoryLdif('ou=users,dc=example,dc=org'));
  const slapd = await startSlapd({ extraLdif: ldif });
  // Every change sends a notice: a relay that accepts and discards it (an unanswered port would keep it retrying).
  const relay = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (stream, _session, callback) => void stream.on('end', () => callback()).resume() });
  await new Promise<void>((resolveListen) => relay.listen(0, '127.0.0.1', resolveListen));
  const env = {
    SSPR_DIRECTORY: JSON.stringify(ldapsDirectory(slapd)),
    SSPR_LOG_LEVEL: 'warn',
    SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0',
    SSPR_CAPTCHA: 'off',
    SSPR_SMTP_URL: `smtp://127.0.0.1:${(relay.server.address() as AddressInfo).port}`,
  };
  try {
    const roots = [packageRoot(), ...(process.env.SSPR_BENCH_COMPARE ? [resolve(process.env.SSPR_BENCH_COMPARE)] : [])];
    const checkouts: Checkout[] = roots.map((root, i) => ({ name: i === 0 ? 'this checkout' : basename(root), cli: join(root, 'dist', 'cli', 'main.js'), dataDir: mkdtempSync(join(work, 'data-')) }));
    for (const checkout of checkouts) {
      if (!existsSync(checkout.cli)) throw new Error(`${checkout.cli} is missing: build that checkout first`);
      const sync = spawnSync(process.execPath, [checkout.cli, 'sync'], { env: { PATH: process.env.PATH, ...env, SSPR_DATA_DIR: checkout.dataDir }, encoding: 'utf8', timeout: 300_000 });
      if (sync.status !== 0) throw new Error(`sspr sync (${checkout.name}): ${sync.stderr}`);
    }
    const passwords = new Map(Array.from({ length: USERS }, (_, i) => {
      const uid = `m${String(i + 1).padStart(4, '0')}`;
      return [uid, `Init-${uid}-Qx7!walnut`] as const;
    }));
    console.log(`\n## server memory: ${CONCURRENCY} clients changing passwords (direct mode, slapd, SQLite; ${ROUNDS} rounds of ${LOAD_MS / 1000} s; load average ${loadAverage()})`);
    const figures = new Map<Checkout, RoundFigures[]>(checkouts.map((checkout) => [checkout, []]));
    for (let r = 1; r <= ROUNDS; r++) {
      const order = r % 2 === 1 ? checkouts : [...checkouts].reverse();
      for (const checkout of order) {
        const result = await round(checkout, env, passwords);
        figures.get(checkout)?.push(result);
        console.log(`  round ${r} ${checkout.name}: start-up peak ${result.startPeakMiB.toFixed(1)}, idle ${result.idleMiB.toFixed(1)}, peak ${result.peakMiB.toFixed(1)} (anon ${result.anonAtPeakMiB.toFixed(1)}, file ${result.fileAtPeakMiB.toFixed(1)}), after ${result.afterMiB.toFixed(1)} MiB; ${result.perSecond.toFixed(1)} changes/s, ${result.cpuMsPerChange.toFixed(1)} ms CPU each, p50 ${result.p50Ms.toFixed(0)} ms, first change ${result.firstChangeMs.toFixed(0)} ms${result.failures ? `, ${result.failures} failed` : ''} (load ${loadAverage()})`);
      }
    }
    const line = (label: string, pick: (f: RoundFigures) => number, digits = 1) =>
      console.log(`  ${label}: ${checkouts.map((checkout) => `${checkout.name} ${medianAndRange((figures.get(checkout) ?? []).map(pick), digits)}`).join('; ')}`);
    console.log(`medians (range) over ${ROUNDS} rounds:`);
    line('start-up peak (VmHWM) MiB', (f) => f.startPeakMiB);
    line('idle RSS MiB', (f) => f.idleMiB);
    line('peak RSS MiB', (f) => f.peakMiB);
    line('RSS after load MiB', (f) => f.afterMiB);
    line('anonymous at peak MiB', (f) => f.anonAtPeakMiB);
    line('file-backed at peak MiB', (f) => f.fileAtPeakMiB);
    line('changes/s', (f) => f.perSecond);
    line('server CPU ms per change', (f) => f.cpuMsPerChange);
    line('first change ms', (f) => f.firstChangeMs, 0);
    if (checkouts.length === 2) {
      const median = (checkout: Checkout, pick: (f: RoundFigures) => number) => percentile((figures.get(checkout) ?? []).map(pick), 0.5);
      const [mine, other] = checkouts as [Checkout, Checkout];
      console.log(`  ratio this/${other.name}: idle ${(median(mine, (f) => f.idleMiB) / median(other, (f) => f.idleMiB)).toFixed(3)}, peak ${(median(mine, (f) => f.peakMiB) / median(other, (f) => f.peakMiB)).toFixed(3)}`);
    }
    console.log(`load average at the end: ${loadAverage()}`);
  } finally {
    await slapd.stop();
    await new Promise<void>((resolveClose) => relay.close(() => resolveClose()));
    rmSync(work, { recursive: true, force: true });
  }
}
