import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Libraries the password paths do not need are not loaded until used. Each case runs in a fresh process (this
 * one has loaded everything): it prints the packages loaded after the work, CommonJS ones from the require
 * cache and ES modules from a loader hook.
 */
function packagesLoadedBy(script: string): string[] {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    import { createRequire } from 'node:module';
    ${script}
    const cache = Object.keys(createRequire(import.meta.url)('node:module')._cache);
    console.log(JSON.stringify(cache.map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean)));
  `], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '[]') as string[];
}

test('a Fastify instance with the lazy schema compilers loads neither Ajv nor the fast-json-stringify compiler; a JSON schema still validates', () => {
  const loaded = packagesLoadedBy(`
    const { default: Fastify } = await import('fastify');
    const { lazySchemaCompilers } = await import('./src/web/schema-compilers.ts');
    const app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers } });
    app.post('/plain', async (request) => request.body);
    await app.ready();
    if ((await app.inject({ method: 'POST', url: '/plain', payload: { a: 1 } })).statusCode !== 200) process.exit(3);
  `);
  assert.ok(loaded.includes('fastify'));
  for (const name of ['ajv', 'fast-uri', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler']) assert.ok(!loaded.includes(name), `${name} was loaded`);

  const withSchema = packagesLoadedBy(`
    const { default: Fastify } = await import('fastify');
    const { lazySchemaCompilers } = await import('./src/web/schema-compilers.ts');
    const app = Fastify({ schemaController: { compilersFactory: lazySchemaCompilers } });
    app.post('/typed', { schema: { body: { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } } } }, async (request) => request.body);
    await app.ready();
    if ((await app.inject({ method: 'POST', url: '/typed', payload: { a: 'x' } })).statusCode !== 400) process.exit(4);
    if ((await app.inject({ method: 'POST', url: '/typed', payload: { a: 1 } })).statusCode !== 200) process.exit(5);
  `);
  assert.ok(withSchema.includes('ajv'));
});

test('metrics that nothing can scrape do not load prom-client; exposed ones do', () => {
  const inert = packagesLoadedBy(`
    const { Metrics } = await import('./src/metrics/metrics.ts');
    const metrics = await Metrics.create({ exposed: false });
    metrics.httpRequests.inc({ route: '/', method: 'GET', status: '200' });
    metrics.writebackSeconds.observe({ origin: 'change', outcome: 'success' }, 0.1);
    metrics.deliveryQueue.reset();
  `);
  assert.ok(!inert.includes('prom-client'));
  const exposed = packagesLoadedBy(`
    const { Metrics } = await import('./src/metrics/metrics.ts');
    const metrics = await Metrics.create({ exposed: true, processMetrics: false });
    metrics.flowsStarted.inc({ flow: 'change' });
    if (!(await metrics.scrape()).body.includes('sspr_flows_started_total{flow="change"} 1')) process.exit(6);
  `);
  assert.ok(exposed.includes('prom-client'));
});
