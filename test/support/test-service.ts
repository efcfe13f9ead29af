import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/app/logger.js';
import { createServices, type Services } from '../../src/app/services.js';
import { buildServer } from '../../src/web/server.js';
import type { Clock } from '../../src/store/clock.js';
import { createTestDatabase } from './postgres.js';

export type Dialect = 'sqlite' | 'postgres';

export interface TestService {
  baseUrl: string;
  services: Services;
  app: FastifyInstance;
  dataDir: string;
  /** Every log line the service wrote (JSON text), for secret scans. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The real service (real store, real SMTP delivery, real HTTP listener on a loopback port) in this process,
 * with its data in a temporary folder and, for PostgreSQL, a fresh database.
 */
export async function startTestService(options: {
  dialect: Dialect;
  smtpUrl?: string;
  clock?: Clock;
  env?: Record<string, string>;
  /** Use this data folder (shared with CLI runs) instead of a fresh one; the caller removes it. */
  dataDir?: string;
}): Promise<TestService> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sspr-test-'));
  const database = options.dialect === 'postgres' ? await createTestDatabase() : null;
  const config = loadConfig({
    env: {
      SSPR_DATA_DIR: dataDir,
      SSPR_PORT: '0',
      SSPR_PUBLIC_URL: 'http://127.0.0.1',
      SSPR_LOG_LEVEL: 'info',
      SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '0',
      SSPR_CAPTCHA: 'off',
      // A CLI run (spawnSync) blocks this process's event loop; an idle keep-alive connection that expired meanwhile
      // would be closed by the server just as the client's next request goes out on it (ECONNRESET).
      SSPR_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '600',
      ...(database ? { SSPR_DATABASE_URL: database.url } : {}),
      ...(options.smtpUrl ? { SSPR_SMTP_URL: options.smtpUrl } : {}),
      ...options.env,
    },
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const services = await createServices(config, createLogger(config.log.level, sink), { clock: options.clock });
  const app = await buildServer(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    services,
    app,
    dataDir,
    logs,
    async close() {
      await app.close();
      await services.close();
      await database?.drop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
