/**
 * Benchmark: bounded work of the live password check. One client floods `POST /api/v1/password/check` with
 * worst-case inputs (256 random digits, 256 random leetspeak symbols) on 8 connections while another polls
 * `/healthz` every 10 ms. Twice: with the per-IP rate limit as configured by default (what one client can do to a
 * real server; answers beyond the limit are 429) and with the limit off (every check is evaluated). Prints, as
 * median (min–max) over RUNS runs, the evaluated checks' p50/p99 and /healthz's p99 alone and under the flood,
 * with the load average. Targets: check p99 ≤ 20 ms, /healthz p99 under the flood ≤ 50 ms. Asserts nothing.
 *
 *   npm run bench -- check-flood        (SSPR_BENCH_RUNS=3, SSPR_BENCH_SECONDS=5)
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '../test/support/processes.js';
import { loadAverage, medianAndRange, percentile } from './stats.js';

const RUNS = Math.max(3, Number(process.env.SSPR_BENCH_RUNS ?? 3));
const SECONDS = Number(process.env.SSPR_BENCH_SECONDS ?? 5);
const FLOOD_CONNECTIONS = 8;

const worstCase = [
  () => Array.from({ length: 256 }, () => String(randomInt(10))).join(''),
  () => Array.from({ length: 256 }, () => '4@8(36#!1|70$5+2'[randomInt(16)]).join(''),
];

/** CPU time (user + system) a process has used, in ms, from /proc (Linux; NaN elsewhere). */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks of 10 ms
  } catch {
    return Number.NaN;
  }
}

/** Latency in ms, or null for a 429 (rate limited), 503 answers counted as refused too. */
async function timedFetch(url: string, init?: RequestInit): Promise<number | null> {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  if (response.status === 429 || response.status === 503) return null;
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return performance.now() - started;
}

/** /healthz latencies polled every 10 ms until `until` resolves. */
async function pollHealth(baseUrl: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const samples: number[] = [];
  while (!done) {
    samples.push((await timedFetch(`${baseUrl}/healthz`)) ?? Number.NaN);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return samples;
}

/** Latencies of the evaluated checks, and how many were refused with 429. */
async function flood(baseUrl: string, ms: number): Promise<{ evaluated: number[]; limited: number }> {
  const deadline = performance.now() + ms;
  const evaluated: number[] = [];
  let limited = 0;
  const connection = async (index: number) => {
    for (let i = index; performance.now() < deadline; i++) {
      const password = (worstCase[i % worstCase.length] ?? worstCase[0])?.() ?? '';
      const latency = await timedFetch(`${baseUrl}/api/v1/password/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
      if (latency === null) limited++;
      else evaluated.push(latency);
    }
  };
  await Promise.all(Array.from({ length: FLOOD_CONNECTIONS }, (_, index) => connection(index)));
  return { evaluated, limited };
}

async function floodRuns(rateLimited: boolean): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-bench-flood-'));
  const server = await startServerProcess({
    SSPR_DATA_DIR: dataDir,
    SSPR_LOG_LEVEL: 'warn',
    SSPR_CAPTCHA: 'off',
    ...(rateLimited ? {} : { SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0' }),
  });
  const figures = { cpuPerCheck: [] as number[], evaluatedPerS: [] as number[], limitedPerS: [] as number[], checkP50: [] as number[], checkP99: [] as number[], idleP99: [] as number[], floodP99: [] as number[] };
  const loads: string[] = [];
  try {
    if (!rateLimited) await flood(server.baseUrl, 1_000); // warm-up: JIT, dictionaries
    for (let run = 0; run < RUNS; run++) {
      loads.push(loadAverage());
      const idle = await pollHealth(server.baseUrl, new Promise((resolve) => setTimeout(resolve, 1_000)));
      const cpuBefore = processCpuMs(server.child.pid);
      const checks = flood(server.baseUrl, SECONDS * 1000);
      const health = await pollHealth(server.baseUrl, checks);
      const { evaluated, limited } = await checks;
      figures.cpuPerCheck.push((processCpuMs(server.child.pid) - cpuBefore) / Math.max(1, evaluated.length));
      figures.evaluatedPerS.push(evaluated.length / SECONDS);
      figures.limitedPerS.push(limited / SECONDS);
      figures.checkP50.push(percentile(evaluated, 0.5));
      figures.checkP99.push(percentile(evaluated, 0.99));
      figures.idleP99.push(percentile(idle, 0.99));
      figures.floodP99.push(percentile(health, 0.99));
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const limit = rateLimited ? 'per-IP rate limit as configured by default' : 'per-IP rate limit off';
  console.log(`\n## worst-case password checks from one client (${FLOOD_CONNECTIONS} connections, 256-character inputs, ${SECONDS} s, ${limit}), median (min–max) of ${RUNS} runs`);
  console.log(`load average at the start of each run: ${loads.join(' | ')}`);
  console.log(`checks evaluated /s             ${medianAndRange(figures.evaluatedPerS)}`);
  console.log(`checks refused 429/503 /s       ${medianAndRange(figures.limitedPerS)}`);
  console.log(`server CPU ms per evaluated check ${medianAndRange(figures.cpuPerCheck)}   (incl. /healthz and refusals)`);
  console.log(`evaluated check p50 ms          ${medianAndRange(figures.checkP50)}`);
  console.log(`evaluated check p99 ms (≤ 20)   ${medianAndRange(figures.checkP99)}`);
  console.log(`/healthz p99 ms, idle           ${medianAndRange(figures.idleP99)}`);
  console.log(`/healthz p99 ms, flood (≤ 50)   ${medianAndRange(figures.floodP99)}`);
}

export async function benchCheckFlood(): Promise<void> {
  await floodRuns(true);
  await floodRuns(false);
}
