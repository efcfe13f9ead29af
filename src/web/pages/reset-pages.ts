import type { RouteRateLimit } from '../route-rate-limit.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from './page-kit.js';
import { csrfField } from './layout.js';
import { html } from '../html.js';
import { t } from './ui-text.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';
import type { FlowView } from '../../flows/reset/reset-flow.js';

type Form = Record<string, unknown>;
const field = (body: unknown, name: string): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/**
 * The forgot-password pages (no JavaScript needed): /reset → /reset/method → /reset/code → /reset/password
 * → /reset/done. The flow id lives only in an HttpOnly cookie; every POST carries the CSRF token; every
 * POST answers with a redirect (303) on success or the same form with the reason on failure.
 */
export async function resetPages(app: FastifyInstance, services: Services, kit: PageKit, rateLimit: RouteRateLimit): Promise<void> {
  const flow = services.resetFlow;
  const minutes = Math.round(services.config.reset.codeTtlSeconds / 60);
  const limited = { config: { rateLimit } };

  const flowIdOf = (request: FastifyRequest): string => {
    const id = cookieOf(request, kit.policy, 'flow');
    if (!id) throw new SsprError('flow-invalid');
    return id;
  };

  const usernamePage = (request: FastifyRequest, reply: FastifyReply, options: { status?: number; error?: string; username?: string } = {}) => {
    const lang = request.ctx.lang;
    return kit.render(
      request,
      reply,
      t(lang, 'reset.title'),
      (ctx) => html`<form method="post" action="/reset">${csrfField(ctx)}
<label for="username">${t(lang, 'reset.username')}</label>
<p class="help" id="username-help">${t(lang, 'reset.username.help')}</p>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" aria-describedby="username-help" value="${options.username ?? ''}" autofocus>
<button type="submit">${t(lang, 'reset.next')}</button>
</form>`,
      options,
    );
  };

  const methodPage = (request: FastifyRequest, reply: FastifyReply, view: FlowView, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    return kit.render(
      request,
      reply,
      t(lang, 'reset.method.title'),
      (ctx) => html`<form method="post" action="/reset/send" class="methods">${csrfField(ctx)}
<p>${t(lang, 'reset.method.required', { required: view.required, count: view.verified.length })}</p>
<fieldset><legend>${t(lang, 'reset.method.title')}</legend>
${view.methods.map(
  (m, i) => html`<label><input type="radio" name="methodId" value="${m.id}" ${i === 0 ? html`checked` : ''}> ${t(lang, 'reset.method.email', { hint: m.hint })}</label>`,
)}
</fieldset>
<button type="submit">${t(lang, 'reset.method.send')}</button>
</form>`,
      options,
    );
  };

  const codePage = (request: FastifyRequest, reply: FastifyReply, view: FlowView, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    const method = view.methods.find((m) => !view.verified.includes(m.id)) ?? view.methods[0];
    return kit.render(
      request,
      reply,
      t(lang, 'reset.code.title'),
      (ctx) => html`<p>${t(lang, 'reset.code.sent', { hint: method?.hint ?? '', minutes })}</p>
<form method="post" action="/reset/code">${csrfField(ctx)}
<input type="hidden" name="methodId" value="${method?.id ?? ''}">
<label for="code">${t(lang, 'reset.code.label')}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="16" required autofocus>
<button type="submit">${t(lang, 'reset.code.verify')}</button>
</form>
<form method="post" action="/reset/send">${csrfField(ctx)}
<input type="hidden" name="methodId" value="${method?.id ?? ''}">
<button type="submit" class="secondary">${t(lang, 'reset.code.resend')}</button>
</form>`,
      options,
    );
  };

  const passwordPage = (request: FastifyRequest, reply: FastifyReply, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    return kit.render(
      request,
      reply,
      t(lang, 'reset.password.title'),
      (ctx) => html`<form method="post" action="/reset/password">${csrfField(ctx)}
<p class="help" id="password-help">${t(lang, 'reset.password.help', { min: services.config.password.minLength })}</p>
<label for="password">${t(lang, 'reset.password.new')}</label>
<input type="password" id="password" name="password" autocomplete="new-password" required minlength="${services.config.password.minLength}" aria-describedby="password-help password-feedback" autofocus>
<ul class="feedback" id="password-feedback" aria-live="polite" data-ok="${t(lang, 'reset.password.ok')}"></ul>
<label for="confirm">${t(lang, 'reset.password.confirm')}</label>
<input type="password" id="confirm" name="confirm" autocomplete="new-password" required>
<button type="submit">${t(lang, 'reset.password.save')}</button>
</form>
<script src="/assets/password-feedback.js" defer></script>`,
      options,
    );
  };

  /** Shows the page for wherever the flow stands (a reload or the back button lands on the right step). */
  const currentStep = async (request: FastifyRequest, reply: FastifyReply) => {
    const view = await flow.view(flowIdOf(request));
    switch (view.step) {
      case 'choose-method':
        return methodPage(request, reply, view);
      case 'enter-code':
        return codePage(request, reply, view);
      case 'new-password':
        return passwordPage(request, reply);
      case 'done':
        return kit.redirect(reply, '/reset/done');
    }
  };

  app.get('/reset', async (request, reply) => usernamePage(request, reply));

  app.post('/reset', limited, async (request, reply) => {
    kit.checkCsrf(request);
    const username = field(request.body, 'username');
    try {
      const started = await flow.start(username, request.ctx);
      kit.setCookie(reply, 'flow', started.flowId, services.config.reset.flowTtlSeconds);
      return kit.redirect(reply, '/reset/method');
    } catch (error) {
      if (error instanceof SsprError && error.code === 'invalid-request') {
        return usernamePage(request, reply, { status: 400, error: error.messageIn(request.ctx.lang), username });
      }
      throw error;
    }
  });

  app.get('/reset/method', currentStep);
  app.get('/reset/code', currentStep);
  app.get('/reset/password', currentStep);

  app.post('/reset/send', limited, async (request, reply) => {
    kit.checkCsrf(request);
    const flowId = flowIdOf(request);
    await flow.send(flowId, field(request.body, 'methodId'), request.ctx);
    return kit.redirect(reply, '/reset/code');
  });

  app.post('/reset/code', limited, async (request, reply) => {
    kit.checkCsrf(request);
    const flowId = flowIdOf(request);
    try {
      const result = await flow.verify(flowId, field(request.body, 'methodId'), { code: field(request.body, 'code') }, request.ctx);
      return kit.redirect(reply, result.complete ? '/reset/password' : '/reset/method');
    } catch (error) {
      if (error instanceof SsprError && error.code.startsWith('code-')) {
        return codePage(request, reply, await flow.view(flowId), { status: error.status, error: error.messageIn(request.ctx.lang) });
      }
      throw error;
    }
  });

  app.post('/reset/password', limited, async (request, reply) => {
    kit.checkCsrf(request);
    const flowId = flowIdOf(request);
    const lang = request.ctx.lang;
    const password = field(request.body, 'password');
    if (password !== field(request.body, 'confirm')) {
      return passwordPage(request, reply, { status: 400, error: t(lang, 'reset.password.mismatch') });
    }
    try {
      await flow.setPassword(flowId, password, request.ctx);
    } catch (error) {
      if (error instanceof SsprError && error.code === 'password-rejected') {
        return passwordPage(request, reply, { status: 400, error: error.messageIn(lang) });
      }
      throw error;
    }
    kit.setCookie(reply, 'flow', '', 0);
    return kit.redirect(reply, '/reset/done');
  });

  app.get('/reset/done', async (request, reply) => {
    const lang = request.ctx.lang;
    return kit.render(request, reply, t(lang, 'reset.done.title'), () => html`<p>${t(lang, 'reset.done.text')}</p>
<p><a class="button" href="/signin">${t(lang, 'signin.title')}</a></p>`);
  });
}
