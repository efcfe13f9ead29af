import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../app/services.js';
import { formField as field, type PageKit } from './page-kit.js';
import type { RouteRateLimit } from '../route-rate-limit.js';
import type { DirectoryUser } from '../../directory/directory.js';
import { csrfField } from './layout.js';
import { scriptTag } from '../assets.js';
import { html, raw, type SafeHtml } from '../html.js';
import { t, type TextKey } from './ui-text.js';
import { cookieOf } from '../request-context.js';
import { SsprError } from '../../errors/sspr-error.js';
import { questionText } from '../../methods/questions/predefined-questions.js';
import type { PageContext } from './layout.js';
import type { Lang } from '../../i18n/lang.js';
import { methodTypes, type MethodType } from '../../methods/index.js';
import { passkeyTexts, x } from './experience-text.js';

/** What the enrolment steps show that these pages render. */
const hintShown = z.object({ hint: z.string() });
const totpShown = z.object({ secret: z.string(), qrSvg: z.string() });
const codesShown = z.object({ codes: z.array(z.string()) });


/**
 * "Security info" pages for the signed-in user: list, add (each with proof of possession), remove,
 * re-confirm. Every form posts with the CSRF token; passkeys need JavaScript (WebAuthn), the rest does not.
 */
export async function securityInfoPages(app: FastifyInstance, services: Services, kit: PageKit, rateLimit: RouteRateLimit): Promise<void> {
  const info = services.securityInfo;
  const limited = { config: { rateLimit } };

  const signedIn = async (request: FastifyRequest): Promise<DirectoryUser | null> => services.signIn.current(cookieOf(request, kit.policy, 'session'));

  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: (ctx: PageContext) => SafeHtml, options: { status?: number; error?: string } = {}) =>
    kit.render(request, reply, title, body, options);

  const dateIn = (lang: Lang, iso: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(iso));
  const typeName = (lang: Lang, type: MethodType) => t(lang, `method.${type}` as TextKey);

  const overviewPage = async (request: FastifyRequest, reply: FastifyReply, user: DirectoryUser, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    const overview = await info.overview(user);
    return page(request, reply, t(lang, 'security.title'), (ctx) => html`
<p>${x(lang, 'security.progress', { required: overview.required, count: overview.registeredTypes })}</p>
${overview.reregistrationDue ? html`<p class="error" id="reregister-due">${t(lang, 'security.reregister.due')}</p>` : !overview.complete ? html`<p class="error">${t(lang, 'security.incomplete')}</p>` : ''}
${overview.reconfirmDue ? html`<p class="error">${t(lang, 'security.reconfirm.due')}</p><form method="post" action="/account/security/reconfirm">${csrfField(ctx)}<button type="submit">${t(lang, 'security.reconfirm')}</button></form>` : ''}
<h2>${x(lang, 'security.registered')}</h2>
${overview.methods.length === 0 ? html`<p>${t(lang, 'security.none')}</p>` : ''}
<ul class="methods-list" id="methods">
${overview.methods.map((m) => {
  const name = `${typeName(lang, m.type)}: ${m.label}`;
  return html`<li data-type="${m.type}"><strong>${typeName(lang, m.type)}</strong> <span class="detail">${m.label}</span>
${m.fromDirectory
    ? html`<p class="meta">${t(lang, 'security.fromDirectory')}</p>`
    : html`<p class="meta">${x(lang, 'security.added', { date: dateIn(lang, m.confirmedAt || m.createdAt) })} · ${m.lastUsedAt ? x(lang, 'security.lastUsed', { date: dateIn(lang, m.lastUsedAt) }) : x(lang, 'security.notUsed')}</p>
<form method="post" action="/account/security/remove">${csrfField(ctx)}<input type="hidden" name="id" value="${m.id}"><button type="submit" class="secondary small" aria-label="${x(lang, 'security.removeNamed', { method: name })}">${t(lang, 'security.remove')}</button></form>`}</li>`;
})}
</ul>
${overview.allowed.length > 0 ? html`<p><a class="button" href="/account/security/add">${x(lang, 'security.addMethod')}</a></p>` : ''}
<p><a href="/account">${t(lang, 'account.title')}</a></p>`, options);
  };

  /** The one entry to adding: the method types this user may add and this service can deliver, one link each. */
  const addListPage = async (request: FastifyRequest, reply: FastifyReply, user: DirectoryUser) => {
    const lang = request.ctx.lang;
    const overview = await info.overview(user);
    return page(request, reply, x(lang, 'security.add.title'), () => html`<p>${x(lang, 'security.add.intro')}</p>
<ul class="methods-list" id="add-methods">${overview.allowed.map((type) => html`<li><a href="/account/security/add/${type}">${x(lang, `security.add.${type}`)}</a></li>`)}</ul>
<p><a href="/account/security">${t(lang, 'security.back')}</a></p>`);
  };

  /** One small page per method type: what it is and the form that begins its enrolment. */
  const addPage = async (request: FastifyRequest, reply: FastifyReply, user: DirectoryUser, type: MethodType, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    const overview = await info.overview(user);
    if (!overview.allowed.includes(type)) return kit.redirect(reply, '/account/security/add');
    const invalid = options.error !== undefined;
    const invalidAttrs = invalid ? html` aria-invalid="true" aria-describedby="error"` : '';
    const body = async (ctx: PageContext): Promise<SafeHtml> => {
      switch (type) {
        case 'email':
          return html`<form method="post" action="/account/security/email">${csrfField(ctx)}<label for="address">${t(lang, 'security.email.label')}</label><input type="email" id="address" name="address" required maxlength="254" autocomplete="email"${invalidAttrs} autofocus><button type="submit">${t(lang, 'security.send')}</button></form>`;
        case 'sms':
          return html`<form method="post" action="/account/security/sms">${csrfField(ctx)}<label for="phone">${t(lang, 'security.sms.label')}</label><input type="tel" id="phone" name="phone" required maxlength="40" autocomplete="tel"${invalidAttrs} autofocus><button type="submit">${t(lang, 'security.send')}</button></form>`;
        case 'totp':
          return html`<p>${x(lang, 'security.totp.intro')}</p><form method="post" action="/account/security/totp">${csrfField(ctx)}<button type="submit">${t(lang, 'security.totp.start')}</button></form>`;
        case 'questions': {
          const choices = await info.questionChoices();
          return html`<form method="post" action="/account/security/questions" id="questions-form">${csrfField(ctx)}
<p>${t(lang, 'security.questions.intro', { count: choices.register })}</p>
${Array.from({ length: choices.register }, (_, i) => html`<label for="q${i}">${t(lang, 'security.questions.question', { n: i + 1 })}</label>
<select id="q${i}" name="q${i}" required>${choices.questions.map((q, j) => html`<option value="${q.id}" ${j === i ? raw('selected') : ''}>${questionText(q, lang)}</option>`)}</select>
<label for="a${i}">${t(lang, 'security.questions.answer', { n: i + 1 })}</label><input type="text" id="a${i}" name="a${i}" required maxlength="40" autocomplete="off"${invalidAttrs}>`)}
<button type="submit">${t(lang, 'security.questions.save')}</button></form>`;
        }
        case 'recovery-codes': {
          const has = overview.methods.some((m) => m.type === 'recovery-codes');
          return html`<p>${x(lang, has ? 'security.recovery.exists' : 'security.recovery.none')}</p><form method="post" action="/account/security/recovery-codes">${csrfField(ctx)}<button type="submit">${x(lang, has ? 'security.recovery.replace' : 'security.recovery.create')}</button></form>`;
        }
        case 'passkey':
          return html`<p>${x(lang, 'security.passkey.intro')}</p><p><button type="button" id="add-passkey" data-passkey-register-url="/api/v1/me/methods/passkey/options" data-passkey-register-verify-url="/api/v1/me/methods/passkey" data-csrf="${ctx.csrfToken}"${passkeyTexts(lang)}>${t(lang, 'security.passkey.add')}</button></p>${scriptTag('passkey.js')}`;
      }
    };
    const ctx = kit.context(request);
    const content = await body(ctx);
    return page(request, reply, x(lang, `security.page.${type}`), () => html`${content}
<p><a href="/account/security/add">${x(lang, 'security.addMethod')}</a> · <a href="/account/security">${t(lang, 'security.back')}</a></p>`, options);
  };

  /** Runs a form action; a user-facing refusal re-renders the page the form was on, with the reason. */
  const act = async (request: FastifyRequest, reply: FastifyReply, work: (user: DirectoryUser) => Promise<unknown>, from?: MethodType) => {
    kit.checkCsrf(request);
    const user = await signedIn(request);
    if (!user) return kit.redirect(reply, '/signin');
    try {
      return await work(user);
    } catch (error) {
      if (error instanceof SsprError && error.expose && error.code !== 'csrf-invalid') {
        const shown = { status: error.status, error: error.messageIn(request.ctx.lang) };
        return from ? addPage(request, reply, user, from, shown) : overviewPage(request, reply, user, shown);
      }
      throw error;
    }
  };

  const confirmPage = (request: FastifyRequest, reply: FastifyReply, type: 'email' | 'sms' | 'totp', intro: SafeHtml, options: { status?: number; error?: string } = {}) => {
    const lang = request.ctx.lang;
    const invalid = options.error !== undefined;
    return page(request, reply, t(lang, 'security.confirm.title'), (ctx) => html`${intro}
<form method="post" action="/account/security/${type}/confirm">${csrfField(ctx)}
<label for="code">${t(lang, 'reset.code.label')}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="16"${invalid ? html` aria-invalid="true" aria-describedby="error"` : ''} autofocus>
${type === 'totp' ? html`<label for="label">${t(lang, 'security.totp.name')}</label><input type="text" id="label" name="label" maxlength="60">` : ''}
<button type="submit">${t(lang, 'security.confirm')}</button></form>
<p><a href="/account/security">${t(lang, 'security.back')}</a></p>`, options);
  };

  app.get('/account/security/add', async (request, reply) => {
    const user = await signedIn(request);
    if (!user) return kit.redirect(reply, '/signin');
    return addListPage(request, reply, user);
  });

  app.get<{ Params: { type: string } }>('/account/security/add/:type', async (request, reply) => {
    const user = await signedIn(request);
    if (!user) return kit.redirect(reply, '/signin');
    const type = methodTypes.find((known) => known === request.params.type);
    if (!type) throw new SsprError('not-found');
    return addPage(request, reply, user, type);
  });

  app.get('/account/security', async (request, reply) => {
    const user = await signedIn(request);
    if (!user) return kit.redirect(reply, '/signin');
    return overviewPage(request, reply, user);
  });

  for (const type of ['email', 'sms'] as const) {
    app.post(`/account/security/${type}`, limited, async (request, reply) =>
      act(request, reply, async (user) => {
        const input = type === 'email' ? { address: field(request.body, 'address') } : { phone: field(request.body, 'phone') };
        const { hint } = hintShown.parse((await info.begin(user, type, input, request.ctx)).show);
        return confirmPage(request, reply, type, html`<p>${t(request.ctx.lang, 'security.confirm.text', { hint })}</p>`);
      }, type),
    );
  }

  app.post('/account/security/totp', limited, async (request, reply) =>
    act(request, reply, async (user) => {
      const lang = request.ctx.lang;
      const enrolment = totpShown.parse((await info.begin(user, 'totp', {}, request.ctx)).show);
      const qr = `data:image/svg+xml;base64,${Buffer.from(enrolment.qrSvg).toString('base64')}`;
      return confirmPage(request, reply, 'totp', html`<p>${t(lang, 'security.totp.scan')}</p>
<p><img src="${qr}" alt="${x(lang, 'totp.qrAlt')}" width="220" height="220"></p>
<p>${t(lang, 'security.totp.key')}: <code id="totp-secret">${enrolment.secret}</code></p>`);
    }, 'totp'),
  );

  for (const type of ['email', 'sms', 'totp'] as const) {
    app.post(`/account/security/${type}/confirm`, limited, async (request, reply) => {
      kit.checkCsrf(request);
      const user = await signedIn(request);
      if (!user) return kit.redirect(reply, '/signin');
      try {
        const code = field(request.body, 'code');
        await info.confirm(user, type, type === 'totp' ? { code, label: field(request.body, 'label') } : { code }, request.ctx);
        return kit.redirect(reply, '/account/security');
      } catch (error) {
        if (error instanceof SsprError && (error.code === 'code-wrong' || error.code === 'totp-wrong' || error.code === 'code-malformed')) {
          return confirmPage(request, reply, type, html``, { status: error.status, error: error.messageIn(request.ctx.lang) });
        }
        if (error instanceof SsprError && error.expose) return overviewPage(request, reply, user, { status: error.status, error: error.messageIn(request.ctx.lang) });
        throw error;
      }
    });
  }

  app.post('/account/security/questions', limited, async (request, reply) =>
    act(request, reply, async (user) => {
      const answers = [0, 1, 2, 3, 4]
        .map((i) => ({ questionId: field(request.body, `q${i}`), answer: field(request.body, `a${i}`) }))
        .filter((a) => a.questionId !== '');
      await info.begin(user, 'questions', { answers }, request.ctx);
      return kit.redirect(reply, '/account/security');
    }, 'questions'),
  );

  app.post('/account/security/recovery-codes', limited, async (request, reply) =>
    act(request, reply, async (user) => {
      const lang = request.ctx.lang;
      const { codes } = codesShown.parse((await info.begin(user, 'recovery-codes', {}, request.ctx)).show);
      return page(request, reply, t(lang, 'security.recovery.title'), () => html`<p>${t(lang, 'security.recovery.text')}</p>
<ol id="recovery-codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ol>
<p><a href="/account/security">${t(lang, 'security.back')}</a></p>`);
    }, 'recovery-codes'),
  );

  app.post('/account/security/remove', async (request, reply) =>
    act(request, reply, async (user) => {
      await info.remove(user, field(request.body, 'id'), request.ctx);
      return kit.redirect(reply, '/account/security');
    }),
  );

  app.post('/account/security/reconfirm', async (request, reply) =>
    act(request, reply, async (user) => {
      await info.reconfirm(user, request.ctx);
      return kit.redirect(reply, '/account');
    }),
  );
}
