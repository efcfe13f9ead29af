import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import { formField, type PageKit } from './page-kit.js';
import { csrfField } from './layout.js';
import { html } from '../html.js';
import { scriptTag } from '../assets.js';
import { message } from '../../i18n/messages.js';
import { checkCaptcha } from '../captcha-check.js';
import { NOT_ME_PATH } from '../../integrity/account-notices.js';
import { SsprError } from '../../errors/sspr-error.js';

/**
 * "This wasn't me" (GET shows what would happen and never acts: mail scanners follow links; the POST with the
 * CSRF token freezes) and "I forgot my user name" (one answer for every address).
 */
export async function integrityPages(app: FastifyInstance, services: Services, kit: PageKit, rateLimit: RouteRateLimit): Promise<void> {
  const limited = { config: { rateLimit } };
  const { freeze, usernameReminder } = services.integrity;

  app.get<{ Querystring: { t?: string } }>(NOT_ME_PATH, limited, async (request, reply) => {
    const lang = request.ctx.lang;
    const token = typeof request.query.t === 'string' ? request.query.t : '';
    const preview = await freeze.preview(token, request.ctx);
    // The token is in the URL: no Referer leaves this page, and nothing caches it.
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    return kit.render(request, reply, message(lang, 'integrity.not-me.title'), (ctx) => html`<p>${message(lang, 'integrity.not-me.intro')}</p>
<p id="not-me-notice">${message(lang, 'integrity.not-me.notice', { notice: preview.notice, when: preview.at })}</p>
<p>${message(lang, 'integrity.not-me.what')}</p>
<form method="post" action="${NOT_ME_PATH}">${csrfField(ctx)}
<input type="hidden" name="t" value="${token}">
<button type="submit" id="not-me-confirm">${message(lang, 'integrity.not-me.confirm')}</button>
</form>
<p><a href="/">${message(lang, 'integrity.not-me.cancel')}</a></p>`);
  });

  app.post(NOT_ME_PATH, limited, async (request, reply) => {
    kit.checkCsrf(request);
    await freeze.confirm(formField(request.body, 't'), request.ctx);
    return kit.redirect(reply, `${NOT_ME_PATH}/done`);
  });

  app.get(`${NOT_ME_PATH}/done`, async (request, reply) => {
    const lang = request.ctx.lang;
    return kit.render(request, reply, message(lang, 'integrity.not-me.done.title'), () => html`<p id="not-me-done">${message(lang, 'integrity.not-me.done.text')}</p>`);
  });

  const forgotPage = (request: FastifyRequest, reply: FastifyReply, options: { status?: number; error?: string; address?: string } = {}) => {
    const lang = request.ctx.lang;
    return kit.render(request, reply, message(lang, 'integrity.forgot-username.title'), (ctx) => html`<p id="address-help">${message(lang, 'integrity.forgot-username.intro')}</p>
<form method="post" action="/forgot-username">${csrfField(ctx)}
<label for="address">${message(lang, 'integrity.forgot-username.address')}</label>
<input type="text" id="address" name="address" autocomplete="email" autocapitalize="none" spellcheck="false" required maxlength="256" aria-describedby="address-help" value="${options.address ?? ''}" autofocus>
${services.captcha ? html`<div data-captcha-challenge-url="/api/v1/captcha/challenge" data-text-working="${message(lang, 'pages.reset.captcha.working')}" data-text-done="${message(lang, 'pages.reset.captcha.done')}"></div><input type="hidden" name="captcha">` : ''}
<button type="submit">${message(lang, 'integrity.forgot-username.submit')}</button>
</form>
<p><a href="/reset">${message(lang, 'integrity.forgot-username.back')}</a></p>
${services.captcha ? html`${scriptTag('captcha.js')}` : ''}`, options);
  };

  app.get('/forgot-username', async (request, reply) => forgotPage(request, reply));

  app.post('/forgot-username', limited, async (request, reply) => {
    kit.checkCsrf(request);
    const address = formField(request.body, 'address');
    try {
      await checkCaptcha(services, formField(request.body, 'captcha'));
      usernameReminder.request(address, request.ctx);
    } catch (error) {
      if (error instanceof SsprError && (error.code === 'invalid-request' || error.code === 'captcha-failed')) {
        return forgotPage(request, reply, { status: 400, error: error.messageIn(request.ctx.lang), address });
      }
      throw error;
    }
    return kit.redirect(reply, '/forgot-username/sent');
  });

  app.get('/forgot-username/sent', async (request, reply) => {
    const lang = request.ctx.lang;
    return kit.render(request, reply, message(lang, 'integrity.forgot-username.sent.title'), () => html`<p id="forgot-username-sent">${message(lang, 'integrity.forgot-username.sent.text')}</p>
<p><a class="button" href="/reset">${message(lang, 'integrity.forgot-username.back')}</a></p>`);
  });
}
