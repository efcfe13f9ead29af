import type { RouteRateLimit } from '../route-rate-limit.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import { formField, type PageKit } from './page-kit.js';
import { csrfField } from './layout.js';
import { html } from '../html.js';
import { t } from './ui-text.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';

/** Sign-in and "My account" (profile now; security info grows here). */
export async function accountPages(app: FastifyInstance, services: Services, kit: PageKit, rateLimit: RouteRateLimit): Promise<void> {
  const signInPage = (request: FastifyRequest, reply: FastifyReply, options: { status?: number; error?: string; username?: string } = {}) => {
    const lang = request.ctx.lang;
    return kit.render(
      request,
      reply,
      t(lang, 'signin.title'),
      (ctx) => html`<form method="post" action="/signin">${csrfField(ctx)}
<label for="username">${t(lang, 'reset.username')}</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" value="${options.username ?? ''}" autofocus>
<label for="password">${t(lang, 'signin.password')}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">${t(lang, 'signin.submit')}</button>
</form>
<p><a href="/reset">${t(lang, 'signin.forgot')}</a></p>`,
      options,
    );
  };

  app.get('/signin', async (request, reply) => signInPage(request, reply));

  app.post('/signin', { config: { rateLimit } }, async (request, reply) => {
    kit.checkCsrf(request);
    const username = formField(request.body, 'username');
    const password = formField(request.body, 'password');
    try {
      const session = await services.signIn.signIn(username, password, request.ctx);
      kit.setCookie(reply, 'session', session.token, services.config.session.ttlSeconds);
      // Registration required at sign-in (policy), or methods overdue for re-confirmation: security info first.
      const [policy, overview] = await Promise.all([services.policy.current(), services.securityInfo.overview(session.user)]);
      const mustRegister = (policy.registrationRequired && !overview.complete) || overview.reconfirmDue;
      return kit.redirect(reply, mustRegister ? '/account/security' : '/account');
    } catch (error) {
      if (error instanceof SsprError && error.code === 'invalid-credentials') {
        return signInPage(request, reply, { status: 401, error: error.messageIn(request.ctx.lang), username });
      }
      throw error;
    }
  });

  app.get('/account', async (request, reply) => {
    const user = await services.signIn.current(cookieOf(request, kit.policy, 'session'));
    if (!user) return kit.redirect(reply, '/signin');
    const lang = request.ctx.lang;
    const none = html`<em>${t(lang, 'account.none')}</em>`;
    return kit.render(request, reply, t(lang, 'account.title'), (ctx) => html`<h2>${t(lang, 'account.profile')}</h2>
<dl>
<dt>${t(lang, 'account.username')}</dt><dd id="profile-username">${user.username}</dd>
<dt>${t(lang, 'account.displayName')}</dt><dd>${user.displayName}</dd>
<dt>${t(lang, 'account.email')}</dt><dd>${user.email ?? none}</dd>
<dt>${t(lang, 'account.mobile')}</dt><dd>${user.mobile ?? none}</dd>
</dl>
<h2>${t(lang, 'account.securityInfo')}</h2>
<p>${t(lang, 'account.securityInfo.text')}</p>
<p><a class="button" href="/account/security">${t(lang, 'account.securityInfo')}</a></p>
<form method="post" action="/signout">${csrfField(ctx)}<button type="submit" class="secondary">${t(lang, 'account.signout')}</button></form>`);
  });

  app.post('/signout', async (request, reply) => {
    kit.checkCsrf(request);
    await services.signIn.signOut(cookieOf(request, kit.policy, 'session'));
    kit.setCookie(reply, 'session', '', 0);
    return kit.redirect(reply, '/');
  });
}
