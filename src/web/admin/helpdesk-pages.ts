import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from '../pages/page-kit.js';
import { formField } from '../pages/page-kit.js';
import { csrfField, type PageContext } from '../pages/layout.js';
import { html, type SafeHtml } from '../html.js';
import { message } from '../../i18n/messages.js';
import type { Lang } from '../../i18n/lang.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { MustChangeObstacle } from '../../directory/account-directory.js';
import type { CallerMethod } from '../../flows/helpdesk/caller-verification.js';
import type { HelpdeskVerification } from '../../store/helpdesk-repository.js';
import { SsprError } from '../../errors/sspr-error.js';
import { operatorTarget, requireActOnPage, requireConsolePage, type Operator } from './console-access.js';
import { accountSourceLabel, renderConsole } from './console-layout.js';
import { clockLabel } from './time-label.js';

type Params = { Params: { username: string } };

function methodLabel(lang: Lang, method: CallerMethod): string {
  if (method.type === 'totp') return message(lang, 'helpdesk.method.totp', { label: method.hint });
  return message(lang, method.type === 'email' ? 'helpdesk.method.email' : 'helpdesk.method.sms', { target: method.hint });
}

/** What the page shows after a reset or unlock (rendered in the POST's answer: a temporary password is shown once). */
type Outcome = { kind: 'reset'; temporaryPassword: string | null; mustChange: boolean; notified: boolean } | { kind: 'unlock'; notified: boolean };

interface View {
  user: DirectoryUser;
  methods: CallerMethod[];
  window: HelpdeskVerification | null;
  /** The verification in progress (from `?v=`), if it is this operator's, live and not yet passed. */
  pending: { id: string; method: CallerMethod } | null;
  /** Null when the reset can require a change at next sign-in, else why not (the option is then disabled). */
  mustChangeObstacle: MustChangeObstacle | null;
  outcome?: Outcome;
  /** The reason typed before an error, shown again. */
  reason?: string;
}

function accountPart(lang: Lang, user: DirectoryUser): SafeHtml {
  const yesNo = (value: boolean) => message(lang, value ? 'helpdesk.yes' : 'helpdesk.no');
  return html`<section aria-labelledby="hd-account"><h2 id="hd-account">${message(lang, 'helpdesk.user.heading')}</h2>
<dl class="hd-account">
<dt>${message(lang, 'helpdesk.user.name')}</dt><dd>${user.displayName || user.username}</dd>
<dt>${message(lang, 'helpdesk.user.source')}</dt><dd>${accountSourceLabel(lang, user.source)}</dd>
<dt>${message(lang, 'helpdesk.user.admin')}</dt><dd>${yesNo(user.isAdmin)}</dd>
<dt>${message(lang, 'helpdesk.user.enabled')}</dt><dd>${yesNo(user.enabled)}</dd>
</dl></section>`;
}

function verifyPart(page: PageContext, path: string, view: View): SafeHtml {
  const { lang } = page;
  const heading = html`<h2 id="hd-verify">${message(lang, 'helpdesk.verify.heading')}</h2>`;
  if (view.window) {
    return html`<section aria-labelledby="hd-verify">${heading}<p class="notice" id="hd-verified">${message(lang, 'helpdesk.verify.passed', { until: clockLabel(view.window.grantUntil ?? 0, lang) })}</p></section>`;
  }
  if (view.pending) {
    const { id, method } = view.pending;
    const said = method.type === 'totp' ? message(lang, 'helpdesk.verify.totp', { label: method.hint }) : message(lang, 'helpdesk.verify.sent', { target: method.hint });
    const resend = method.type === 'totp'
      ? ''
      : html`<form method="post" action="${path}/resend">${csrfField(page)}<input type="hidden" name="v" value="${id}"><button type="submit" class="secondary">${message(lang, 'helpdesk.verify.resend')}</button></form>`;
    return html`<section aria-labelledby="hd-verify">${heading}<p id="hd-pending">${said}</p>
<form method="post" action="${path}/check">${csrfField(page)}<input type="hidden" name="v" value="${id}">
<label for="hd-code">${message(lang, 'helpdesk.verify.code')}</label>
<input type="text" id="hd-code" name="code" inputmode="numeric" autocomplete="off" maxlength="12" required>
<button type="submit">${message(lang, 'helpdesk.verify.check')}</button></form>
${resend}<p><a href="${path}">${message(lang, 'helpdesk.verify.other')}</a></p></section>`;
  }
  if (view.methods.length === 0) {
    return html`<section aria-labelledby="hd-verify">${heading}<p id="hd-no-method">${message(lang, 'helpdesk.verify.none')}</p>
<h3>${message(lang, 'helpdesk.reason.heading')}</h3>
<form method="post" action="${path}/reason">${csrfField(page)}
<label for="hd-reason">${message(lang, 'helpdesk.reason.label')}</label>
<textarea id="hd-reason" name="reason" rows="3" maxlength="500" minlength="10" required>${view.reason ?? ''}</textarea>
<button type="submit">${message(lang, 'helpdesk.reason.submit')}</button></form></section>`;
  }
  const choices = view.methods.map(
    (method, index) => html`<li><input type="radio" name="method" id="hd-m-${index}" value="${method.id}"${index === 0 ? html` checked` : ''}><label for="hd-m-${index}">${methodLabel(lang, method)}</label></li>`,
  );
  return html`<section aria-labelledby="hd-verify">${heading}
<form method="post" action="${path}/start">${csrfField(page)}
<fieldset class="hd-methods"><legend>${message(lang, 'helpdesk.verify.method')}</legend><ul>${choices}</ul></fieldset>
<button type="submit">${message(lang, 'helpdesk.verify.send')}</button></form></section>`;
}

