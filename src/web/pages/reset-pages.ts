import type { RouteRateLimit } from '../route-rate-limit.js';
import { scriptTag } from '../assets.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import { formField as field, type PageKit } from './page-kit.js';
import { csrfField } from './layout.js';
import { html, type SafeHtml } from '../html.js';
import { t } from './ui-text.js';
import { message } from '../../i18n/messages.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';
import { isCheckId } from '../../doctor/doctor-types.js';
import { checkHelpPath } from './admin-doctor-pages.js';
import { checkCaptcha } from '../captcha-check.js';
import type { FlowView } from '../../flows/reset/reset-flow.js';
import type { Lang } from '../../i18n/lang.js';
import { passkeyTexts, x } from './experience-text.js';
import { passwordFields, refusalBanner, refusalOf, type PasswordRefusal } from './password-fields.js';
import { NO_SCRIPT_CAPTCHA } from '../../captcha/no-script.js';

type ResetStep = 'identify' | 'verify' | 'password' | 'done';
const resetStepOrder: ResetStep[] = ['identify', 'verify', 'password', 'done'];

/** Where the reader stands in the reset: an ordered list, the current step marked for assistive technology. */
function resetSteps(lang: Lang, current: ResetStep): SafeHtml {
  const at = resetStepOrder.indexOf(current);
  return html`<nav class="steps" aria-label="${x(lang, 'steps.label')}"><ol>${resetStepOrder.map((step, i) =>
    i === at
      ? html`<li aria-current="step" data-state="current">${x(lang, `steps.${step}`)}</li>`
      : html`<li data-state="${i < at ? 'done' : 'todo'}">${x(lang, `steps.${step}`)}</li>`,
  )}</ol></nav>`;
}

