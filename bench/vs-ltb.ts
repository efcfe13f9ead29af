/**
 * `npm run bench -- vs-ltb`: the side-by-side measurement against LDAP Tool Box Self Service Password in one
 * command. The kit is not part of this repository: SSPR_ANCHORS_DIR names the folder that holds it (without it,
 * a `shared/anchors` folder next to the checkout or its parent is used). It runs setup (slapd + 1000 users, LTB
 * on PHP-FPM/nginx, this checkout's built server synced),
 * alternating rounds, the report, teardown. LTB's code is never part of this repository: the kit unpacks its
 * archive into a temporary directory.
 *
 * Environment: ROUNDS (3), DUR (10 s), CONCS ("1 8 32"), SYSTEMS, RESET (0: the kit's reset client hung in its warm-up on our machine), WAIT_QUIET (1: waits up to 30 min
 * for a 1-minute load below 2.5) are passed to the kit's runner; SSPR_PERF_RUN_DIR (a new temporary directory).
 * The change rounds run first with a discarding SMTP relay answering sspr's notices; the complete reset flows
 * (RESET=1) run after them, where the kit's client is the SMTP peer. Their cloud-only accounts (c0001…, as many as
 * the kit's directory users) are added here, through this checkout's own store and keyring, and marked as there
 * for the kit (its own script for them reads keys the way an older sspr did).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage } from './stats.js';
import { addCloudUsers } from './cloud-users.js';

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function anchorsDir(root: string): string {
  const candidates = [process.env.SSPR_ANCHORS_DIR, join(root, '..', 'shared', 'anchors'), join(root, '..', '..', 'shared', 'anchors')];
  const found = candidates.find((dir) => dir !== undefined && existsSync(join(dir, 'side-by-side', 'sspr-vs-ltb-run.sh')));
  if (found === undefined) throw new Error('the side-by-side kit was not found: set SSPR_ANCHORS_DIR to the anchors directory');
  return resolve(found);
}

/**
 * The kit's environment: this process's, without the variables that only this command reads (the kit starts sspr,
 * whose configuration refuses an SSPR_ variable it does not know).
 */
const { SSPR_ANCHORS_DIR: _anchors, SSPR_PERF_RUN_DIR: _runDir, ...kitEnv } = process.env;

function step(command: string, args: string[], env: NodeJS.ProcessEnv = kitEnv): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

/** A port free now on loopback (the kit's own helper does the same in shell). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The kit's cloud-only accounts c0001…cN (N: the kit's user count, from its env.sh) in its SQLite data folder. */
async function addKitCloudUsers(runDir: string): Promise<void> {
  const count = Number(/N_USERS=(\d+)/.exec(readFileSync(join(runDir, 'env.sh'), 'utf8'))?.[1] ?? '1000');
  const dataDir = join(runDir, 'sspr-data');
  const added = await addCloudUsers(dataDir, Array.from({ length: count }, (_, i) => `c${String(i + 1).padStart(4, '0')}`));
  writeFileSync(join(dataDir, '.cloud-users'), '');
  console.log(`cloud-only accounts for the reset rounds: ${added} added`);
}

export async function benchVsLtb(): Promise<void> {
  const root = packageRoot();
  const anchors = anchorsDir(root);
  const kit = join(anchors, 'side-by-side');
  const work = mkdtempSync(join(tmpdir(), 'sspr-vs-ltb-'));
  // PHP-FPM's pool and nginx's workers run as other users: they must reach LTB's files below this folder (0700).
  chmodSync(work, 0o755);
  const ltbSource = join(work, 'ltb-src');
  mkdirSync(ltbSource);
  step('tar', ['-xzf', join(anchors, 'ltb-self-service-password-1.5.4.tar.gz'), '-C', ltbSource]);
  const runDir = process.env.SSPR_PERF_RUN_DIR ?? join(work, 'run');
  const out = join(runDir, 'results.jsonl');
  console.log(`\n## side by side with LTB Self Service Password (kit: ${kit}; load average ${loadAverage()})`);
  step('bash', [join(kit, 'sspr-vs-ltb-setup.sh'), runDir, root, join(ltbSource, 'ltb')]);
  const common = { ...kitEnv, OUT: out, ROUNDS: process.env.ROUNDS ?? '3', DB: 'sqlite' };
  try {
    // The change rounds: the notice after every change needs a mail relay that answers (smtp-discard-main.ts).
    const smtpPort = String(await freePort());
    const relay = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'smtp-discard-main.js'), smtpPort], { stdio: 'inherit' });
    try {
      step('bash', [join(kit, 'sspr-vs-ltb-run.sh'), runDir], { ...common, DUR: process.env.DUR ?? '10', CONCS: process.env.CONCS ?? '1 8 32', RESET: '0', SMTP_PORT: smtpPort });
    } finally {
      relay.kill('SIGTERM');
    }
    // The complete reset flows: the kit's client is the SMTP peer itself (it reads the codes), on a port of its own.
    // No change rounds again: SYSTEMS is one space, as the kit reads an empty value as its default list.
    if (process.env.RESET === '1') {
      await addKitCloudUsers(runDir);
      step('bash', [join(kit, 'sspr-vs-ltb-run.sh'), runDir], { ...common, SYSTEMS: ' ', RESET: '1', WAIT_QUIET: '0' });
    }
    step('node', [join(kit, 'sspr-vs-ltb-report.mjs'), out]);
  } finally {
    step('bash', [join(kit, 'sspr-vs-ltb-teardown.sh'), runDir]);
  }
  console.log(`load average at the end: ${loadAverage()}`);
}
