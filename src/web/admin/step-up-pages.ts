import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from '../pages/page-kit.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { StepUpOption } from '../../session/console-session.js';
import { formField } from '../pages/page-kit.js';
import { csrfField, type PageContext } from '../pages/layout.js';
import { html, type SafeHtml } from '../html.js';
import { message } from '../../i18n/messages.js';
import { scriptTag } from '../assets.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';
import { isConsoleOperator, safeNext } from './console-access.js';


/**
 * `/admin/step-up?next=…`: the console's second proof. Lists the operator's step-up methods: an authenticator code
 * (a form), a code by e-mail or SMS (send, then a form), a passkey (the passkey script; the only part that needs
 * JavaScript). A proof brings the operator back to `next` (a local path only, else `/admin`). An operator without
 * such a method is told how to register one. Not signed in: sign-in, then back here.
 */
export async function stepUpPages(app: FastifyInstance, services: Services, kit: PageKit, rateLimit: RouteRateLimit): Promise<void> {
  const consoleSessions = services.consoleSessions;

  /** The operator's session, or a redirect to sign-in (then null). Non-operators get 403 admin-only. */
  async function operatorSession(request: FastifyRequest, reply: FastifyReply, next: string) {
    const session = await services.signIn.session(cookieOf(request, kit.policy, 'session'));
    if (!session) {
      await kit.redirect(reply, `/signin?next=${encodeURIComponent(`/admin/step-up?next=${encodeURIComponent(next)}`)}`);
      return null;
    }
    if (!(await isConsoleOperator(services, session.user))) throw new SsprError('admin-only');
    try {
      await consoleSessions.state(session.digest, session.user, request.ctx);
    } catch (error) {
      if (error instanceof SsprError && error.code === 'console-session-ended') {
        kit.setCookie(reply, 'session', '', 0);
        await kit.redirect(reply, `/signin?next=${encodeURIComponent(next)}`);
        return null;
      }
      throw error;
    }
    return session;
  }

  const nextOf = (value: unknown) => safeNext(value) ?? '/admin';

  function optionHtml(page: PageContext, option: StepUpOption, next: string): SafeHtml {
    const lang = page.lang;
    const label = message(lang, 'console-auth.stepUp.method', { type: option.type, label: option.label });
    if (option.type === 'passkey') {
      const verify = `/api/v1/session/step-up/passkey/verify?m=${option.id}&next=${encodeURIComponent(next)}`;
      return html`<li>${label} <button type="button" data-method-type="passkey" data-passkey-login-url="/api/v1/session/step-up/passkey/options?m=${option.id}" data-passkey-login-verify-url="${verify}" data-csrf="${page.csrfToken}">${message(lang, 'console-auth.stepUp.passkey')}</button></li>`;
    }
    if (option.type === 'totp') {
      return html`<li><form method="post" action="/admin/step-up/verify">${csrfField(page)}<input type="hidden" name="methodId" value="${option.id}"><input type="hidden" name="next" value="${next}">
<label for="code-${option.id}">${label}</label>
<input type="text" id="code-${option.id}" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required>
<button type="submit">${message(lang, 'console-auth.stepUp.confirm')}</button></form></li>`;
    }
    return html`<li><form method="post" action="/admin/step-up/send" class="inline">${csrfField(page)}<input type="hidden" name="methodId" value="${option.id}"><input type="hidden" name="next" value="${next}">${label} <button type="submit" data-method-type="${option.type}">${message(lang, 'console-auth.stepUp.send')}</button></form></li>`;
  }

  const choosePage = async (request: FastifyRequest, reply: FastifyReply, session: { user: DirectoryUser; digest: string }, next: string, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    const offered = await consoleSessions.options(session.digest, session.user, request.ctx);
    if (offered.length === 0) {
      return kit.render(request, reply, message(lang, 'console-auth.stepUp.none.title'), () => html`<p id="step-up-none">${message(lang, 'console-auth.stepUp.none.text')}</p>
<p><a class="button" href="/account/security">${message(lang, 'console-auth.stepUp.none.link')}</a></p>`, options);
    }
    const needsScript = offered.some((o) => o.type === 'passkey');
    const fresh = String((request.query as Record<string, unknown> | undefined)?.fresh ?? '') === '1';
    return kit.render(request, reply, message(lang, 'console-auth.stepUp.title'), (page) => html`<p>${fresh ? message(lang, 'console-auth.stepUp.fresh', { minutes: Math.round(consoleSessions.settings.recentMs / 60_000) }) : message(lang, 'console-auth.stepUp.intro')}</p>
<ul class="methods" id="step-up-methods">${offered.map((option) => optionHtml(page, option, next))}</ul>
${needsScript ? scriptTag('passkey.js') : ''}`, options);
  };

  const codePage = (request: FastifyRequest, reply: FastifyReply, methodId: string, label: string, next: string, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    return kit.render(request, reply, message(lang, 'console-auth.stepUp.title'), (page) => html`<p role="status">${message(lang, 'console-auth.stepUp.sent', { label })}</p>
<form method="post" action="/admin/step-up/verify">${csrfField(page)}<input type="hidden" name="methodId" value="${methodId}"><input type="hidden" name="next" value="${next}">
<label for="code">${message(lang, 'console-auth.stepUp.code')}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12" required autofocus>
<button type="submit">${message(lang, 'console-auth.stepUp.confirm')}</button>
</form>`, options);
  };

  app.get('/admin/step-up', async (request, reply) => {
    const next = nextOf((request.query as Record<string, unknown> | undefined)?.next);
    const session = await operatorSession(request, reply, next);
    if (!session) return reply;
    return choosePage(request, reply, session, next);
  });

  app.post('/admin/step-up/send', { config: { rateLimit } }, async (request, reply) => {
    kit.checkCsrf(request);
    const next = nextOf(formField(request.body, 'next'));
    const session = await operatorSession(request, reply, next);
    if (!session) return reply;
    const methodId = formField(request.body, 'methodId');
    try {
      const sent = await consoleSessions.send(session.digest, session.user, methodId, request.ctx);
      return codePage(request, reply, methodId, sent.label, next);
    } catch (error) {
      if (error instanceof SsprError && error.status < 500) return choosePage(request, reply, session, next, { status: error.status, error: error.messageIn(request.ctx.lang) });
      throw error;
    }
  });

  app.post('/admin/step-up/verify', { config: { rateLimit } }, async (request, reply) => {
    kit.checkCsrf(request);
    const next = nextOf(formField(request.body, 'next'));
    const session = await operatorSession(request, reply, next);
    if (!session) return reply;
    try {
      await consoleSessions.verify(session.digest, session.user, formField(request.body, 'methodId'), { code: formField(request.body, 'code') }, request.ctx);
    } catch (error) {
      if (error instanceof SsprError && error.status < 500) return choosePage(request, reply, session, next, { status: error.status, error: error.messageIn(request.ctx.lang) });
      throw error;
    }
    return kit.redirect(reply, next);
  });
}
