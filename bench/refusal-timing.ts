/**
 * Benchmark: `reset/start` for a refused user who is sent a notice (an administrator with one method) against an
 * unknown name, 200 interleaved requests each from outside the built server process, with a real SMTP peer.
 * Prints medians, interquartile ranges and a Mann-Whitney z; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, migrate } from '../src/store/database.js';
import { UsersRepository } from '../src/store/users-repository.js';
import { systemClock } from '../src/store/clock.js';
import { SharedKeyring } from '../src/crypto/shared-keyring.js';
import { startServerProcess } from '../test/support/processes.js';
import { SmtpSink } from '../test/support/smtp-sink.js';
import { percentile } from './stats.js';

const ROUNDS = 200;

/** Mann-Whitney U as a z score (normal approximation, no tie correction). */
function mannWhitneyZ(a: number[], b: number[]): number {
  const ranked = [...a.map((v) => ({ v, from: 0 })), ...b.map((v) => ({ v, from: 1 }))].sort((x, y) => x.v - y.v);
  const rankSumA = ranked.reduce((sum, item, i) => (item.from === 0 ? sum + i + 1 : sum), 0);
  const u = rankSumA - (a.length * (a.length + 1)) / 2;
  const mean = (a.length * b.length) / 2;
  const sd = Math.sqrt((a.length * b.length * (a.length + b.length + 1)) / 12);
  return (u - mean) / sd;
}

export async function benchRefusalTiming(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-bench-refusal-'));
  const store = openStore(undefined, dataDir);
  await migrate(store);
  const users = new UsersRepository(store.db, systemClock, (await SharedKeyring.open(store, dataDir)).keyring.cipher);
  for (let i = 0; i < 20; i++) await users.add({ username: `staff${i}`, email: `staff${i}@example.org` });
  await users.add({ username: 'ops', email: 'ops@example.org', isAdmin: true });
  await store.close();
  const smtp = await SmtpSink.start();
  const server = await startServerProcess({
    SSPR_DATA_DIR: dataDir, SSPR_SMTP_URL: smtp.url, SSPR_LOG_LEVEL: 'warn', SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0', SSPR_CAPTCHA: 'off',
  });
  try {
    const start = async (username: string) => {
      const t0 = performance.now();
      const response = await fetch(server.baseUrl + '/api/v1/reset/start', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
      await response.arrayBuffer();
      return performance.now() - t0;
    };
    for (let i = 0; i < 20; i++) await start(`warm${i}`);
    const refused: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      refused.push(await start('ops'));
      unknown.push(await start(`nobody${i}`));
    }
    const line = (name: string, xs: number[]) =>
      `${name}: median ${percentile(xs, 0.5).toFixed(3)} ms, IQR ${percentile(xs, 0.25).toFixed(3)}–${percentile(xs, 0.75).toFixed(3)} ms`;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const notices = smtp.messages.filter((m) => m.to === 'ops@example.org').length;
    process.stdout.write(`refusal timing (${ROUNDS} each, out of process)\n  ${line('refused + notice', refused)}\n  ${line('unknown', unknown)}\n`);
    process.stdout.write(`  Mann-Whitney z = ${mannWhitneyZ(refused, unknown).toFixed(2)} (|z| > 3.9 ≈ p < 1e-4); notices sent: ${notices}\n`);
  } finally {
    await server.stop();
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
