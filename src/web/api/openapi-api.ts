import type { FastifyInstance } from 'fastify';
import { openApiDocument, type RegisteredRoute } from './openapi/openapi-document.js';
import { packageVersion } from '../../package-version.js';


/**
 * Records every route as it is registered; call before registering any. `GET /api/v1/openapi.json` then
 * serves the OpenAPI 3.1 document of all of them, built once on first request (routes are fixed by then).
 */
export function openApiRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, doc: route.config?.doc });
  });
  let document: string | undefined;
  app.get(
    '/api/v1/openapi.json',
    { config: { doc: { summary: 'This document: the OpenAPI 3.1 description of the JSON API', tag: 'service', access: 'public' } } },
    async (_request, reply) => {
      document ??= JSON.stringify(openApiDocument(routes, packageVersion));
      return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(document);
    },
  );
}
