/**
 * Benchmark: the strength estimate's cost. Each run is a fresh process (so loading is measured cold) that
 * - loads the estimator (preloadStrengthEstimator) and reports the time it took, the heap used after a full GC and
 *   the resident memory;
 * - estimates a family of worst-case inputs (long digit and leetspeak strings, runs of dictionary words, Unicode,
 *   repeated patterns, 68-character mixes) and reports the slowest single estimate (wall and process CPU) and
 *   the median estimate's CPU.
 * Wall times on a loaded machine mostly measure the wait for a core, so CPU times (process.cpuUsage) are printed
 * next to them. Prints median (min–max) over RUNS runs with the load average. Asserts nothing.
 *
 *   npm run bench -- strength          (SSPR_BENCH_RUNS=3)
 *   SSPR_BENCH_COMPARE=/path/to/other/checkout npm run bench -- strength
 *                                      (runs alternate between this tree and the other's src/, e.g. a baseline)
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadAverage, medianAndRange, percentile } from './stats.js';

const RUNS = Math.max(3, Number(process.env.SSPR_BENCH_RUNS ?? 3));
const CHILD_FLAG = '--strength-estimate-child';

const WORDS = ['password', 'summer', 'dragon', 'monkey', 'sommer', 'passwort', 'soleil', 'verano', 'estate', 'zomer', 'lato', 'verao', 'sakura', 'michael', 'anna', 'schmidt'];
const pick = (text: string, length: number) => Array.from({ length }, () => text[randomInt(text.length)]).join('');
const words = (length: number) => {
  let out = '';
  while (out.length < length) out += WORDS[randomInt(WORDS.length)];
  return out.slice(0, length);
};

/** Worst-case families: each a generator of one input. */
export const worstCaseInputs: Record<string, () => string> = {
  'digits 256': () => pick('0123456789', 256),
  'leet symbols 256': () => pick('4@8(36#!1|70$5+2', 256),
  'dictionary words 68': () => words(68),
  'dictionary words 256': () => words(256),
  'leet words 68': () => words(68).replace(/a/g, '4').replace(/o/g, '0').replace(/s/g, '$').replace(/e/g, '3'),
  'mixed 68': () => pick('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*', 68),
  'unicode 256': () => pick('äöüßéèàçñøåœ😀漢字かなカナ', 256),
  'keyboard walk 68': () => 'qwertyuiopasdfghjklzxcvbnm1234567890'.repeat(2).slice(0, 68),
  'dates 68': () => Array.from({ length: 7 }, () => `${randomInt(1, 29)}.${randomInt(1, 13)}.${randomInt(1950, 2030)}`).join('').slice(0, 68),
  'repeated pattern 1024': () => 'Ab1!'.repeat(256),
  'sequences 68': () => 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(2).slice(0, 68),
};

/** Passwords people choose, for the typical estimate's CPU. */
const typical = ['Sommer2024!', 'correct-horse-battery-staple', 'P@ssw0rd123', 'Kaffee&Kuchen-1987', 'amber-anchor-1234-basilX', 'Tr0ub4dor&3', 'MeinHundHeisstBello!', 'iloveyou2', 'Zq8#mW2$kP5@vN7!', 'verano-playa-2025'];

interface ChildFigures {
  loadMs: number;
  loadCpuMs: number;
  typicalCpuMs: number;
  heapMb: number;
  rssMb: number;
  worstWallMs: number;
  worstFamily: string;
  worstCpuMs: number;
  medianCpuMs: number;
}

