import type { FastifyRequest } from 'fastify';
import { negotiateLang, langOf, type Lang } from '../i18n/lang.js';
import type { MethodRequest } from '../methods/method.js';
import { cookieName, parseCookies, type CookieName, type CookiePolicy } from './cookies.js';

export interface RequestContext extends MethodRequest {
  lang: Lang;
  cookies: Map<string, string>;
  /** True when the language was chosen explicitly by ?lang= on this request (the choice is then remembered). */
  langChosen: boolean;
  /** The browser's CSRF cookie value (set by page routes before rendering a form). */
  csrfCookie?: string;
  /** The form token of a CSRF cookie value, once computed in this request (PageKit). */
  csrfToken?: { cookie: string; token: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
}

export function buildContext(request: FastifyRequest, cookiePolicy: CookiePolicy): RequestContext {
  const cookies = parseCookies(request.headers.cookie);
  const query = request.query as Record<string, unknown> | undefined;
  const chosen = langOf(query?.lang);
  const lang = negotiateLang(chosen ?? cookies.get(cookieName(cookiePolicy, 'lang')), request.headers['accept-language']);
  const userAgent = String(request.headers['user-agent'] ?? '').slice(0, 300);
  return { lang, ip: request.ip, userAgent, cookies, langChosen: chosen !== undefined };
}

export function cookieOf(request: FastifyRequest, cookiePolicy: CookiePolicy, name: CookieName): string | undefined {
  return request.ctx.cookies.get(cookieName(cookiePolicy, name));
}
