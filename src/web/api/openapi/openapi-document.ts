import { z } from 'zod';
import { errorCatalogue, type ErrorCode } from '../../../errors/catalogue.js';
import { apiTags, type ApiAccess, type ApiDoc } from './api-doc.js';

/** A route as Fastify registered it, with its documentation when it has one. */
export interface RegisteredRoute {
  method: string;
  url: string;
  doc: ApiDoc | undefined;
}

/** Every route may answer these (malformed input, the per-IP budget, an unexpected fault). */
const commonErrors: readonly ErrorCode[] = ['invalid-request', 'malformed-json', 'rate-limited', 'internal'];

const securityOf: Record<ApiAccess, Record<string, string[]>[] | undefined> = {
  public: undefined,
  session: [{ session: [] }],
  operator: [{ adminToken: [] }, { session: [] }],
  agent: [],
};

function jsonSchema(schema: z.ZodType): object {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as object;
}

/** `/api/v1/reset/:flowId/send` → `/api/v1/reset/{flowId}/send`, with the names of the path parameters. */
function openApiPath(url: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

function queryParameters(schema: z.ZodType | undefined): object[] {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

function operation(route: RegisteredRoute, doc: ApiDoc, params: string[]): object {
  const status = String(doc.status ?? 200);
  const errorCodes = [...new Set([...(doc.errors ?? []), ...commonErrors])];
  const errorsByStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodes) {
    const httpStatus = errorCatalogue[code].status;
    errorsByStatus.set(httpStatus, [...(errorsByStatus.get(httpStatus) ?? []), code]);
  }
  const success =
    doc.status === 204
      ? { description: 'Done; no body.' }
      : {
          description: 'Success.',
          content: { 'application/json': { schema: doc.response ? jsonSchema(doc.response) : {}, ...(doc.example?.response !== undefined ? { example: doc.example.response } : {}) } },
        };
  const security = securityOf[doc.access];
  return {
    operationId: `${route.method.toLowerCase()}${route.url.replace(/^\/api\/v1/, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    ...(security ? { security } : {}),
    parameters: [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string', maxLength: 256 } })),
      ...queryParameters(doc.query),
    ],
    ...(doc.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(doc.body), ...(doc.example?.body !== undefined ? { example: doc.example.body } : {}) } } } }
      : {}),
    responses: {
      [status]: success,
      ...Object.fromEntries(
        [...errorsByStatus].sort(([a], [b]) => a - b).map(([httpStatus, codes]) => [
          String(httpStatus),
          { description: `Error: ${codes.join(', ')}.`, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        ]),
      ),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the JSON API (`GET /api/v1/openapi.json`), made from the routes' own
 * documentation. A route under /api/ without documentation is listed with `x-undocumented: true`, so it shows
 * (and the test that every route is described fails) instead of silently missing.
 */
export function openApiDocument(routes: readonly RegisteredRoute[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    if (!route.url.startsWith('/api/') || route.method === 'HEAD') continue;
    const { path, params } = openApiPath(route.url);
    const method = route.method.toLowerCase();
    paths[path] ??= {};
    paths[path][method] = route.doc
      ? operation(route, route.doc, params)
      : { summary: 'Undocumented route', 'x-undocumented': true, responses: { default: { description: 'Undocumented.' } } };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'sspr JSON API',
      version,
      description: 'Self-service password reset: the same flows as the pages, as JSON. Errors answer with a stable code and a sentence in the language negotiated from Accept-Language.',
    },
    servers: [{ url: '/' }],
    tags: apiTags.map((name) => ({ name })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sspr_session', description: 'The session cookie from POST /api/v1/session (`__Host-sspr_session` over HTTPS).' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'An admin API token (`sspr admin token create`).' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: Object.keys(errorCatalogue) },
                message: { type: 'string', description: 'A sentence for a person, in the negotiated language.' },
                detail: { type: 'string' },
                details: {},
              },
            },
          },
        },
      },
    },
  };
}
