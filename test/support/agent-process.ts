import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, runCli } from './processes.js';

export interface AgentProcess {
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  /** Resolves when the agent logged its n-th successful connection (1 = the first). */
  connected(times?: number, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** A one-time enrolment token made by the real CLI against the server's data folder / database. */
export function createEnrolmentToken(serverEnv: Record<string, string>, directory: 'ldap' | 'ad'): string {
  const result = runCli(['agent', 'token', 'create', '--directory', directory, '--json'], { env: serverEnv });
  if (result.status !== 0) throw new Error(`token create failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { token: string }).token;
}

/**
 * `sspr agent run` as its own process (the real agent), enrolling with `token` on first start. Its data folder
 * survives kill/restart unless the caller removes it (pass `dataDir` to restart an enrolled agent).
 */
export function startAgentProcess(options: {
  servers: string[];
  directory: Record<string, unknown>;
  token?: string;
  dataDir?: string;
  name?: string;
  env?: Record<string, string>;
}): AgentProcess {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sspr-agent-'));
  let output = '';
  const child = spawn(process.execPath, [cliPath, 'agent', 'run', ...(options.token ? ['--token', options.token] : [])], {
    env: {
      PATH: process.env.PATH,
      SSPR_AGENT_SERVER: options.servers.join(','),
      SSPR_AGENT_DATA_DIR: dataDir,
      SSPR_AGENT_NAME: options.name ?? 'test-agent',
      SSPR_AGENT_DIRECTORY: JSON.stringify(options.directory),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => void (child.exitCode === null && child.kill('SIGKILL'));
  process.once('exit', killOnExit);
  return {
    child,
    dataDir,
    output: () => output,
    async connected(times = 1, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while ((output.match(/connected to the service/g) ?? []).length < times) {
        if (child.exitCode !== null) throw new Error(`agent exited (${child.exitCode}):\n${output}`);
        if (Date.now() > deadline) {
          // Left running, it would keep the test file's process from ever finishing.
          killOnExit();
          throw new Error(`agent not connected within ${timeoutMs} ms:\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      process.removeListener('exit', killOnExit);
    },
    async stop() {
      await this.kill('SIGTERM');
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
