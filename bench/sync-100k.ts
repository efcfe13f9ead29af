/**
 * Benchmark (`npm run bench -- sync`): a full `sspr sync` of 100,000 slapd users (SSPR_BENCH_SYNC_USERS scales it)
 * against the baseline the target names: `ldapsearch -LLL` of the same entries (users and groups) with the same
 * attributes *into SQLite* — its LDIF turned into CSV by awk and loaded with the sqlite3 shell's `.import` (one
 * transaction, one prepared statement) into a table keyed by entryUUID, in WAL mode with synchronous=NORMAL as
 * sspr's store runs. Target: the sync takes at most 2× that baseline and peaks at most 200 MB. The older figure,
 * ldapsearch of the users alone into /dev/null, is printed too; it leaves out the storing that the sync must do,
 * so a ratio against it overstates the sync's overhead.
 *
 * The directory (users plus a few hundred groupOfNames) is written as LDIF and loaded offline with `slapadd -q`
 * before slapd starts. Each sync runs in a child process of its own, so the peak RSS it reports
 * (`process.resourceUsage().maxRSS`) is the sync's alone: once with a no-op target (LDAP reading and mapping only,
 * in-process: the cost of ldapts parsing) and once into a fresh SQLite store through syncDirectory, exactly as
 * `sspr sync --full` runs (with the store to itself: `exclusive`). SSPR_BENCH_RUNS (3) rounds of all of them;
 * every figure is the median and range, with the load average; CPU seconds are compared too (on a loaded machine
 * they move less than wall time). Prints figures, asserts nothing.
 *
 * Before/after comparisons: SSPR_BENCH_SYNC_BEFORE=PATH names another build's compiled sync-100k.js; each round
 * then also runs that build's SQLite child, so both versions see the same load. SSPR_BENCH_SYNC_READER=0 skips the
 * reader-only child.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { STATE_ATTRIBUTES } from '../src/directory/ldap/ldap-account.js';
import { FACT_ATTRIBUTES } from '../src/directory/ldap/ldap-password-facts.js';
import { ldapConfigSchema, type LdapConfig, type LdapConfigInput } from '../src/directory/ldap/ldap-config.js';
import { ldapDirectoryReader } from '../src/directory/ldap/ldap-directory-reader.js';
import { runSync } from '../src/sync/sync-run.js';
import type { SyncSummary, SyncTarget } from '../src/sync/sync-types.js';
import { syncDirectory } from '../src/sync/directory-sync.js';
import { directorySectionSchema } from '../src/directory/registry.js';
import { openStore, migrate } from '../src/store/database.js';
import { systemClock } from '../src/store/clock.js';
import { SharedKeyring } from '../src/crypto/shared-keyring.js';
import { startSlapd } from '../test/support/slapd.js';
import { loadAverage, medianAndRange } from './stats.js';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from '../src/cli/heap-growth.js';

const USERS = Number(process.env.SSPR_BENCH_SYNC_USERS ?? 100_000);
const RUNS = Number(process.env.SSPR_BENCH_RUNS ?? 3);
const GROUPS = 300;
const MEMBERS_PER_GROUP = 50;
const PEOPLE = 'ou=people,dc=example,dc=org';
/** What ldap-directory-reader.ts asks for besides the mapped, state and fact attributes (CHANGE_ATTRIBUTES there). */
const CHANGE_ATTRIBUTES = ['entryUUID', 'modifyTimestamp'];
const GROUP_ATTRIBUTES = ['cn', 'member', 'uniqueMember', ...CHANGE_ATTRIBUTES];
const CHILD_FLAG = '--sync-child';

type ChildKind = 'reader-only' | 'sqlite';
const BEFORE = process.env.SSPR_BENCH_SYNC_BEFORE;
const WITH_READER = process.env.SSPR_BENCH_SYNC_READER !== '0';
interface ChildResult {
  kind: ChildKind;
  accounts: number;
  groups: number;
  seconds: number;
  secondsWithClose: number;
  cpuSeconds: number;
  maxRssMb: number;
  /** Highest process.memoryUsage() figures sampled every 20 ms during the sync, in MB. */
  peaksMb?: Record<'rss' | 'heapTotal' | 'heapUsed' | 'external', number>;
  /** The event loop's longest stall and its 99th percentile during the sync, in ms (perf_hooks histogram). */
  loopDelayMs?: { max: number; p99: number };
}

/** The attributes ldapDirectoryReader requests for users, derived the same way. */
function userAttributes(config: LdapConfig): string[] {
  const mapped = Object.values({ ...config.attributes, login: config.loginAttribute });
  return [...new Set([...mapped, ...STATE_ATTRIBUTES, ...CHANGE_ATTRIBUTES, ...FACT_ATTRIBUTES])];
}

