import type { FastifyInstance } from 'fastify';
import type { Branding } from './branding.js';
import { SsprError } from '../errors/sspr-error.js';

/** Versioned URLs (`?v=<hash>`) may be cached for long; the content changes only with a restart. */
const CACHE = 'public, max-age=86400';

/**
 * The branding files, same-origin so the CSP needs no exception: the theme stylesheet (the primary colour as a
 * custom property), the operator's stylesheet and the logo. An SVG logo is served with a CSP of its own that
 * forbids scripts, in case someone opens it directly.
 */
export async function brandingRoutes(app: FastifyInstance, branding: Branding): Promise<void> {
  app.get('/branding/theme.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', CACHE).send(branding.themeCss));
  app.get('/branding/custom.css', async (_request, reply) => {
    if (branding.customCss === null) throw new SsprError('not-found');
    return reply.type('text/css; charset=utf-8').header('cache-control', CACHE).send(branding.customCss);
  });
  app.get('/branding/logo', async (_request, reply) => {
    if (!branding.logo) throw new SsprError('not-found');
    if (branding.logo.type === 'image/svg+xml') reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    return reply.type(branding.logo.type).header('cache-control', CACHE).send(branding.logo.body);
  });
}