function actPart(page: PageContext, path: string, view: View): SafeHtml {
  const { lang } = page;
  const enabled = view.window !== null;
  const disabled = enabled ? '' : html` disabled`;
  const mustChange = mustChangePart(lang, view.mustChangeObstacle, disabled);
  return html`<section aria-labelledby="hd-act"><h2 id="hd-act">${message(lang, 'helpdesk.act.heading')}</h2>
${enabled ? '' : html`<p class="help" id="hd-locked">${message(lang, 'helpdesk.act.locked')}</p>`}
<form method="post" action="${path}/reset">${csrfField(page)}
<label for="hd-password">${message(lang, 'helpdesk.act.password')}</label>
<input type="password" id="hd-password" name="password" autocomplete="new-password" maxlength="256"${disabled}>
${mustChange}
<button type="submit" id="hd-reset"${disabled}>${message(lang, 'helpdesk.act.reset')}</button></form>
<form method="post" action="${path}/unlock">${csrfField(page)}<button type="submit" id="hd-unlock" class="secondary"${disabled}>${message(lang, 'helpdesk.act.unlock')}</button></form>
</section>`;
}

/**
 * The "must change at next sign-in" option: ticked by default where the directory can carry it; for accounts of a
 * directory whose agents are too old it is shown disabled with the sentence why (so the operator knows before
 * acting); cloud-only accounts have no such flag and get the sentence only.
 */
function mustChangePart(lang: Lang, obstacle: MustChangeObstacle | null, disabled: SafeHtml | ''): SafeHtml {
  const label = html`<label for="hd-must-change" class="inline-label">${message(lang, 'helpdesk.act.must-change')}</label>`;
  if (obstacle === null) return html`<p><input type="checkbox" id="hd-must-change" name="mustChange" value="1" checked${disabled}>${label}</p>`;
  if (obstacle === 'cloudOnly') return html`<p class="help">${message(lang, 'helpdesk.act.must-change-unsupported')}</p>`;
  return html`<p><input type="checkbox" id="hd-must-change" disabled aria-describedby="hd-must-change-why">${label}</p>
<p class="help" id="hd-must-change-why">${message(lang, 'helpdesk.act.must-change-agent-too-old')}</p>`;
}

function outcomePart(lang: Lang, outcome: Outcome): SafeHtml {
  const notified = outcome.notified ? html`<p>${message(lang, 'helpdesk.done.notified')}</p>` : '';
  if (outcome.kind === 'unlock') return html`<div class="notice" id="hd-done" role="status"><p>${message(lang, 'helpdesk.done.unlock')}</p>${notified}</div>`;
  const password = outcome.temporaryPassword
    ? html`<p>${message(lang, 'helpdesk.done.reset')}</p><p><code class="hd-temp" id="hd-temporary">${outcome.temporaryPassword}</code></p>`
    : html`<p>${message(lang, 'helpdesk.done.reset-typed')}</p>`;
  return html`<div class="notice" id="hd-done" role="status">${password}${outcome.mustChange ? html`<p>${message(lang, 'helpdesk.done.must-change')}</p>` : ''}${notified}</div>`;
}

/**
 * `/admin/helpdesk/{username}` (need `helpdesk`): verify the caller, then reset or unlock. No JavaScript: every
 * step is a form (POST, then a redirect back; the verification in progress rides in `?v=`, which is useless to
 * anyone but the operator who began it). A reset answers its POST with the page itself, so the temporary password
 * is shown once and never lands in a URL or the history. A refused step shows the page again with the reason.
 */
