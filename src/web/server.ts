import { perIpBudget, type RouteRateLimit } from './route-rate-limit.js';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import type { Services } from '../app/services.js';
import { loggableUrl } from '../app/logger.js';
import { securityHeaders } from './security-headers.js';
import { buildContext } from './request-context.js';
import { normaliseError, sendApiError } from './error-response.js';
import { Csrf } from './csrf.js';
import { PageKit } from './pages/page-kit.js';
import { resetPages } from './pages/reset-pages.js';
import { accountPages } from './pages/account-pages.js';
import { homePages } from './pages/home-pages.js';
import { securityInfoPages } from './pages/security-info-pages.js';
import { resetApi } from './api/reset-api.js';
import { sessionApi } from './api/session-api.js';
import { passwordApi } from './api/password-api.js';
import { securityInfoApi } from './api/security-info-api.js';
import { healthRoutes } from './health.js';
import { adminDoctorApi, adminResetApi, adminSyncApi } from './api/admin-api.js';
import { adminDoctorPages } from './pages/admin-doctor-pages.js';
import { directoryPages } from './admin/directory-pages.js';
import { adminDirectoryApi } from './api/admin/directory-api.js';
import { stepUpApi } from './api/admin/step-up-api.js';
import { stepUpPages } from './admin/step-up-pages.js';
import { accessApi } from './api/admin/access-api.js';
import { accessPages } from './admin/access-pages.js';
import { overviewPages } from './admin/overview-pages.js';
import { usersPages } from './admin/users-pages.js';
import { auditPages } from './admin/audit-pages.js';
import { consoleApi } from './api/admin/console-api.js';
import { licencesApi } from './api/admin/licences-api.js';
import { agentApi } from './api/agent-api.js';
import { openApiRoutes } from './api/openapi-api.js';
import { helpdeskApi } from './api/admin/helpdesk-api.js';
import { helpdeskPages } from './admin/helpdesk-pages.js';
import { policyApi } from './api/admin/policy-api.js';
import { policyPages } from './admin/policy-pages.js';
import { reportsApi } from './api/admin/reports-api.js';
import { reportsPages } from './admin/reports-pages.js';
import { appCss, scripts } from './assets.js';
import { SsprError } from '../errors/sspr-error.js';
import { RateLimitRepository } from '../store/rate-limit-repository.js';
import { requestIdOf } from './request-id.js';
import { metricsOnMainPort } from './metrics-routes.js';
import { integrityPages } from './pages/integrity-pages.js';
import { brandingRoutes } from './branding-routes.js';
import { contrastWithWhite, loadBranding } from './branding.js';
import { integrityApi } from './api/integrity-api.js';
import { adminFreezeApi } from './api/admin/freeze-api.js';
import { lazySchemaCompilers } from './schema-compilers.js';

const BODY_LIMIT = 16 * 1024;
/** Routes polled by machines (probes, scrapes): their request lines are debug, not info. */
const quietRoutes = new Set(['/healthz', '/readyz', '/metrics']);
const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

/**
 * `trustProxy` for Fastify: a hop count trusts the nearest N hops (Fastify's own number option trusts none),
 * so the client address is the right-most untrusted X-Forwarded-For entry; a list goes to proxy-addr as is.
 */
