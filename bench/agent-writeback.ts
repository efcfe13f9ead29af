/**
 * `npm run bench -- agent`: writeback latency through the agent against the physical limit, for OpenLDAP
 * (slapd + ppolicy) and Active Directory (Samba AD DC), in the same run:
 *   direct — the agent's own work done in this process with the same connector over LDAPS (lookup by name +
 *            admin reset), i.e. what any writer must do on that server;
 *   agent  — AgentWriteback.reset on a real server node: seal, store the job, WebSocket to the real
 *            `sspr agent` process, open, the same lookup + reset, result back, job closed.
 * Runs alternate (direct, agent, direct, …) so both see the same server state. Prints p50/p99 and the overhead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/app/logger.js';
import { createServices } from '../src/app/services.js';
import { buildServer } from '../src/web/server.js';
import { directorySectionSchema, onPremDirectoryFor } from '../src/directory/registry.js';
import { linkedAccount } from '../src/writeback/direct-writeback.js';
import { AgentEnrolment } from '../src/writeback/agent-gateway/agent-enrolment.js';
import { startSlapd } from '../test/support/slapd.js';
import { startSambaAd } from '../test/support/samba-ad.js';
import { startAgentProcess } from '../test/support/agent-process.js';
import { percentile } from './stats.js';

const RUNS = 300;

async function measure(label: string, directorySection: Record<string, unknown>, username: string, runs: number, password: (i: number) => string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sspr-bench-agent-'));
  const config = loadConfig({ env: { SSPR_DATA_DIR: dataDir, SSPR_PORT: '0', SSPR_LOG_LEVEL: 'warn', SSPR_WRITEBACK_MODE: 'agent', SSPR_DIRECTORY: JSON.stringify(directorySection) } });
  const services = await createServices(config, createLogger('warn'));
  const app = await buildServer(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const { token } = await new AgentEnrolment(services.writeback.agents, services.audit, services.clock).createToken(directorySection.kind as 'ldap' | 'ad', 600_000);
  const agent = startAgentProcess({ servers: [baseUrl], directory: directorySection, token });
  const direct = onPremDirectoryFor(directorySectionSchema.parse(directorySection));
  try {
    await agent.connected(1, 20_000);
    const anchor = (await direct.findAccount(username))?.anchor ?? null;
    const target = { userId: `bench-${username}`, username, source: String(directorySection.kind), anchor };
    const gateway = services.writeback.writeback!;
    const viaAgent = (pw: string) => gateway.reset(target, pw, 'reset');
    const viaDirect = async (pw: string) => direct.resetPassword(await linkedAccount(direct, target), pw, { unlock: true });
    for (let i = 0; i < 5; i++) {
      await viaDirect(password(-2 * i - 1));
      await viaAgent(password(-2 * i - 2));
    }
    const directTimes: number[] = [];
    const agentTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      let started = performance.now();
      await viaDirect(password(2 * i));
      directTimes.push(performance.now() - started);
      started = performance.now();
      await viaAgent(password(2 * i + 1));
      agentTimes.push(performance.now() - started);
    }
    const row = (name: string, t: number[]) => `${name}: p50 ${percentile(t, 0.5).toFixed(2)} ms, p99 ${percentile(t, 0.99).toFixed(2)} ms`;
    console.log(`\n## Writeback latency, ${label}, ${runs} resets each (alternating)`);
    console.log(row('direct (same connector, this process)', directTimes));
    console.log(row('through the agent (audited gateway → WebSocket → agent process)', agentTimes));
    console.log(`overhead: p50 ${(percentile(agentTimes, 0.5) - percentile(directTimes, 0.5)).toFixed(2)} ms, p99 ${(percentile(agentTimes, 0.99) - percentile(directTimes, 0.99)).toFixed(2)} ms (target p50 ≤ 2 ms, p99 ≤ 10 ms)`);
  } finally {
    await agent.stop();
    await direct.close();
    await app.close();
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchAgentWriteback(only = process.env.BENCH_AGENT_ONLY): Promise<void> {
  if (only !== 'ad') await benchSlapd();
  if (only !== 'ldap') await benchSamba();
}

async function benchSlapd(): Promise<void> {
  const slapd = await startSlapd();
  try {
    await slapd.addUser({ uid: 'latency', password: 'Initial-Pass1' });
    await measure('OpenLDAP (slapd, ppolicy, LDAPS)', {
      kind: 'ldap', url: slapd.ldapsUrl, caFile: slapd.caFile, bindDn: slapd.serviceDn, bindPassword: slapd.servicePassword, baseDn: slapd.usersDn, passwordPolicyDn: slapd.policyDn,
    }, 'latency', RUNS, (i) => `Latency-Pass-${i + 100}`);
  } finally {
    await slapd.stop();
  }
}

async function benchSamba(): Promise<void> {
  const ad = await startSambaAd();
  try {
    await ad.addUser('latency', 'Latency!Start1');
    await measure('Active Directory (Samba AD DC, LDAPS)', {
      kind: 'ad', url: ad.ldapsUrl, bindUpn: ad.service.upn, bindPassword: ad.service.password, baseDn: ad.baseDn, caFile: ad.caFile, tlsServerName: ad.tlsServerName,
    }, 'latency', 300, (i) => `Lat!${i + 100}-Xq`);
  } finally {
    await ad.stop();
  }
}
