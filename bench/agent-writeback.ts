/**
 * `npm run bench -- agent`: writeback latency through the agent against the physical limit, for OpenLDAP
 * (slapd + ppolicy) and Active Directory (Samba AD DC), in the same run:
 *   direct — the agent's own work done in this process with the same connector over LDAPS (lookup by name +
 *            admin reset), i.e. what any writer must do on that server;
 *   agent  — AgentWriteback.reset on a real server node: seal, store the job, WebSocket to the real
 *            `sspr agent` process, open, the same lookup + reset, result back, job closed.
 * Runs alternate (direct, agent, direct, …) so both see the same server state. Prints p50/p99 and the overhead
 * (median and range of SSPR_BENCH_RUNS runs) with the load average. BENCH_AGENT_ONLY=ldap or =ad measures one
 * directory only (Samba AD binds the fixed ports 389/636: one DC per machine; SSPR_SAMBA_AD_TEMPLATE, as
 * test/support/samba-ad.ts describes, spares its provisioning on repeated runs).
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
import { loadAverage, medianAndRange, percentile } from './stats.js';

/** Resets per kind and run (SSPR_BENCH_AGENT_RESETS) and runs (SSPR_BENCH_RUNS); every figure is a median and range. */
const RESETS = Number(process.env.SSPR_BENCH_AGENT_RESETS ?? 300);
const RUNS = Number(process.env.SSPR_BENCH_RUNS ?? 3);

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
    const figures = { directP50: [] as number[], directP99: [] as number[], agentP50: [] as number[], agentP99: [] as number[], overP50: [] as number[], overP99: [] as number[] };
    let n = 0;
    for (let run = 0; run < RUNS; run++) {
      const directTimes: number[] = [];
      const agentTimes: number[] = [];
      for (let i = 0; i < runs; i++, n++) {
        let started = performance.now();
        await viaDirect(password(2 * n));
        directTimes.push(performance.now() - started);
        started = performance.now();
        await viaAgent(password(2 * n + 1));
        agentTimes.push(performance.now() - started);
      }
      const [d50, d99, a50, a99] = [percentile(directTimes, 0.5), percentile(directTimes, 0.99), percentile(agentTimes, 0.5), percentile(agentTimes, 0.99)];
      figures.directP50.push(d50);
      figures.directP99.push(d99);
      figures.agentP50.push(a50);
      figures.agentP99.push(a99);
      figures.overP50.push(a50 - d50);
      figures.overP99.push(a99 - d99);
    }
    const m = (values: number[]) => medianAndRange(values, 2);
    console.log(`\n## Writeback latency, ${label}, ${runs} resets each per run (alternating), ${RUNS} runs: median (range) in ms`);
    console.log(`direct (same connector, this process): p50 ${m(figures.directP50)}, p99 ${m(figures.directP99)}`);
    console.log(`through the agent (audited gateway → WebSocket → agent process): p50 ${m(figures.agentP50)}, p99 ${m(figures.agentP99)}`);
    console.log(`overhead: p50 ${m(figures.overP50)}, p99 ${m(figures.overP99)} (target p50 ≤ 2 ms, p99 ≤ 10 ms)`);
    console.log(`  load average: ${loadAverage()}`);
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
    }, 'latency', RESETS, (i) => `Latency-Pass-${i + 100}`);
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
    }, 'latency', RESETS, (i) => `Lat!${i + 100}-Xq`);
  } finally {
    await ad.stop();
  }
}
