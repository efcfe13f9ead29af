/**
 * Benchmark: completed forgot-password flows per second through the JSON API (email method, SQLite, a real
 * SMTP sink), 50 concurrent flows, against the built server running as its own process. Prints figures;
 * asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { openStore, migrate } from '../src/store/database.js';
import { UsersRepository } from '../src/store/users-repository.js';
import { systemClock } from '../src/store/clock.js';
import { SharedKeyring } from '../src/crypto/shared-keyring.js';
import { startServerProcess } from '../test/support/processes.js';
import { percentile } from './stats.js';

const CONCURRENCY = Number(process.env.SSPR_BENCH_CONCURRENCY ?? 50);
const DURATION_MS = Number(process.env.SSPR_BENCH_SECONDS ?? 20) * 1000;
const USERS = 2000;

type Step = 'start' | 'send' | 'code-arrives' | 'verify' | 'password';

/** A minimal SMTP sink: hands each code to whoever waits for that recipient. */
async function codeSink() {
  const waiting = new Map<string, (code: string) => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('latin1')));
      stream.on('end', () => {
        const to = session.envelope.rcptTo[0]?.address ?? '';
        const code = /code is: (\d{6,10})/.exec(raw)?.[1];
        if (code) waiting.get(to)?.(code);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    next: (to: string) => new Promise<string>((resolve) => waiting.set(to, resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}


export async function benchResetFlows(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-bench-'));
  const store = openStore(undefined, dataDir);
  await migrate(store);
  const users = new UsersRepository(store.db, systemClock, (await SharedKeyring.open(store, dataDir)).keyring.cipher);
  for (let i = 0; i < USERS; i++) await users.add({ username: `bench${i}`, email: `bench${i}@example.org` });
  await store.close();

  const sink = await codeSink();
  const server = await startServerProcess({
    SSPR_DATA_DIR: dataDir,
    SSPR_SMTP_URL: sink.url,
    SSPR_LOG_LEVEL: 'warn',
    SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0',
    SSPR_CAPTCHA: 'off',
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SSPR_') && !k.startsWith('SSPR_BENCH_')) as Array<[string, string]>),
  });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(server.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as any;
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  /** Runs `CONCURRENCY` closed-loop workers for DURATION_MS; `withPassword` false stops after verify. */
  const run = async (withPassword: boolean) => {
    const latencies: Record<Step, number[]> = { start: [], send: [], 'code-arrives': [], verify: [], password: [] };
    const timed = async <T>(step: Step, work: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const result = await work();
      latencies[step].push(performance.now() - t0);
      return result;
    };
    let completed = 0;
    let nextUser = 0;
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
          await timed('password', () => post(`/api/v1/reset/${started.flowId}/password`, { password: `bench passphrase ${n} ${completed}` }));
        }
        completed++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - startedAt) / 1000;
    const what = withPassword ? 'completed reset flows (start → send → code → verify → new password)' : 'verified flows (start → send → code → verify, no password step)';
    console.log(`\n${what}: ${completed} in ${seconds.toFixed(1)} s  →  ${(completed / seconds).toFixed(1)} /s`);
    console.log('step            p50 ms   p99 ms');
    for (const [step, xs] of Object.entries(latencies)) {
      if (xs.length) console.log(`${step.padEnd(14)} ${percentile(xs, 0.5).toFixed(2).padStart(7)}  ${percentile(xs, 0.99).toFixed(2).padStart(7)}`);
    }
  };

  console.log(`\n## reset flows through the JSON API (email code, SQLite, real SMTP sink, ${CONCURRENCY} concurrent flows)`);
  await run(true);
  await run(false);
  await server.stop();
  await sink.close();
  rmSync(dataDir, { recursive: true, force: true });
}