const uid = (i: number) => `user${String(i).padStart(6, '0')}`;

function directoryLdif(users: number): string {
  const chunks: string[] = [`dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people\n`];
  for (let i = 0; i < users; i++) {
    const name = uid(i);
    chunks.push(
      `dn: uid=${name},${PEOPLE}\nobjectClass: inetOrgPerson\nuid: ${name}\ncn: Given${i} Family${i % 997}\n` +
        `givenName: Given${i}\nsn: Family${i % 997}\nmail: ${name}@example.org\n` +
        (i % 2 === 0 ? `mobile: +4479${String(i).padStart(8, '0')}\n` : '') +
        `userPassword: {SSHA}notARealHashButLongEnoughToLookLikeOne0000\n`,
    );
  }
  for (let g = 0; g < GROUPS; g++) {
    const members = Array.from({ length: MEMBERS_PER_GROUP }, (_, m) => `member: uid=${uid((g * 7919 + m * 104_729) % users)},${PEOPLE}`);
    // Every tenth group also nests the previous one.
    if (g % 10 === 9) members.push(`member: cn=group${g - 1},${PEOPLE}`);
    chunks.push(`dn: cn=group${g},${PEOPLE}\nobjectClass: groupOfNames\ncn: group${g}\n${[...new Set(members)].join('\n')}\n`);
  }
  return chunks.join('\n');
}

