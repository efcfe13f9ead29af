/**
 * `sspr serve` with `http.workers` = 2 against real slapd (ldaps://) and SQLite: a primary and two workers share the
 * port, both serve password changes, /metrics adds the workers' figures up, a worker killed with SIGKILL is
 * replaced while requests keep succeeding, SIGTERM drains them and the primary exits 0; a port that cannot be
 * opened stops the primary with one sentence and exit code 1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd, ldapsDirectory, type Slapd } from '../support/slapd.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { childPids, freePort, runCli, runCliAsync, startServerProcess, type ServerProcess } from '../support/processes.js';
import { postJson } from '../support/json-client.js';
import { parsePrometheusText } from '../support/prometheus-text.js';

const USERS = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal'];
const original = (uid: string) => `${uid}-Original-Pass-1`;

/** CPU seconds (user + system) process `pid` has used so far. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('sspr serve with two workers', () => {
  let slapd: Slapd;
  let sink: SmtpSink;
  let dataDir: string;
  let env: Record<string, string>;
  let metricsPort: number;
  let server: ServerProcess | null = null;
  const passwords = new Map(USERS.map((uid) => [uid, original(uid)]));

  before(async () => {
    [slapd, sink] = await Promise.all([startSlapd(), SmtpSink.start()]);
    for (const uid of USERS) await slapd.addUser({ uid, password: original(uid), givenName: uid, sn: 'Example', mail: `${uid}@example.org` });
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-workers-'));
    metricsPort = await freePort();
    env = {
      SSPR_DATA_DIR: dataDir, SSPR_SMTP_URL: sink.url, SSPR_CAPTCHA: 'off', SSPR_PUBLIC_URL: 'http://127.0.0.1', SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0',
      SSPR_DIRECTORY: JSON.stringify(ldapsDirectory(slapd)),
    };
    const synced = runCli(['sync', '--full'], { env });
    assert.equal(synced.status, 0, synced.stderr);
    server = await startServerProcess({ ...env, SSPR_HTTP_WORKERS: '2', SSPR_METRICS_PORT: String(metricsPort) });
  });
  after(async () => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    await Promise.all([slapd?.stop(), sink?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Signs in and changes the password of `uid` once (to a new one each time). */
  async function changeOnce(uid: string, round: number): Promise<void> {
    const baseUrl = (server as ServerProcess).baseUrl;
    const current = passwords.get(uid) as string;
    const signedIn = await postJson(baseUrl, '/api/v1/session', { username: uid, password: current });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    const cookie = String(signedIn.headers.get('set-cookie')).split(';')[0] as string;
    const next = `Walnut harbour ${['copper', 'silver', 'amber', 'cobalt'][round - 1]} lantern ${USERS.indexOf(uid)}${round}`;
    const changed = await postJson(baseUrl, '/api/v1/me/password', { currentPassword: current, newPassword: next }, { headers: { cookie } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    passwords.set(uid, next);
  }

  const scrape = async () => parsePrometheusText(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());

  it('runs a primary and two workers that both serve password changes, counted together by /metrics', async () => {
    const primary = server!.child.pid as number;
    const workers = await until('two workers', () => childPids(primary).length === 2 && childPids(primary));
    const cpuBefore = workers.map(cpuSecondsOf);
    // Concurrent changes open several connections, which the primary hands to the workers in turn.
    for (const round of [1, 2]) await Promise.all(USERS.map((uid) => changeOnce(uid, round)));
    const used = workers.map((pid, i) => cpuSecondsOf(pid) - (cpuBefore[i] as number));
    for (const [i, seconds] of used.entries()) assert.ok(seconds >= 0.05, `worker ${workers[i]} used ${seconds} s of CPU while 16 changes were made: it served none`);
    const metrics = await scrape();
    assert.equal(metrics.value('sspr_flows_completed_total', { flow: 'change' }), 2 * USERS.length, 'every worker\'s changes are counted');
    assert.equal(metrics.sum('sspr_http_requests_total', { route: '/api/v1/me/password', status: '200' }), 2 * USERS.length);
  });

  it('replaces a worker killed with SIGKILL while requests keep succeeding', async () => {
    const primary = server!.child.pid as number;
    const [victim, survivor] = childPids(primary) as [number, number];
    process.kill(victim, 'SIGKILL');
    // The connections the killed worker held are cut with it; this client notices and opens new ones.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all(USERS.map((uid) => changeOnce(uid, 3)));
    const now = await until('a replacement worker', () => {
      const children = childPids(primary);
      return children.length === 2 && !children.includes(victim) && children;
    });
    assert.ok(now.includes(survivor));
    await until('the replacement to log that it listens', () => server!.output().includes('a worker died: starting another') && server!.output().split('sspr is running at').length - 1 >= 3);
    await Promise.all(USERS.map((uid) => changeOnce(uid, 4)));
    const metrics = await scrape();
    // The killed worker's counts went with it; the replacement starts at zero.
    assert.ok((metrics.value('sspr_flows_completed_total', { flow: 'change' }) ?? 0) >= USERS.length);
  });

  it('every user binds to the directory with the last password set', async () => {
    for (const uid of USERS) {
      const signedIn = await postJson(server!.baseUrl, '/api/v1/session', { username: uid, password: passwords.get(uid) });
      assert.equal(signedIn.status, 200, `${uid}: ${JSON.stringify(signedIn.body)}`);
    }
  });

  it('SIGTERM drains the workers and the primary exits 0', async () => {
    const primary = server!.child.pid as number;
    const workers = childPids(primary);
    const code = await server!.stop();
    assert.equal(code, 0, server!.output());
    for (const pid of workers) assert.throws(() => process.kill(pid, 0), 'the worker is gone');
  });

  it('a port that cannot be opened: every worker fails to start, and the primary says why and exits 1', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await runCliAsync(['serve'], { ...env, SSPR_HTTP_WORKERS: '2', SSPR_PORT: String(port), SSPR_HOST: '127.0.0.1', SSPR_LOG_LEVEL: 'silent' });
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /All 2 worker processes stopped while starting, so sspr stops too\. The first said: Port \d+ on 127\.0\.0\.1 is already in use/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
