import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestService, type TestService } from '../support/test-service.js';
import { createTestDatabase } from '../support/postgres.js';
import { clientNetwork as budgetKey } from '../../src/policy/client-network.js';

const json = (baseUrl: string, path: string, body: unknown) =>
  fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const form = (baseUrl: string, path: string, body: Record<string, string>) =>
  fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });

/** Credential and flow endpoints of the API and the pages, as an attacker would rotate through them. */
const guesses = [
  (url: string) => json(url, '/api/v1/session', { username: 'ops', password: 'guess' }),
  (url: string) => form(url, '/signin', { username: 'ops', password: 'guess' }),
  (url: string) => json(url, '/api/v1/reset/start', { username: 'ops' }),
  (url: string) => form(url, '/reset', { username: 'ops' }),
  (url: string) => json(url, '/api/v1/password/check', { password: 'guess' }),
];

/**
 * One per-IP budget for every credential and flow endpoint, kept in the store: requests to different routes
 * add up, and two nodes on one PostgreSQL database share it.
 */
describe('one per-IP budget across routes and nodes', () => {
  describe('one node (SQLite)', () => {
    let svc: TestService;
    before(async () => {
      svc = await startTestService({ dialect: 'sqlite', env: { SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '10' } });
    });
    after(async () => svc.close());

    it('API sign-in, page sign-in, reset and password check draw from one budget of 10', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await guesses[i % guesses.length]!(svc.baseUrl)).status);
      assert.ok(statuses.slice(0, 10).every((s) => s !== 429), `the first 10 pass: ${statuses.join(' ')}`);
      const refused = await json(svc.baseUrl, '/api/v1/session', { username: 'ops', password: 'guess' });
      assert.equal(refused.status, 429);
      assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate-limited');
      assert.equal((await fetch(svc.baseUrl + '/healthz')).status, 200, 'probes are not charged');
    });
  });

  describe('two nodes on one PostgreSQL database', () => {
    let database: { url: string; drop: () => Promise<void> };
    let nodes: TestService[];
    before(async () => {
      database = await createTestDatabase();
      const env = { SSPR_RATE_LIMIT_PER_IP_PER_MINUTE: '10', SSPR_DATABASE_URL: database.url, SSPR_SECRETS_MASTER_KEY: randomBytes(32).toString('base64') };
      nodes = [await startTestService({ dialect: 'sqlite', env }), await startTestService({ dialect: 'sqlite', env })];
    });
    after(async () => {
      for (const node of nodes) await node?.close();
      await database.drop();
    });

    it('guesses alternated over two nodes are refused after 10 in total, also under concurrency', async () => {
      const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) => guesses[i % 2]!(nodes[i % 2]!.baseUrl).then((r) => r.status)));
      assert.equal(statuses.filter((s) => s === 429).length, 6, `10 of 16 pass in total: ${statuses.join(' ')}`);
    });
  });

  it('an IPv6 client is charged per /64; IPv4 and mapped IPv4 per address', () => {
    assert.equal(budgetKey('2001:db8:1:2:aaaa::1'), budgetKey('2001:0db8:0001:0002:ffff:1:2:3'));
    assert.notEqual(budgetKey('2001:db8:1:2::1'), budgetKey('2001:db8:1:3::1'));
    assert.equal(budgetKey('::1'), 'ip6:0:0:0:0::/64');
    assert.equal(budgetKey('::ffff:10.1.2.3'), budgetKey('10.1.2.3'));
    assert.notEqual(budgetKey('10.1.2.3'), budgetKey('10.1.2.4'));
  });
});
