import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
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

/**
 * The processes `pid` started, such as the workers of `sspr serve` (Linux: /proc/PID/task/PID/children lists the
 * children of its main thread, which forks them).
 */
export function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

/**
 * Whether process `pid` holds a listening TCP socket on `port` (Linux: /proc/net/tcp{,6} and the process's fds). A
 * port found free and then handed to a child can be taken in between by another test's server; only the child's
 * own socket proves that an answer on the port is the child's.
 */
function listensOn(pid: number, port: number): boolean {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(suffix) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return false;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return socket !== null && inodes.has(socket[1] as string);
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** Tries on a new port when another process took the one found free before the server could bind it. */
const PORT_ATTEMPTS = 3;

/**
 * Starts `sspr serve` (the built server) as its own process and waits until /readyz answers from it (its own
 * listening socket, not another test's server that took the port meanwhile: then it starts again on a new port).
 */
export async function startServerProcess(
  env: Record<string, string> | ((port: number) => Record<string, string>),
  command = 'serve',
  hostname = '127.0.0.1',
  /** Node flags for the server process (a CPU profile: `--cpu-prof`, which NODE_OPTIONS does not accept). */
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePort(env, command, hostname, nodeArgs);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnFreePort(
  env: Record<string, string> | ((port: number) => Record<string, string>),
  command: string,
  hostname: string,
  nodeArgs: string[],
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
    if (child.exitCode !== null) {
      if (/EADDRINUSE|port-in-use|is already in use/.test(output)) throw new PortTaken(`port ${port} was taken:\n${output}`);
      throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    }
    try {
      if ((await fetch(baseUrl + '/readyz')).ok && child.pid !== undefined && listensOn(child.pid, port)) break;
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