/**
 * The forgot-password pages: /reset → /reset/method → /reset/code (or the drawn questions) → /reset/password
 * → /reset/done. They work without JavaScript except the captcha's proof of work and passkeys (WebAuthn). The flow id lives only in an HttpOnly cookie; every POST carries the CSRF token; every
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

  const codeLength = services.config.reset.codeLength;

  const usernamePage = (request: FastifyRequest, reply: FastifyReply, options: { status?: number; error?: string; username?: string; check?: string } = {}) => {
    const lang = request.ctx.lang;
    const invalid = options.error !== undefined;
    return kit.render(
      request,
      reply,
      t(lang, 'reset.title'),
      (ctx) => html`${resetSteps(lang, 'identify')}<form method="post" action="/reset">${csrfField(ctx)}
<label for="username">${t(lang, 'reset.username')}</label>
<p class="help" id="username-help">${t(lang, 'reset.username.help')}</p>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" aria-describedby="username-help${invalid ? ' error' : ''}"${invalid ? html` aria-invalid="true"` : ''} value="${options.username ?? ''}" autofocus>
${services.captcha ? html`<div data-captcha-challenge-url="/api/v1/captcha/challenge" data-text-working="${t(lang, 'reset.captcha.working')}" data-text-done="${t(lang, 'reset.captcha.done')}"></div><input type="hidden" name="captcha" value="${NO_SCRIPT_CAPTCHA}"><noscript><p class="help">${x(lang, 'captcha.noscript')}</p></noscript>` : ''}
<button type="submit">${t(lang, 'reset.next')}</button>
</form>
<p><a href="/forgot-username" id="forgot-username-link">${message(lang, 'integrity.forgot-username.link')}</a></p>
${options.check ? html`<p id="refusal-help"><a href="${checkHelpPath(options.check)}">${t(lang, 'reset.refusal.why')}</a></p>` : ''}
${services.captcha ? html`${scriptTag('captcha.js')}` : ''}`,
      options,
    );
  };

  /** A method's name that makes sense on its own (screen readers list controls out of context). */
  const methodLabel = (type: FlowView['methods'][number]['type'], hint: string, lang: Lang) =>
    type === 'email' ? x(lang, 'reset.method.email', { hint }) : type === 'sms' ? x(lang, 'reset.method.sms', { hint }) : hint;

  const methodPage = (request: FastifyRequest, reply: FastifyReply, view: FlowView, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    const open = view.methods.filter((m) => !view.verified.includes(m.id));
    const done = view.methods.filter((m) => view.verified.includes(m.id));
    const choosable = open.filter((m) => m.type !== 'passkey');
    const passkeys = open.filter((m) => m.type === 'passkey');
    return kit.render(
      request,
      reply,
      t(lang, 'reset.method.title'),
      (ctx) => html`${resetSteps(lang, 'verify')}<p>${x(lang, 'reset.method.progress', { required: view.required, count: view.verified.length })}</p>
${done.length > 0 ? html`<ul class="confirmed">${done.map((m) => html`<li>${x(lang, 'reset.method.confirmed', { label: methodLabel(m.type, m.hint, lang) })}</li>`)}</ul>` : ''}
<div id="reset-methods">
${choosable.length > 0 ? html`<form method="post" action="/reset/send">${csrfField(ctx)}
<fieldset class="options"><legend>${x(lang, 'reset.method.legend')}</legend>
${choosable.map((m, i) => html`<label class="option"><input type="radio" name="methodId" value="${m.id}" data-method-type="${m.type}" required${i === 0 ? html` checked` : ''}> ${methodLabel(m.type, m.hint, lang)}</label>`)}
</fieldset>
<button type="submit">${x(lang, 'reset.method.continue')}</button>
</form>` : ''}
${passkeys.map((m) => html`<p><button type="button" class="${choosable.length > 0 ? 'secondary' : ''}" data-method-type="passkey" data-passkey-login-url="/api/v1/reset/passkey/options?m=${m.id}" data-passkey-login-verify-url="/api/v1/reset/passkey/verify?m=${m.id}" data-csrf="${ctx.csrfToken}"${passkeyTexts(lang)}>${x(lang, 'reset.passkey.use')}</button></p>`)}
</div>
<p class="links"><a href="/reset">${x(lang, 'reset.startAgain')}</a></p>
${passkeys.length > 0 ? html`${scriptTag('passkey.js')}` : ''}`,
      options,
    );
  };

  const codePage = (request: FastifyRequest, reply: FastifyReply, view: FlowView, methodId: string, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    const method = view.methods.find((m) => m.id === methodId && !view.verified.includes(m.id));
    if (!method) return methodPage(request, reply, view, options);
    const label = method.type === 'totp' ? t(lang, 'reset.totp.label') : method.type === 'recovery-codes' ? t(lang, 'reset.recovery.label') : t(lang, 'reset.code.label');
    const sent = method.type === 'email' || method.type === 'sms';
    const detail = sent
      ? x(lang, 'reset.code.sentDetail', { length: codeLength, hint: method.hint, minutes })
      : method.type === 'totp' ? x(lang, 'reset.code.totpDetail', { length: 6 }) : x(lang, 'reset.code.recoveryDetail');
    const invalid = options.error !== undefined;
    return kit.render(
      request,
      reply,
      t(lang, 'reset.code.title'),
      (ctx) => html`${resetSteps(lang, 'verify')}<p id="code-help">${detail}</p>
<form method="post" action="/reset/code">${csrfField(ctx)}
<input type="hidden" name="methodId" value="${method.id}">
<label for="code">${label}</label>
<input type="text" id="code" name="code" ${method.type === 'recovery-codes' ? '' : html`inputmode="numeric" pattern="[0-9 ]*"`} autocomplete="one-time-code" maxlength="32" required aria-describedby="code-help${invalid ? ' error' : ''}"${invalid ? html` aria-invalid="true"` : ''} autofocus>
<button type="submit">${t(lang, 'reset.code.verify')}</button>
</form>
${sent ? html`<form method="post" action="/reset/send">${csrfField(ctx)}
<input type="hidden" name="methodId" value="${method.id}">
<button type="submit" class="secondary">${t(lang, 'reset.code.resend')}</button>
</form>` : ''}
<p class="links"><a href="/reset/method">${x(lang, 'reset.otherMethod')}</a> · <a href="/reset">${x(lang, 'reset.startAgain')}</a></p>`,
      options,
    );
  };

  const questionsPage = (request: FastifyRequest, reply: FastifyReply, methodId: string, questions: Array<{ id: string; text: string }>) => {
    const lang = request.ctx.lang;
    return kit.render(request, reply, t(lang, 'reset.questions.title'), (ctx) => html`${resetSteps(lang, 'verify')}<form method="post" action="/reset/code">${csrfField(ctx)}
<input type="hidden" name="methodId" value="${methodId}">
${questions.map((q, i) => html`<input type="hidden" name="q${i}" value="${q.id}"><label for="a${i}">${q.text}</label><input type="text" id="a${i}" name="a${i}" required maxlength="40" autocomplete="off">`)}
<button type="submit">${t(lang, 'reset.code.verify')}</button>
</form>
<p class="links"><a href="/reset/method">${x(lang, 'reset.otherMethod')}</a> · <a href="/reset">${x(lang, 'reset.startAgain')}</a></p>`);
  };

  const passwordPage = async (request: FastifyRequest, reply: FastifyReply, options: { status?: number; refusal?: PasswordRefusal; error?: string } = {}) => {
    const lang = request.ctx.lang;
    const unlock = await flow.unlockOffered(flowIdOf(request)).catch(() => false);
    const rules = await flow.passwordRules(flowIdOf(request));
    const error = options.refusal ? refusalBanner(lang, options.refusal) : options.error;
    return kit.render(
      request,
      reply,
      t(lang, 'reset.password.title'),
      (ctx) => html`${resetSteps(lang, 'password')}<form method="post" action="/reset/password">${csrfField(ctx)}
${passwordFields(lang, rules, { refusal: options.refusal, namesCheckedLive: true, autofocus: true })}
<button type="submit">${t(lang, 'reset.password.save')}</button>
</form>
${unlock ? html`<h2>${x(lang, 'reset.unlock.title')}</h2>
<p>${x(lang, 'reset.unlock.text')}</p>
<form method="post" action="/reset/unlock">${csrfField(ctx)}<button type="submit" class="secondary">${x(lang, 'reset.unlock.submit')}</button></form>` : ''}
${scriptTag('password-feedback.js')}`,
      { ...(options.status ? { status: options.status } : {}), ...(error ? { error } : {}) },
    );
  };

  /** Shows the page for wherever the flow stands (a reload or the back button lands on the right step). */
  const currentStep = async (request: FastifyRequest, reply: FastifyReply) => {
    const view = await flow.view(flowIdOf(request), request.ctx.lang);
    switch (view.step) {
      case 'choose-method':
        return methodPage(request, reply, view);
      case 'enter-code':
        return codePage(request, reply, view, String((request.query as Record<string, unknown> | undefined)?.m ?? ''));
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
      await checkCaptcha(services, field(request.body, 'captcha'), { ip: request.ip, name: username });
      const started = await flow.start(username, request.ctx);
      kit.setCookie(reply, 'flow', started.flowId, services.config.reset.flowTtlSeconds);
      return kit.redirect(reply, '/reset/method');
    } catch (error) {
      if (error instanceof SsprError && ['invalid-request', 'captcha-failed', 'rate-limited', 'throttled', 'sspr-enabled', 'license-assigned', 'methods-registered', 'admin-policy', 'account-state'].includes(error.code)) {
        // Refusal codes are the doctor's check ids: link the same catalogue entry the doctor reports.
        const check = isCheckId(error.code) ? error.code : undefined;
        return usernamePage(request, reply, { status: error.status, error: error.messageIn(request.ctx.lang), username, ...(check ? { check } : {}) });
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
    const methodId = field(request.body, 'methodId');
    try {
      const challenge = await flow.send(flowId, methodId, request.ctx);
      if (challenge.questions) return questionsPage(request, reply, methodId, challenge.questions);
      return kit.redirect(reply, `/reset/code?m=${encodeURIComponent(methodId)}`);
    } catch (error) {
      if (error instanceof SsprError && (error.code === 'method-unknown' || error.code === 'flow-step-out-of-order')) {
        return methodPage(request, reply, await flow.view(flowId, request.ctx.lang), { status: error.status, error: error.messageIn(request.ctx.lang) });
      }
      throw error;
    }
  });

  app.post('/reset/code', limited, async (request, reply) => {
    kit.checkCsrf(request);
    const flowId = flowIdOf(request);
    const methodId = field(request.body, 'methodId');
    const answers = [0, 1, 2, 3, 4]
      .map((i) => ({ questionId: field(request.body, `q${i}`), answer: field(request.body, `a${i}`) }))
      .filter((a) => a.questionId !== '');
    try {
      const result = await flow.verify(flowId, methodId, answers.length ? { answers } : { code: field(request.body, 'code') }, request.ctx);
      return kit.redirect(reply, result.complete ? '/reset/password' : '/reset/method');
    } catch (error) {
      const retryable = ['code-wrong', 'code-malformed', 'code-expired', 'code-attempts-exhausted', 'code-not-sent', 'totp-wrong', 'recovery-code-wrong'];
      if (error instanceof SsprError && retryable.includes(error.code)) {
        return codePage(request, reply, await flow.view(flowId, request.ctx.lang), methodId, { status: error.status, error: error.messageIn(request.ctx.lang) });
      }
      if (error instanceof SsprError && error.code === 'answers-wrong') {
        return methodPage(request, reply, await flow.view(flowId, request.ctx.lang), { status: error.status, error: error.messageIn(request.ctx.lang) });
      }
      throw error;
    }
  });

  app.post('/reset/password', limited, async (request, reply) => {
    kit.checkCsrf(request);
    const flowId = flowIdOf(request);
    const password = field(request.body, 'password');
    if (password !== field(request.body, 'confirm')) {
      return passwordPage(request, reply, { status: 400, refusal: { kind: 'mismatch', reasons: [] } });
    }
    try {
      await flow.setPassword(flowId, password, request.ctx);
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal) return passwordPage(request, reply, { status: 400, refusal });
      throw error;
    }
    kit.setCookie(reply, 'flow', '', 0);
    return kit.redirect(reply, '/reset/done');
  });

  app.post('/reset/unlock', limited, async (request, reply) => {
    kit.checkCsrf(request);
    await flow.unlock(flowIdOf(request), request.ctx);
    kit.setCookie(reply, 'flow', '', 0);
    return kit.redirect(reply, '/reset/unlocked');
  });

  app.get('/reset/unlocked', async (request, reply) => {
    const lang = request.ctx.lang;
    return kit.render(request, reply, t(lang, 'reset.unlocked.title'), () => html`${resetSteps(lang, 'done')}<p>${t(lang, 'reset.unlocked.text')}</p>
<p><a class="button" href="/signin">${t(lang, 'signin.title')}</a></p>`);
  });

  app.get('/reset/done', async (request, reply) => {
    const lang = request.ctx.lang;
    return kit.render(request, reply, t(lang, 'reset.done.title'), () => html`${resetSteps(lang, 'done')}<p>${t(lang, 'reset.done.text')}</p>
<p><a class="button" href="/signin">${t(lang, 'signin.title')}</a></p>`);
  });
}
