import type { RouteRateLimit } from '../route-rate-limit.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import { formField, type PageKit } from './page-kit.js';
import { csrfField } from './layout.js';
import { html } from '../html.js';
import { t } from './ui-text.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';
import type { DirectoryUser } from '../../directory/directory.js';
import { scriptTag } from '../assets.js';
import { passwordFields, refusalBanner, refusalOf, type PasswordRefusal } from './password-fields.js';
import { isConsoleOperator, safeNext } from '../admin/console-access.js';
import { message } from '../../i18n/messages.js';
import { rulesFor } from '../../policy/password-checker.js';

/** Sign-in and "My account": profile, link to security info, change password, sign-out. */
export async function accountPages(app: FastifyInstance, services: Services, kit: PageKit, rateLimit: RouteRateLimit): Promise<void> {
  const signInPage = (request: FastifyRequest, reply: FastifyReply, options: { status?: number; error?: string; username?: string; next?: string | null } = {}) => {
    const lang = request.ctx.lang;
    const next = options.next ?? null;
    return kit.render(
      request,
      reply,
      t(lang, 'signin.title'),
      (ctx) => html`<form method="post" action="/signin">${csrfField(ctx)}${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
<label for="username">${t(lang, 'reset.username')}</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" value="${options.username ?? ''}"${options.error ? html` aria-invalid="true" aria-describedby="error"` : ''} autofocus>
<label for="password">${t(lang, 'signin.password')}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${options.error ? html` aria-invalid="true" aria-describedby="error"` : ''}>
<button type="submit">${t(lang, 'signin.submit')}</button>
</form>
<p><a href="/reset">${t(lang, 'signin.forgot')}</a></p>`,
      options,
    );
  };

  // `next` (a local path only: safeNext) brings the user back where sign-in was asked for, e.g. a console page.
  app.get('/signin', async (request, reply) => signInPage(request, reply, { next: safeNext((request.query as Record<string, unknown> | undefined)?.next) }));

  app.post('/signin', { config: { rateLimit } }, async (request, reply) => {
    kit.checkCsrf(request);
    const username = formField(request.body, 'username');
    const password = formField(request.body, 'password');
    const next = safeNext(formField(request.body, 'next'));
    try {
      const session = await services.signIn.signIn(username, password, request.ctx);
      kit.setCookie(reply, 'session', session.token, services.config.session.ttlSeconds);
      // Registration required at sign-in (policy), methods overdue for re-confirmation, or "register again": security info first.
      return kit.redirect(reply, (await services.securityInfo.dueAtSignIn(session.user)) ? '/account/security' : next ?? '/account');
    } catch (error) {
      if (error instanceof SsprError && error.code === 'invalid-credentials') {
        return signInPage(request, reply, { status: 401, error: error.messageIn(request.ctx.lang), username, next });
      }
      throw error;
    }
  });

  const accountPage = async (request: FastifyRequest, reply: FastifyReply, user: DirectoryUser, options: { status?: number; error?: string; notice?: string; refusal?: PasswordRefusal; currentWrong?: boolean } = {}) => {
    const lang = request.ctx.lang;
    const consoleLink = (await isConsoleOperator(services, user)) ? html`<p><a class="button" id="console-link" href="/admin">${message(lang, 'console-auth.account.console')}</a></p>` : '';
    const none = html`<em>${t(lang, 'account.none')}</em>`;
    const error = options.refusal ? refusalBanner(lang, options.refusal) : options.error;
    const rules = rulesFor(services.passwords.settings, await services.directory.directoryPolicyFor(user));
    return kit.render(request, reply, t(lang, 'account.title'), (ctx) => html`${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}<h2>${t(lang, 'account.profile')}</h2>
<dl>
<dt>${t(lang, 'account.username')}</dt><dd id="profile-username">${user.username}</dd>
<dt>${t(lang, 'account.displayName')}</dt><dd>${user.displayName}</dd>
<dt>${t(lang, 'account.email')}</dt><dd>${user.email ?? none}</dd>
<dt>${t(lang, 'account.mobile')}</dt><dd>${user.mobile ?? none}</dd>
</dl>
<h2>${t(lang, 'account.securityInfo')}</h2>
<p>${t(lang, 'account.securityInfo.text')}</p>
<p><a class="button" href="/account/security">${t(lang, 'account.securityInfo')}</a></p>
${consoleLink}
<h2 id="password-heading">${t(lang, 'account.password')}</h2>
<form method="post" action="/account/password" aria-labelledby="password-heading">${csrfField(ctx)}
<input type="text" name="username" autocomplete="username" value="${user.username}" hidden>
<label for="current">${t(lang, 'account.password.current')}</label>
<input type="password" id="current" name="current" autocomplete="current-password" required${options.currentWrong ? html` aria-invalid="true" aria-describedby="error"` : ''}>
${passwordFields(lang, rules, { refusal: options.refusal, namesCheckedLive: true })}
<button type="submit">${t(lang, 'account.password.save')}</button>
</form>
<form method="post" action="/signout">${csrfField(ctx)}<button type="submit" class="secondary">${t(lang, 'account.signout')}</button></form>
${scriptTag('password-feedback.js')}`, { ...(options.status ? { status: options.status } : {}), ...(error ? { error } : {}) });
  };

  app.get('/account', async (request, reply) => {
    const user = await services.signIn.current(cookieOf(request, kit.policy, 'session'));
    if (!user) return kit.redirect(reply, '/signin');
    return accountPage(request, reply, user);
  });

  app.post('/account/password', { config: { rateLimit } }, async (request, reply) => {
    kit.checkCsrf(request);
    const session = await services.signIn.session(cookieOf(request, kit.policy, 'session'));
    if (!session) return kit.redirect(reply, '/signin');
    const { user } = session;
    const lang = request.ctx.lang;
    const password = formField(request.body, 'password');
    if (password !== formField(request.body, 'confirm')) return accountPage(request, reply, user, { status: 400, refusal: { kind: 'mismatch', reasons: [] } });
    try {
      const act = { origin: 'change', currentPassword: formField(request.body, 'current'), password, keepSession: session.digest } as const;
      await services.setPassword.run(user, act, { request: request.ctx });
    } catch (error) {
      // Policy and directory refusals are the user's to fix: show them on the same page.
      const refusal = refusalOf(error);
      if (refusal) return accountPage(request, reply, user, { status: 400, refusal });
      if (error instanceof SsprError && error.status < 500) {
        return accountPage(request, reply, user, { status: error.status, error: error.messageIn(lang), currentWrong: error.code === 'writeback-wrong-old-password' });
      }
      throw error;
    }
    return accountPage(request, reply, user, { notice: t(lang, 'account.password.changed') });
  });

  app.post('/signout', async (request, reply) => {
    kit.checkCsrf(request);
    await services.signIn.signOut(cookieOf(request, kit.policy, 'session'));
    kit.setCookie(reply, 'session', '', 0);
    return kit.redirect(reply, '/');
  });
}