const cpuMsSince = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function child(root: string): Promise<void> {
  const { preloadStrengthEstimator, estimateStrength } = (await import(pathToFileURL(`${root}/src/password-policy/strength.ts`).href)) as typeof import('../src/password-policy/strength.js');
  const gc = (globalThis as { gc?: () => void }).gc;
  const startedCpu = process.cpuUsage();
  const started = performance.now();
  preloadStrengthEstimator();
  const loadMs = performance.now() - started;
  const loadCpuMs = cpuMsSince(startedCpu);
  gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  const inputs = Object.entries(worstCaseInputs).flatMap(([family, make]) => Array.from({ length: 12 }, () => [family, make()] as const));
  for (const [, input] of inputs.slice(0, 40)) estimateStrength(input, ['aschmidt', 'Anna', 'Schmidt'], 'en'); // warm-up (JIT)
  let worstWallMs = 0;
  let worstCpuMs = 0;
  let worstFamily = '';
  const cpu: number[] = [];
  for (const [family, input] of inputs) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    estimateStrength(input, ['aschmidt', 'Anna', 'Schmidt'], 'en');
    const wall = performance.now() - t0;
    const used = process.cpuUsage(cpu0);
    const cpuMs = (used.user + used.system) / 1000;
    cpu.push(cpuMs);
    if (wall > worstWallMs) [worstWallMs, worstFamily] = [wall, family];
    worstCpuMs = Math.max(worstCpuMs, cpuMs);
  }
  const typicalCpu = typical.flatMap((password) => Array.from({ length: 20 }, () => {
    const cpu0 = process.cpuUsage();
    estimateStrength(password, ['aschmidt', 'Anna', 'Schmidt'], 'en');
    return cpuMsSince(cpu0);
  }));
  const figures: ChildFigures = { loadMs, loadCpuMs, typicalCpuMs: percentile(typicalCpu, 0.5), heapMb: heapUsed / 2 ** 20, rssMb: rss / 2 ** 20, worstWallMs, worstFamily, worstCpuMs, medianCpuMs: percentile(cpu, 0.5) };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function report(label: string, runs: readonly ChildFigures[], loads: readonly string[]): void {
  const of = (key: keyof Omit<ChildFigures, 'worstFamily'>) => medianAndRange(runs.map((figures) => figures[key]));
  console.log(`\n## strength estimate (${label}), fresh process per run, median (min–max) of ${runs.length} runs`);
  console.log(`load average at the start of each run: ${loads.join(' | ')}`);
  console.log(`estimator load ms, wall               ${of('loadMs')}`);
  console.log(`estimator load ms, CPU                ${of('loadCpuMs')}`);
  console.log(`typical estimate, median CPU ms       ${of('typicalCpuMs')}`);
  console.log(`heap used after load, MB              ${of('heapMb')}`);
  console.log(`resident memory after load, MB        ${of('rssMb')}`);
  console.log(`slowest worst-case estimate, wall ms  ${of('worstWallMs')}   (families: ${runs.map((figures) => figures.worstFamily).join(' | ')})`);
  console.log(`slowest worst-case estimate, CPU ms   ${of('worstCpuMs')}`);
  console.log(`median worst-case estimate, CPU ms    ${of('medianCpuMs')}`);
}

export function benchStrengthEstimate(): void {
  const here = fileURLToPath(new URL(import.meta.url.includes('/build-bench/') ? '../..' : '..', import.meta.url));
  const roots = [[here, 'this tree'], ...(process.env.SSPR_BENCH_COMPARE ? [[process.env.SSPR_BENCH_COMPARE, process.env.SSPR_BENCH_COMPARE]] : [])] as const;
  const runs = roots.map(() => [] as ChildFigures[]);
  const loads = roots.map(() => [] as string[]);
  // The source is run through tsx, whichever way this bench was started.
  for (let run = 0; run < RUNS; run++) {
    roots.forEach(([root], k) => {
      loads[k]?.push(loadAverage());
      const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(new URL('../bench/strength-estimate.ts', `file://${here}/`)), CHILD_FLAG, root], { encoding: 'utf8', cwd: here });
      if (result.status !== 0) throw new Error(`strength child failed: ${result.stderr}`);
      runs[k]?.push(JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as ChildFigures);
    });
  }
  roots.forEach(([, label], k) => report(label, runs[k] ?? [], loads[k] ?? []));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === CHILD_FLAG) await child(process.argv[3] ?? '.');
  else benchStrengthEstimate();
}
