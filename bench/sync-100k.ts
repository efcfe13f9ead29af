/**
 * Benchmark (`npm run bench -- sync`): a full `sspr sync` of 100,000 slapd users (SSPR_BENCH_SYNC_USERS scales it)
 * against `ldapsearch -LLL` dumping the same entries with the same attributes in the same run. Target:
 * the sync takes at most 2× the ldapsearch time and peaks at most 200 MB.
 *
 * The directory (users plus a few hundred groupOfNames) is written as LDIF and loaded offline with `slapadd -q`
 * before slapd starts. Each sync runs in a child process of its own, so the peak RSS it reports
 * (`process.resourceUsage().maxRSS`) is the sync's alone: once with a no-op target (LDAP reading and mapping only,
 * in-process: the cost of ldapts parsing) and once into a fresh SQLite store through syncDirectory, exactly as
 * `sspr sync --full` runs. SSPR_BENCH_RUNS (3) rounds of all three; every figure is the median and range, with the
 * load average; CPU seconds are compared too (on a loaded machine they move less than wall time). Prints
 * figures, asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { STATE_ATTRIBUTES } from '../src/directory/ldap/ldap-account.js';
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

const USERS = Number(process.env.SSPR_BENCH_SYNC_USERS ?? 100_000);
const RUNS = Number(process.env.SSPR_BENCH_RUNS ?? 3);
const GROUPS = 300;
const MEMBERS_PER_GROUP = 50;
const PEOPLE = 'ou=people,dc=example,dc=org';
/** What ldap-directory-reader.ts asks for besides the mapped and state attributes (CHANGE_ATTRIBUTES there). */
const CHANGE_ATTRIBUTES = ['entryUUID', 'modifyTimestamp', 'entryCSN'];
const GROUP_ATTRIBUTES = ['cn', 'member', 'uniqueMember', ...CHANGE_ATTRIBUTES];
const CHILD_FLAG = '--sync-child';

type ChildKind = 'reader-only' | 'sqlite';
interface ChildResult {
  kind: ChildKind;
  accounts: number;
  groups: number;
  seconds: number;
  secondsWithClose: number;
  cpuSeconds: number;
  maxRssMb: number;
}

/** The attributes ldapDirectoryReader requests for users, derived the same way. */
function userAttributes(config: LdapConfig): string[] {
  const mapped = Object.values({ ...config.attributes, login: config.loginAttribute });
  return [...new Set([...mapped, ...STATE_ATTRIBUTES, ...CHANGE_ATTRIBUTES])];
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
async function runChild(kind: ChildKind, config: LdapConfigInput): Promise<ChildResult> {
  // SSPR_BENCH_SYNC_CPU_PROF=DIR writes a V8 CPU profile of each sync child into DIR (node --cpu-prof).
  const profileDir = process.env.SSPR_BENCH_SYNC_CPU_PROF;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=sync-${kind}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...process.execArgv, ...profile, fileURLToPath(import.meta.url), CHILD_FLAG, kind], {
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
  const store = dataDir ? openStore(`sqlite:${join(dataDir, 'sspr.db')}`, dataDir) : null;
  try {
    if (store) await migrate(store);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let summary: SyncSummary;
    if (store && dataDir) {
      const { cipher } = (await SharedKeyring.open(store, dataDir)).keyring;
      summary = await syncDirectory(directorySectionSchema.parse({ kind: 'ldap', ...section }), store, cipher, systemClock, { full: true });
    } else {
      const reader = ldapDirectoryReader(ldapConfigSchema.parse(section));
      summary = await runSync(reader, noopTarget, { mode: 'full' }).finally(() => reader.close());
    }
    const seconds = (performance.now() - started) / 1000;
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
      // One untimed pass (counting entries) warms slapd's entry cache and the page cache for both sides alike.
      const dumped = await countEntries('ldapsearch', search('(objectClass=inetOrgPerson)', userAttributes(parsed)), env);
      const runs = { ldapsearch: [] as number[], ldapsearchCpu: [] as number[], groups: [] as number[], readerOnly: [] as ChildResult[], sqlite: [] as ChildResult[] };
      // Rounds alternate the three, so each sees the same machine load; ratios are taken within a round.
      for (let round = 0; round < RUNS; round++) {
        const users = await timeCommand('ldapsearch', search('(objectClass=inetOrgPerson)', userAttributes(parsed)), env);
        runs.ldapsearch.push(users.seconds);
        runs.ldapsearchCpu.push(users.cpuSeconds);
        runs.groups.push((await timeCommand('ldapsearch', search('(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))', GROUP_ATTRIBUTES), env)).seconds);
        runs.readerOnly.push(await runChild('reader-only', config));
        runs.sqlite.push(await runChild('sqlite', config));
      }
      const m = (values: number[], digits = 2) => medianAndRange(values, digits);
      const ratios = (children: ChildResult[], pick: (child: ChildResult) => number) => children.map((child, i) => pick(child) / (runs.ldapsearch[i] as number));
      const last = runs.sqlite.at(-1) as ChildResult;
      const reader = runs.readerOnly.at(-1) as ChildResult;
      console.log(`entries: ldapsearch ${dumped} users; sync ${reader.accounts} users, ${reader.groups} groups (SQLite run: ${last.accounts} users, ${last.groups} groups); ${RUNS} rounds, median (range)`);
      console.log(`ldapsearch -LLL users (same attributes, pr=500): ${m(runs.ldapsearch)} s, CPU ${m(runs.ldapsearchCpu)} s; groups search: ${m(runs.groups)} s`);
      for (const [name, children] of [['sync, reader only (no-op target)', runs.readerOnly], ['sync into SQLite (as sspr sync --full, with closing the store)', runs.sqlite]] as const) {
        const seconds = (child: ChildResult) => (child.kind === 'sqlite' ? child.secondsWithClose : child.seconds);
        console.log(`${name}: ${m(children.map(seconds))} s = ${m(ratios(children, seconds))}× ldapsearch (users); ` +
          `CPU ${m(children.map((child) => child.cpuSeconds))} s = ${m(children.map((child, i) => child.cpuSeconds / (runs.ldapsearchCpu[i] as number)), 1)}× ldapsearch's CPU; peak RSS ${m(children.map((child) => child.maxRssMb), 0)} MB`);
      }
      console.log('target: sync into SQLite ≤ 2× ldapsearch, peak RSS ≤ 200 MB');
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