function trustProxyOption(trust: Services['config']['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/**
 * The HTTP face of the service: pages under /, JSON under /api/v1, health probes. Every error leaves through
 * one place (`normaliseError`), as `{error: {code, message}}` for the API or a page for browsers.
 */
export async function buildServer(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const https = config.publicUrl?.startsWith('https://') ?? false;
  const policy = { secure: https };

  const { requestTimeoutSeconds, headersTimeoutSeconds, keepAliveTimeoutSeconds } = config.http;
  const requestTimeout = requestTimeoutSeconds * 1000;
  const app = Fastify({
    // Slow clients (headers or a body trickled byte by byte) are cut off: Node checks these limits every
    // connectionsCheckingInterval, so a stalled request lives at most timeout + interval.
    http: { headersTimeout: Math.min(headersTimeoutSeconds * 1000, requestTimeout), requestTimeout, connectionsCheckingInterval: 1000 },
    requestTimeout,
    connectionTimeout: requestTimeout,
    keepAliveTimeout: keepAliveTimeoutSeconds * 1000,
    loggerInstance: services.log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    trustProxy: trustProxyOption(config.trustProxy),
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    requestIdHeader: false,
    genReqId: requestIdOf,
    routerOptions: { maxParamLength: 128 },
    schemaController: { compilersFactory: lazySchemaCompilers },
  });
  // One line per request: method, masked URL, status, time, request id. No headers, cookies, bodies or flow ids.
  // Health probes and scrapes come every few seconds: they are logged at debug.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    services.metrics.httpRequests.inc({ route, method: request.method, status: String(reply.statusCode) });
    const line = { method: request.method, url: loggableUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (quietRoutes.has(route)) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.server.maxConnections = config.http.maxConnections;
  app.removeContentTypeParser('text/plain');
  await app.register(formbody, { bodyLimit: BODY_LIMIT });

  const perMinute = config.rateLimit.perIpPerMinute;
  const rateLimit: RouteRateLimit = perMinute > 0 ? { max: perMinute, timeWindow: 60_000 } : false;

  app.addHook('onRequest', async (request) => {
    request.ctx = buildContext(request, policy);
  });
  app.addHook('onRequest', securityHeaders(https));
  app.addHook('onRequest', perIpBudget(new RateLimitRepository(services.store.db), services.clock));
  app.addHook('preValidation', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'DELETE') return;
    const type = String(request.headers['content-type'] ?? '');
    // The API takes JSON only, bodiless POSTs included (send {}): a browser cannot send it cross-site without
    // a CORS preflight, which this service never grants (CSRF defence for the API).
    if (isApi(request) && !type.startsWith('application/json')) throw new SsprError('unsupported-media-type');
    if (!isApi(request) && request.body !== undefined && !type.startsWith('application/x-www-form-urlencoded')) throw new SsprError('unsupported-media-type');
  });

  const branding = loadBranding(config);
  const colour = config.branding.primaryColour;
  if (colour && contrastWithWhite(colour) < 4.5) {
    services.log.warn({ primaryColour: colour, contrast: Number(contrastWithWhite(colour).toFixed(2)) }, 'branding.primaryColour: white button text on it is below 4.5:1 contrast (WCAG 1.4.3); choose a darker colour');
  }
  const kit = new PageKit(policy, new Csrf(services.keys.keyFor('csrf')), branding.view.organisation, config.demo, branding.view);
  app.addHook('preHandler', async (request, reply) => {
    if (!isApi(request)) kit.prepare(request, reply);
  });

  app.setErrorHandler(async (error, request, reply) => {
    const failure = normaliseError(error, request);
    if (!request.ctx) request.ctx = buildContext(request, policy);
    if (isApi(request) || !reply.request.routeOptions.url) return sendApiError(reply, failure, request);
    if (!request.ctx.csrfCookie) kit.prepare(request, reply);
    return kit.renderError(request, reply, failure);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const failure = new SsprError('not-found');
    if (isApi(request)) return sendApiError(reply, failure, request);
    kit.prepare(request, reply);
    return kit.renderError(request, reply, failure);
  });

  openApiRoutes(app);
  app.get('/assets/app.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(appCss),
  );
  for (const [name, body] of Object.entries(scripts)) {
    app.get(`/assets/${name}`, async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body));
  }
  app.get('/favicon.ico', async (_request, reply) => reply.status(204).header('cache-control', 'public, max-age=86400').send());
  await brandingRoutes(app, branding);
  await healthRoutes(app, services);
  await metricsOnMainPort(app, services);
  await resetApi(app, services, policy, rateLimit);
  await sessionApi(app, services, policy, rateLimit);
  await passwordApi(app, services, policy, rateLimit);
  await securityInfoApi(app, services, policy, rateLimit);
  await agentApi(app, services, rateLimit);
  await homePages(app, services, kit);
  await resetPages(app, services, kit, rateLimit);
  await accountPages(app, services, kit, rateLimit);
  await securityInfoPages(app, services, kit, rateLimit);
  await adminDoctorApi(app, services, policy);
  await adminSyncApi(app, services, policy);
  await adminResetApi(app, services, policy);
  await adminDoctorPages(app, services, kit);
  await adminDirectoryApi(app, services, policy);
  await directoryPages(app, services, kit);
  await stepUpApi(app, services, policy, rateLimit);
  await stepUpPages(app, services, kit, rateLimit);
  await accessApi(app, services, policy);
  await accessPages(app, services, kit);
  await helpdeskApi(app, services, policy);
  await helpdeskPages(app, services, kit);
  await policyApi(app, services, policy);
  await policyPages(app, services, kit);
  await reportsApi(app, services, policy);
  await reportsPages(app, services, kit);
  await integrityPages(app, services, kit, rateLimit);
  await integrityApi(app, services, rateLimit);
  await adminFreezeApi(app, services, policy);
  await overviewPages(app, services, kit);
  await usersPages(app, services, kit);
  await auditPages(app, services, kit);
  await consoleApi(app, services, policy);
  await licencesApi(app, services, policy);

  return app;
}
