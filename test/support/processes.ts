import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this file with a package.json (works from source and build-bench/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const cliPath = join(packageRoot(), 'dist', 'cli', 'main.js');

function assertBuilt(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run "npm run build" first (npm test does).`);
}

/** Runs the built CLI to completion with `input` on stdin. */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}) {
  assertBuilt();
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    env: { PATH: process.env.PATH, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `sspr serve` (the built server) as its own process and waits until /readyz answers. */
export async function startServerProcess(
  env: Record<string, string> | ((port: number) => Record<string, string>),
  command = 'serve',
  hostname = '127.0.0.1',
  /** Node flags for the server process (a CPU profile: `--cpu-prof`, which NODE_OPTIONS does not accept). */
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  assertBuilt();
  const port = await freePort();
  const extra = typeof env === 'function' ? env(port) : env;
  let output = '';
  const child = spawn(process.execPath, [...nodeArgs, cliPath, command], {
    env: { PATH: process.env.PATH, SSPR_PORT: String(port), SSPR_HOST: '127.0.0.1', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://${hostname}:${port}`;
  // A loaded machine may need longer (SSPR_BENCH_READY_SECONDS, used by the benches).
  const readyWaitMs = Number(process.env.SSPR_BENCH_READY_SECONDS ?? 60) * 1000;
  const deadline = Date.now() + readyWaitMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(baseUrl + '/readyz')).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Left running, it would keep the test file's process (and the tier) from ever finishing.
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${readyWaitMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** Like runCli, without blocking this process (for commands that talk to a server running in the test process). */
export function runCliAsync(args: string[], env: Record<string, string> = {}, input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

/** An administrator API token made by the real CLI against the server's data folder / database. */
export function createAdminToken(serverEnv: Record<string, string>): string {
  const created = runCli(['admin', 'token', 'create', '--name', 'test'], { env: serverEnv });
  const token = /sspr_admin_[A-Za-z0-9_.-]+/.exec(created.stdout)?.[0];
  if (created.status !== 0 || !token) throw new Error(`admin token create failed: ${created.stderr}${created.stdout}`);
  return token;
}