/** Wall-clock and CPU (user + system, from bash's `times`) seconds of a command with stdout to /dev/null. */
async function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; cpuSeconds: number }> {
  const started = performance.now();
  const child = spawn('bash', ['-c', '"$@" >/dev/null || exit $?; times >&2', 'timed', command, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', resolveExit);
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${command} exited ${code}: ${stderr}`);
  // `times` prints the shell's own user/system times, then its children's: "0m0.512s 0m0.061s".
  const children = stderr.trim().split('\n').at(-1) ?? '';
  const cpuSeconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, match) => sum + Number(match[1]) * 60 + Number(match[2]), 0);
  return { seconds, cpuSeconds };
}

/**
 * LDIF as `ldapsearch -LLL -o ldif-wrap=no` prints it → CSV for the sqlite3 shell's `.import`: one row per entry,
 * the DN, then the attributes named by `-v attrs=a,b,c` (case-insensitive); several values of one attribute are
 * joined with ";". Base64 values (`name:: …`) stay encoded (the generated directory has none).
 */
const LDIF_TO_CSV = String.raw`
BEGIN { n = split(tolower(attrs), names, ","); for (i = 1; i <= n; i++) column[names[i]] = i }
function quote(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
function flush(   i, line) {
  if (dn == "") return
  line = quote(dn)
  for (i = 1; i <= n; i++) line = line "," quote(value[i])
  print line
  dn = ""; delete value
}
/^$/ { flush(); next }
{
  colon = index($0, ":"); name = tolower(substr($0, 1, colon - 1)); rest = substr($0, colon + 1)
  sub(/^:? /, "", rest)
  if (name == "dn") { dn = rest; next }
  if (name in column) { i = column[name]; value[i] = (i in value) ? value[i] ";" rest : rest }
}
END { flush() }
`;

const shellQuote = (value: string): string => `'${value.replaceAll("'", "'\\''")}'`;

/**
 * The fair baseline as one bash script: a fresh SQLite file (WAL, synchronous=NORMAL, as openStore sets), then
 * users and groups, each `ldapsearch | awk | sqlite3 .import` into a table of the requested attributes keyed by
 * entryUUID (the sync's anchor).
 */
function ldapsearchIntoSqliteScript(database: string, searches: Array<{ table: string; args: string[]; attributes: string[] }>): string {
  const lines = ['set -euo pipefail', `rm -f ${shellQuote(database)}*`, `sqlite3 ${shellQuote(database)} 'pragma journal_mode=wal' >/dev/null`];
  for (const { table, args, attributes } of searches) {
    const columns = ['dn text', ...attributes.map((name) => `"${name.toLowerCase()}" text${name === 'entryUUID' ? ' primary key' : ''}`)];
    lines.push(
      `sqlite3 ${shellQuote(database)} ${shellQuote(`create table ${table} (${columns.join(', ')})`)}`,
      `ldapsearch -o ldif-wrap=no ${args.map(shellQuote).join(' ')} | awk -v attrs=${shellQuote(attributes.join(','))} ${shellQuote(LDIF_TO_CSV)} | ` +
        `sqlite3 -cmd 'pragma synchronous=normal' ${shellQuote(database)} '.mode csv' ${shellQuote(`.import /dev/stdin ${table}`)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Runs a command and counts the `dn:` lines it prints (the number of entries an `ldapsearch -LLL` returned). */
async function countEntries(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  let count = 0;
  for await (const line of createInterface({ input: child.stdout })) if (/^dn::? /.test(line)) count += 1;
  const code = child.exitCode ?? (await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit)));
  if (code !== 0) throw new Error(`${command} exited ${code}`);
  return count;
}

/** Runs one sync in a child process (this file with CHILD_FLAG) and returns what it reports. */
async function runChild(kind: ChildKind, config: LdapConfigInput, script = fileURLToPath(import.meta.url)): Promise<ChildResult> {
  // SSPR_BENCH_SYNC_CPU_PROF=DIR writes a V8 CPU profile of each sync child into DIR (node --cpu-prof).
  const profileDir = process.env.SSPR_BENCH_SYNC_CPU_PROF;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=sync-${kind}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...process.execArgv, ...profile, script, CHILD_FLAG, kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SSPR_BENCH_SYNC_CONFIG: JSON.stringify(config) },
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  if (code !== 0) throw new Error(`sync child (${kind}) exited ${code}: ${stdout}`);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildResult;
}

const noopTarget: SyncTarget = {
  startRun: async () => undefined,
  upsertAccounts: async (accounts) => ({ created: accounts.length, updated: 0, unchanged: 0 }),
  upsertGroups: async (groups) => ({ created: groups.length, updated: 0, unchanged: 0 }),
  setGroupMembers: async () => undefined,
  disableMissing: async () => 0,
  anchorsForDns: async () => new Map(),
  readMarker: async () => null,
  writeMarker: async () => undefined,
};

/**
 * The child side: one full sync, then a JSON line with the summary, this process's peak RSS and CPU time.
 * reader-only: runSync into a no-op target. sqlite: syncDirectory into a fresh store, exactly as `sspr sync --full`
 * does; `secondsWithClose` adds closing the store (SQLite's last checkpoint), which `sspr sync` waits for too.
 */
async function childMain(kind: ChildKind): Promise<void> {
  const section = JSON.parse(process.env.SSPR_BENCH_SYNC_CONFIG ?? '{}') as Record<string, unknown>;
  const dataDir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'sspr-bench-sync-store-')) : null;
  // The heap setting `sspr sync` makes for its process (the reader-only child too: it shows the reading's share).
  limitHeapGrowth(HEAP_GROWING_PERCENT.sync);
  const store = dataDir ? openStore(`sqlite:${join(dataDir, 'sspr.db')}`, dataDir) : null;
  try {
    if (store) await migrate(store);
    const peaksMb = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0 };
    const sample = setInterval(() => {
      const usage = process.memoryUsage();
      for (const key of Object.keys(peaksMb) as Array<keyof typeof peaksMb>) peaksMb[key] = Math.max(peaksMb[key], Math.round(usage[key] / 1048576));
    }, 20);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let summary: SyncSummary;
    if (store && dataDir) {
      const { cipher } = (await SharedKeyring.open(store, dataDir)).keyring;
      summary = await syncDirectory(directorySectionSchema.parse({ kind: 'ldap', ...section }), store, cipher, systemClock, { full: true, exclusive: true });
    } else {
      const reader = ldapDirectoryReader(ldapConfigSchema.parse(section));
      summary = await runSync(reader, noopTarget, { mode: 'full' }).finally(() => reader.close());
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sample);
    loop.disable();
    await store?.close();
    const secondsWithClose = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const result: ChildResult = {
      kind,
      accounts: summary.accounts.created + summary.accounts.updated + summary.accounts.unchanged,
      groups: summary.groups.created + summary.groups.updated + summary.groups.unchanged,
      seconds,
      secondsWithClose,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssMb: process.resourceUsage().maxRSS / 1024, // maxRSS is in kilobytes
      peaksMb,
      loopDelayMs: { max: Math.round(loop.max / 1e6), p99: Math.round(loop.percentile(99) / 1e6) },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchSync100k(): Promise<void> {
  console.log(`\n## Full sync of ${USERS.toLocaleString('en')} slapd users (+${GROUPS} groups) vs ldapsearch -LLL`);
  const work = mkdtempSync(join(tmpdir(), 'sspr-bench-sync-'));
  try {
    const ldif = join(work, 'directory.ldif');
    const started = performance.now();
    writeFileSync(ldif, directoryLdif(USERS));
    const slapd = await startSlapd({ extraLdif: ldif });
    console.log(`directory generated and loaded with slapadd in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    try {
      const config: LdapConfigInput = {
        url: slapd.ldapsUrl,
        caFile: slapd.caFile,
        bindDn: slapd.serviceDn,
        bindPassword: slapd.servicePassword,
        baseDn: PEOPLE,
        timeoutMs: 60_000,
      };
      const parsed = ldapConfigSchema.parse(config);
      const env = { ...process.env, LDAPTLS_CACERT: slapd.caFile };
      const search = (filter: string, attributes: string[]) => [
        '-LLL', '-H', slapd.ldapsUrl, '-x', '-D', slapd.serviceDn, '-w', slapd.servicePassword, '-b', PEOPLE,
        '-E', 'pr=500/noprompt', filter, ...attributes,
      ];
      const usersFilter = '(objectClass=inetOrgPerson)';
      const groupsFilter = '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';
      const baselineScript = join(work, 'ldapsearch-into-sqlite.sh');
      writeFileSync(baselineScript, ldapsearchIntoSqliteScript(join(work, 'baseline.db'), [
        { table: 'users', args: search(usersFilter, userAttributes(parsed)), attributes: userAttributes(parsed) },
        { table: 'groups', args: search(groupsFilter, GROUP_ATTRIBUTES), attributes: GROUP_ATTRIBUTES },
      ]));
      // One untimed pass (counting entries) warms slapd's entry cache and the page cache for both sides alike.
      const dumped = await countEntries('ldapsearch', search(usersFilter, userAttributes(parsed)), env);
      const runs = {
        baseline: [] as number[], baselineCpu: [] as number[], ldapsearch: [] as number[],
        readerOnly: [] as ChildResult[], sqlite: [] as ChildResult[], before: [] as ChildResult[],
      };
      // Rounds alternate all of them, so each sees the same machine load; ratios are taken within a round.
      for (let round = 0; round < RUNS; round++) {
        const baseline = await timeCommand('bash', [baselineScript], env);
        runs.baseline.push(baseline.seconds);
        runs.baselineCpu.push(baseline.cpuSeconds);
        runs.ldapsearch.push((await timeCommand('ldapsearch', search(usersFilter, userAttributes(parsed)), env)).seconds);
        if (WITH_READER) runs.readerOnly.push(await runChild('reader-only', config));
        if (BEFORE) runs.before.push(await runChild('sqlite', config, BEFORE));
        runs.sqlite.push(await runChild('sqlite', config));
      }
      const m = (values: number[], digits = 2) => medianAndRange(values, digits);
      const perRound = (children: ChildResult[], pick: (child: ChildResult) => number, of: number[]) => children.map((child, i) => pick(child) / (of[i] as number));
      const last = runs.sqlite.at(-1) as ChildResult;
      console.log(`entries: ldapsearch ${dumped} users; sync ${last.accounts} users, ${last.groups} groups; ${RUNS} rounds, median (range)`);
      console.log(`baseline, ldapsearch -LLL of users and groups into SQLite (same attributes, pr=500): ${m(runs.baseline)} s, CPU ${m(runs.baselineCpu)} s`);
      console.log(`ldapsearch -LLL of users into /dev/null: ${m(runs.ldapsearch)} s`);
      const rows: Array<[string, ChildResult[]]> = [['sync, reader only (no-op target)', runs.readerOnly], ['sync into SQLite (as sspr sync --full, with closing the store)', runs.sqlite]];
      if (BEFORE) rows.push([`before (${BEFORE}), sync into SQLite`, runs.before]);
      for (const [name, children] of rows) {
        if (children.length === 0) continue;
        const seconds = (child: ChildResult) => (child.kind === 'sqlite' ? child.secondsWithClose : child.seconds);
        console.log(`${name}: ${m(children.map(seconds))} s = ${m(perRound(children, seconds, runs.baseline))}× the baseline ` +
          `(${m(perRound(children, seconds, runs.ldapsearch), 1)}× ldapsearch into /dev/null); CPU ${m(children.map((child) => child.cpuSeconds))} s = ` +
          `${m(perRound(children, (child) => child.cpuSeconds, runs.baselineCpu), 1)}× the baseline's CPU; peak RSS ${m(children.map((child) => child.maxRssMb), 0)} MB`);
      }
      console.log(`memory peaks of the last SQLite sync (MB, sampled): ${JSON.stringify(last.peaksMb)}; event loop delay (ms): ${JSON.stringify(last.loopDelayMs)}`);
      console.log('target: sync into SQLite ≤ 2× the baseline, peak RSS ≤ 200 MB');
      console.log(`  load average: ${loadAverage()}`);
    } finally {
      await slapd.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === CHILD_FLAG && process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await childMain(process.argv[3] === 'sqlite' ? 'sqlite' : 'reader-only');
}
