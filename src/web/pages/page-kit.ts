import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SafeHtml } from '../html.js';
import { html } from '../html.js';
import type { Csrf } from '../csrf.js';
import { serializeCookie, type CookieName, type CookiePolicy } from '../cookies.js';
import { cookieOf } from '../request-context.js';
import { layout, type PageContext } from './layout.js';
import { t } from './ui-text.js';
import { SsprError } from '../../errors/sspr-error.js';
import { message } from '../../i18n/messages.js';
import type { BrandingView } from '../branding.js';

/** What every page handler needs: rendering in the request's language, cookies, CSRF. */
export class PageKit {
  constructor(
    readonly policy: CookiePolicy,
    private readonly csrf: Csrf,
    private readonly organisation: string,
    private readonly demo: boolean,
    private readonly branding?: BrandingView,
  ) {}

  /** Makes sure the browser holds a CSRF cookie, and remembers an explicit language choice. */
  prepare(request: FastifyRequest, reply: FastifyReply): void {
    let value = cookieOf(request, this.policy, 'csrf');
    if (!value) {
      value = this.csrf.newCookieValue();
      this.setCookie(reply, 'csrf', value);
    }
    request.ctx.csrfCookie = value;
    if (request.ctx.langChosen) this.setCookie(reply, 'lang', request.ctx.lang, 365 * 86400);
  }

  /** Throws `csrf-invalid` unless the form's token matches the browser's CSRF cookie. */
  checkCsrf(request: FastifyRequest): void {
    const body = request.body as Record<string, unknown> | undefined;
    const cookie = cookieOf(request, this.policy, 'csrf');
    if (request.headers['sec-fetch-site'] === 'cross-site' || !cookie || !this.csrf.accepts(body?._csrf, () => this.tokenOf(request, cookie))) {
      throw new SsprError('csrf-invalid');
    }
  }

  /** The form token for a CSRF cookie value, computed once per request: a checked form's re-render reuses it. */
  private tokenOf(request: FastifyRequest, cookie: string): string {
    const known = request.ctx.csrfToken;
    if (known?.cookie === cookie) return known.token;
    const token = this.csrf.tokenFor(cookie);
    request.ctx.csrfToken = { cookie, token };
    return token;
  }

  context(request: FastifyRequest): PageContext {
    const csrfToken = request.ctx.csrfCookie ? this.tokenOf(request, request.ctx.csrfCookie) : '';
    return { lang: request.ctx.lang, organisation: this.organisation, csrfToken, demo: this.demo, query: queryOf(request.url), ...(this.branding ? { branding: this.branding } : {}) };
  }

  render(request: FastifyRequest, reply: FastifyReply, title: string, body: (page: PageContext) => SafeHtml, options: { status?: number; error?: string } = {}) {
    const page = this.context(request);
    return reply
      .status(options.status ?? 200)
      .type('text/html; charset=utf-8')
      .send(layout(page, title, body(page), options.error));
  }

  /** A page that says what went wrong, with the catalogue sentence and a way on. */
  renderError(request: FastifyRequest, reply: FastifyReply, error: SsprError) {
    const lang = request.ctx.lang;
    const restart = error.code === 'flow-invalid' || error.code === 'flow-completed' || error.code === 'code-send-limit';
    // An operator refused an organisation-wide page may still open single accounts: the way on is the user search.
    const toUsers = error.code === 'operator-organisation-wide';
    return this.render(
      request,
      reply,
      t(lang, 'error.title'),
      () =>
        html`<p>${restart ? html`<a class="button" href="/reset">${t(lang, 'reset.restart')}</a>` : toUsers ? html`<a class="button" href="/admin/users">${message(lang, 'console-users.user.back')}</a>` : html`<a href="/">${t(lang, 'error.home')}</a>`}</p>`,
      { status: error.status, error: error.messageIn(lang) },
    );
  }

  setCookie(reply: FastifyReply, name: CookieName, value: string, maxAgeSeconds?: number): void {
    reply.header('set-cookie', [...asArray(reply.getHeader('set-cookie')), serializeCookie(this.policy, name, value, maxAgeSeconds)]);
  }

  /** POST/redirect/GET: 303 so the browser follows with a GET. */
  redirect(reply: FastifyReply, to: string) {
    return reply.redirect(to, 303);
  }
}

function asArray(value: ReturnType<FastifyReply['getHeader']>): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** A string field of a posted form ('' when absent or not a string). */
export function formField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** The query string of a request URL (without "?"), as the language switch keeps it. */
function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}