export async function helpdeskPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  const pathOf = (user: DirectoryUser) => `/admin/helpdesk/${encodeURIComponent(user.username)}`;

  async function viewOf(operator: Operator, user: DirectoryUser, pendingId: string): Promise<View> {
    const methods = await services.helpdesk.methodsFor(user);
    const window = await services.helpdesk.window(operator, user);
    const verification = pendingId && !window ? await services.helpdesk.pending(operator, user, pendingId) : null;
    const method = verification ? methods.find((m) => m.id === verification.registrationId) : undefined;
    return { user, methods, window, pending: verification && method ? { id: verification.id, method } : null, mustChangeObstacle: await services.directory.mustChangeObstacle(user) };
  }

  function show(request: FastifyRequest, reply: FastifyReply, operator: Operator, view: View, options: { status?: number; error?: string } = {}) {
    const lang = request.ctx.lang;
    const path = pathOf(view.user);
    reply.header('cache-control', 'no-store');
    return renderConsole(kit, request, reply, operator, 'users', message(lang, 'helpdesk.title', { username: view.user.username }), (page) => html`<div class="hd">
${view.outcome ? outcomePart(lang, view.outcome) : ''}
<p>${message(lang, 'helpdesk.intro', { username: view.user.username })}</p>
${accountPart(lang, view.user)}
${verifyPart(page, path, view)}
${actPart(page, path, view)}
</div>`, options);
  }

  /** Runs a step; a refusal (4xx) shows the page again with its sentence, anything else goes to the error page. */
  async function step(request: FastifyRequest<Params>, reply: FastifyReply, run: (operator: Operator, user: DirectoryUser) => Promise<{ redirect: string } | { outcome: Outcome }>, acts = false) {
    const operator = await requireConsolePage(services, kit, request, reply, 'helpdesk');
    if (!operator) return reply;
    kit.checkCsrf(request);
    const back = `/admin/helpdesk/${encodeURIComponent(request.params.username)}`;
    // Resetting and unlocking change the account: they need a fresh proof too; the verification steps do not.
    const user = acts ? await requireActOnPage(services, kit, reply, operator, request.params.username, back) : await operatorTarget(services, operator, request.params.username);
    if (!user) return reply;
    const pendingId = formField(request.body, 'v').slice(0, 64);
    try {
      const result = await run(operator, user);
      if ('redirect' in result) return kit.redirect(reply, result.redirect);
      return show(request, reply, operator, { ...(await viewOf(operator, user, '')), outcome: result.outcome });
    } catch (error) {
      if (!(error instanceof SsprError) || error.status >= 500) throw error;
      const view = await viewOf(operator, user, error.code === 'helpdesk-verification-void' ? '' : pendingId);
      return show(request, reply, operator, { ...view, reason: formField(request.body, 'reason') }, { status: error.status, error: error.messageIn(request.ctx.lang) });
    }
  }

  app.get<Params>('/admin/helpdesk/:username', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'helpdesk');
    if (!operator) return reply;
    const user = await operatorTarget(services, operator, request.params.username);
    const pendingId = String((request.query as Record<string, unknown> | undefined)?.v ?? '').slice(0, 64);
    return show(request, reply, operator, await viewOf(operator, user, pendingId));
  });

  app.post<Params>('/admin/helpdesk/:username/start', (request, reply) =>
    step(request, reply, async (operator, user) => {
      const { id } = await services.helpdesk.start(operator, user, formField(request.body, 'method').slice(0, 64), request.ctx);
      return { redirect: `${pathOf(user)}?v=${encodeURIComponent(id)}` };
    }),
  );

  app.post<Params>('/admin/helpdesk/:username/resend', (request, reply) =>
    step(request, reply, async (operator, user) => {
      const id = formField(request.body, 'v').slice(0, 64);
      await services.helpdesk.resend(operator, user, id, request.ctx);
      return { redirect: `${pathOf(user)}?v=${encodeURIComponent(id)}` };
    }),
  );

  app.post<Params>('/admin/helpdesk/:username/check', (request, reply) =>
    step(request, reply, async (operator, user) => {
      await services.helpdesk.check(operator, user, formField(request.body, 'v').slice(0, 64), formField(request.body, 'code').slice(0, 32), request.ctx);
      return { redirect: pathOf(user) };
    }),
  );

  app.post<Params>('/admin/helpdesk/:username/reason', (request, reply) =>
    step(request, reply, async (operator, user) => {
      await services.helpdesk.recordReason(operator, user, formField(request.body, 'reason').slice(0, 2000), request.ctx);
      return { redirect: pathOf(user) };
    }),
  );

  app.post<Params>('/admin/helpdesk/:username/reset', (request, reply) =>
    step(request, reply, async (operator, user) => {
      const password = formField(request.body, 'password').slice(0, 4096);
      const done = await services.helpdesk.reset(operator, user, { password, mustChange: formField(request.body, 'mustChange') === '1' }, request.ctx);
      return { outcome: { kind: 'reset', ...done, notified: user.email !== null } };
    }, true),
  );

  app.post<Params>('/admin/helpdesk/:username/unlock', (request, reply) =>
    step(request, reply, async (operator, user) => {
      await services.helpdesk.unlock(operator, user, request.ctx);
      return { outcome: { kind: 'unlock', notified: user.email !== null } };
    }, true),
  );
}
