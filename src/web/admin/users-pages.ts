import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from '../pages/page-kit.js';
import { csrfField, type PageContext } from '../pages/layout.js';
import { html, type SafeHtml } from '../html.js';
import { message } from '../../i18n/messages.js';
import type { Lang } from '../../i18n/lang.js';
import { parseBody } from '../api/validate.js';
import { listableBy, operatorTarget, requireActOnPage, requireConsolePage, type SessionOperator } from './console-access.js';
import { accountSourceLabel, renderConsole } from './console-layout.js';
import { ConsoleUsers, type ConsoleUser } from '../../admin/console-users.js';
import { decodeUserCursor, encodeUserCursor } from '../../admin/console-audit.js';
import { consoleMethodParamsSchema, consoleUserParamsSchema, consoleUsersQuerySchema } from '../api/admin/console-schemas.js';
import { timeLabel } from './time-label.js';
import { auditTable } from './audit-pages.js';
import { consoleTable } from './console-table.js';
import { reasonText } from './audit-labels-html.js';
import { auditValueLabel, auditValuesLabel } from '../../audit/audit-labels.js';
import type { FreezeRecord } from '../../store/integrity-repository.js';
import type { DirectoryUser } from '../../directory/directory.js';
import type { HelpdeskVerification } from '../../store/helpdesk-repository.js';
import { SsprError } from '../../errors/sspr-error.js';
import { formField } from '../pages/page-kit.js';
import { checkNameHtml } from '../pages/admin-doctor-pages.js';
import { dt } from '../../doctor/format-report.js';

const userPath = (username: string) => `/admin/users/${encodeURIComponent(username)}`;
const actorOf = (label: string, request: FastifyRequest) => ({ label, ip: request.ctx.ip, userAgent: request.ctx.userAgent });


function userState(lang: Lang, user: { enabled: boolean; isAdmin?: boolean; roles?: string[] }): string {
  const parts = [message(lang, user.enabled ? 'console-users.state.enabled' : 'console-users.state.disabled')];
  if (user.isAdmin || user.roles?.includes('administrator')) parts.push(message(lang, 'console-users.state.admin'));
  return parts.join(', ');
}

function profile(user: ConsoleUser, lang: Lang): SafeHtml {
  const none = message(lang, 'console-users.profile.none');
  const row = (key: Parameters<typeof message>[1], value: string | SafeHtml) => html`<dt>${message(lang, key as 'console-users.profile.none')}</dt><dd>${value}</dd>`;
  return html`<section aria-labelledby="profile-heading"><h2 id="profile-heading">${message(lang, 'console-users.profile.heading')}</h2><dl class="profile">
${row('console-users.profile.displayName', user.displayName)}
${row('console-users.profile.name', [user.firstName, user.lastName].filter(Boolean).join(' ') || none)}
${row('console-users.profile.email', user.email ?? none)}
${row('console-users.profile.mobile', user.mobile ?? none)}
${row('console-users.profile.account', accountSourceLabel(lang, user.source))}
${row('console-users.profile.state', userState(lang, user))}
${row('console-users.profile.roles', auditValuesLabel(lang, 'role', user.roles) || none)}
${row('console-users.profile.created', timeLabel(user.createdAt, lang))}
${row('console-users.profile.passwordChanged', user.passwordChangedAt ? timeLabel(user.passwordChangedAt, lang) : none)}
${row('console-users.profile.groups', user.groups.join(', ') || none)}
${row('console-users.profile.licences', user.licences.join(', ') || none)}
</dl></section>`;
}

/** A method type in words (as audit details name it), or as stored. */
const methodName = (lang: Lang, type: string) => auditValueLabel(lang, 'method', type) ?? type;

function methods(user: ConsoleUser, page: PageContext, contactCounts: boolean): SafeHtml {
  const { lang } = page;
  const never = message(lang, 'console-users.methods.never');
  const body = user.methods.length
    ? consoleTable({
        id: 'methods',
        columns: [
          { label: message(lang, 'console-users.methods.type'), rowHeader: true, cell: (m) => methodName(lang, m.type) },
          { label: message(lang, 'console-users.methods.added'), cell: (m) => timeLabel(m.createdAt, lang) },
          { label: message(lang, 'console-users.methods.confirmed'), cell: (m) => timeLabel(m.confirmedAt, lang) },
          { label: message(lang, 'console-users.methods.lastUsed'), cell: (m) => (m.lastUsedAt ? timeLabel(m.lastUsedAt, lang) : never) },
          {
            label: message(lang, 'console-users.methods.remove'),
            hideLabel: true,
            cell: (m) => html`<form method="post" action="${userPath(user.username)}/methods/${encodeURIComponent(m.id)}/remove">${csrfField(page)}<button type="submit" class="secondary small" aria-label="${message(lang, 'console-users.methods.removeLabel', { type: methodName(lang, m.type), added: timeLabel(m.createdAt, lang) })}">${message(lang, 'console-users.methods.remove')}</button></form>`,
          },
        ],
        rows: user.methods,
      })
    : html`<p>${message(lang, 'console-users.methods.none')}</p>`;
  const contact = contactCounts && (user.email || user.mobile) ? html`<p class="help" id="methods-contact">${message(lang, 'console-users.methods.contactCounts')}</p>` : '';
  return html`<section aria-labelledby="methods-heading"><h2 id="methods-heading">${message(lang, 'console-users.methods.heading')}</h2>${body}${contact}${reregistration(user, page)}</section>`;
}

/** "Require re-registration": a standing request, or the form (a required confirmation: it removes every method). */
function reregistration(user: ConsoleUser, page: PageContext): SafeHtml {
  const { lang } = page;
  const pending = user.reregistrationSince === null ? '' : html`<p class="notice" id="reregister-pending">${message(lang, 'console-users.reregister.pending', { at: timeLabel(user.reregistrationSince, lang) })}</p>`;
  return html`<h3 id="reregister-heading">${message(lang, 'console-users.reregister.heading')}</h3>${pending}
<p class="help" id="reregister-help">${message(lang, 'console-users.reregister.help')}</p>
<form method="post" action="${userPath(user.username)}/reregister" aria-labelledby="reregister-heading" aria-describedby="reregister-help">${csrfField(page)}
<p class="confirm-row"><input type="checkbox" id="reregister-confirm" name="confirm" value="1" required><label for="reregister-confirm" class="inline-label">${message(lang, 'console-users.reregister.confirm', { username: user.username })}</label></p>
<button type="submit" class="secondary" id="reregister-submit">${message(lang, 'console-users.reregister.submit')}</button></form>`;
}

/** Unlock through the helpdesk's use-case: enabled inside the operator's caller-verification window, else a way there. */
function unlock(user: ConsoleUser, page: PageContext, window: HelpdeskVerification | null): SafeHtml {
  const { lang } = page;
  if (!window) return html`<p><a id="unlock-verify" href="/admin/helpdesk/${encodeURIComponent(user.username)}">${message(lang, 'console-users.unlock.verify')}</a></p>`;
  return html`<p id="unlock-window">${message(lang, 'console-users.unlock.window', { until: timeLabel(window.grantUntil ?? 0, lang) })}</p>
<form method="post" action="${userPath(user.username)}/unlock">${csrfField(page)}<button type="submit" id="unlock-submit">${message(lang, 'console-users.unlock.submit')}</button></form>`;
}

function blocks(user: ConsoleUser, page: PageContext, window: HelpdeskVerification | null): SafeHtml {
  const { lang } = page;
  const lines: SafeHtml[] = [];
  if (user.blocks.reset) lines.push(html`<li>${message(lang, 'console-users.blocks.reset', { until: timeLabel(user.blocks.reset.until, lang), reason: reasonText(lang, user.blocks.reset.reason) })}</li>`);
  if (user.blocks.signIn) lines.push(html`<li>${message(lang, 'console-users.blocks.signIn', { until: timeLabel(user.blocks.signIn, lang) })}</li>`);
  return html`<section aria-labelledby="blocks-heading"><h2 id="blocks-heading">${message(lang, 'console-users.blocks.heading')}</h2>
${lines.length ? html`<ul id="blocks">${lines}</ul><form method="post" action="${userPath(user.username)}/unblock">${csrfField(page)}<button type="submit">${message(lang, 'console-users.blocks.lift')}</button></form>` : html`<p id="blocks">${message(lang, 'console-users.blocks.none')}</p>`}
<p class="help">${message(lang, 'console-users.blocks.lockout')}</p>${unlock(user, page, window)}</section>`;
}

function doctor(user: ConsoleUser, lang: Lang): SafeHtml {
  const shown = user.doctor.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip');
  return html`<section aria-labelledby="doctor-heading"><h2 id="doctor-heading">${message(lang, 'console-users.doctor.heading')}</h2>
<p id="doctor-verdict" class="${user.doctor.canReset ? 'notice' : 'error'}">${message(lang, 'console-users.doctor.canReset', { can: user.doctor.canReset ? 'yes' : 'other', username: user.username })}</p>
${shown.length
    ? consoleTable({
        id: 'doctor-checks',
        columns: [
          { label: message(lang, 'console-users.doctor.check'), rowHeader: true, cell: (c) => html`<a href="/admin/doctor?user=${encodeURIComponent(user.username)}#check-${c.id}">${checkNameHtml(lang, c.id)}</a>` },
          { label: message(lang, 'console-users.doctor.result'), cell: (c) => dt(lang, `result.${c.status}`) },
          { label: message(lang, 'console-users.doctor.finding'), cell: (c) => c.summary },
          { label: message(lang, 'console-users.doctor.fix'), cell: (c) => c.fix },
        ],
        rows: shown,
        rowAttributes: (c) => ({ class: `check-${c.status}` }),
      })
    : ''}</section>`;
}

function trail(user: ConsoleUser, lang: Lang): SafeHtml {
  return html`<section aria-labelledby="audit-heading"><h2 id="audit-heading">${message(lang, 'console-users.audit.heading')}</h2>
${user.audit.length ? auditTable(user.audit, lang, message(lang, 'console-users.audit.caption', { count: user.audit.length })) : html`<p>${message(lang, 'console-users.audit.none')}</p>`}
<p><a href="/admin/audit?user=${encodeURIComponent(user.username)}">${message(lang, 'console-users.audit.all', { username: user.username })}</a></p></section>`;
}

/** The "this wasn't me" freeze, when the owner reported a change: since when, and (administrators) lifting it. */
function freeze(username: string, frozen: FreezeRecord | null, page: PageContext, mayLift: boolean): SafeHtml {
  if (!frozen) return html``;
  const { lang } = page;
  return html`<section aria-labelledby="freeze-heading" id="freeze"><h2 id="freeze-heading">${message(lang, 'console-users.freeze.heading')}</h2>
<p>${message(lang, 'console-users.freeze.since', { at: timeLabel(frozen.frozenAt, lang) })}</p>
${mayLift ? html`<form method="post" action="${userPath(username)}/unfreeze">${csrfField(page)}<button type="submit">${message(lang, 'console-users.freeze.lift')}</button></form>` : ''}</section>`;
}

/** `GET /admin/users` (search, keyset paging), `GET /admin/users/:username` (the user page) and its actions. */
export async function usersPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  const users = new ConsoleUsers(services);

  app.get('/admin/users', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'account');
    if (!operator) return reply;
    const lang = request.ctx.lang;
    const query = parseBody(consoleUsersQuerySchema, request.query);
    const page = await users.find(query.query, decodeUserCursor(query.cursor), query.limit);
    const found = { users: await listableBy(services, operator, page.users), next: page.next };
    const more = (cursor: string) => `/admin/users?${new URLSearchParams({ query: query.query, cursor })}`;
    // A helpdesk operator (not an administrator) is told whose accounts the list holds.
    const scopeNote =
      operator.isAdmin || !operator.roles.includes('helpdesk')
        ? ''
        : html`<p class="help" id="helpdesk-scope">${message(lang, 'console-users.search.helpdeskScope', {
            scope: operator.helpdeskScope ? message(lang, 'console-auth.access.scope.group', { group: operator.helpdeskScope }) : message(lang, 'console-auth.access.scope.all'),
          })}</p>`;
    return renderConsole(kit, request, reply, operator, 'users', message(lang, 'console-users.title'), () => html`<form method="get" action="/admin/users" role="search" class="search"><label for="query">${message(lang, 'console-users.search.label')}</label>
<p class="help" id="query-help">${message(lang, 'console-users.search.help')}</p>
<div class="search-row"><input type="text" id="query" name="query" value="${query.query}" maxlength="256" autocomplete="off" aria-describedby="query-help"><button type="submit">${message(lang, 'console-users.search.submit')}</button></div></form>
${scopeNote}${consoleTable({
      id: 'users',
      caption: message(lang, 'console-users.list.caption', { count: found.users.length }),
      columns: [
        { label: message(lang, 'console-users.list.username'), rowHeader: true, cell: (u) => html`<a href="${userPath(u.username)}">${u.username}</a>` },
        { label: message(lang, 'console-users.list.displayName'), cell: (u) => u.displayName },
        { label: message(lang, 'console-users.list.source'), cell: (u) => accountSourceLabel(lang, u.source) },
        { label: message(lang, 'console-users.list.state'), cell: (u) => userState(lang, u) },
      ],
      rows: found.users,
    })}
<nav class="pager" aria-label="${message(lang, 'console-users.title')}">${query.cursor ? html`<a href="/admin/users?${new URLSearchParams({ query: query.query }).toString()}">${message(lang, 'console-users.list.first')}</a>` : ''}${found.next ? html`<a rel="next" href="${more(encodeUserCursor(found.next))}">${message(lang, 'console-users.list.next')}</a>` : ''}</nav>`);
  });

  app.get<{ Params: { username: string } }>('/admin/users/:username', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'account');
    if (!operator) return reply;
    const lang = request.ctx.lang;
    const { username } = parseBody(consoleUserParamsSchema, request.params);
    const target = await operatorTarget(services, operator, username);
    const user = await users.show(target.username, lang);
    const window = await services.helpdesk.window(operator, target);
    const account = await services.users.findByUsername(user.username);
    const frozen = account ? await services.integrity.freeze.freezeOf(account.id) : null;
    const contactCounts = (await services.policy.current()).contactDataCounts;
    const notice = (request.query as Record<string, unknown>).notice;
    const noticeText =
      notice === 'removed' ? message(lang, 'console-users.methods.removed', { type: methodName(lang, String((request.query as Record<string, unknown>).type ?? '').slice(0, 32)) })
      : notice === 'unblocked' || notice === 'nothing' ? message(lang, 'console-users.blocks.lifted', { lifted: notice === 'unblocked' ? 'yes' : 'other' })
      : notice === 'unfrozen' ? message(lang, 'console-users.freeze.lifted')
      : notice === 'reregistered' ? message(lang, 'console-users.reregister.done', { count: Number((request.query as Record<string, unknown>).count ?? 0) || 0, username: user.username })
      : notice === 'unconfirmed' ? message(lang, 'console-users.reregister.unconfirmed')
      : notice === 'unlocked' ? message(lang, 'console-users.unlock.done')
      : null;
    return renderConsole(kit, request, reply, operator, 'users', message(lang, 'console-users.user.title', { username: user.username }), (page) => html`<p><a href="/admin/users">← ${message(lang, 'console-users.user.back')}</a></p>
${noticeText ? html`<p class="notice" role="status">${noticeText}</p>` : ''}
${freeze(user.username, frozen, page, operator.isAdmin)}
<div class="console-columns"><div>${profile(user, lang)}${blocks(user, page, window)}</div><div>${methods(user, page, contactCounts)}${doctor(user, lang)}</div></div>
${trail(user, lang)}`);
  });

  /**
   * A change to the account from its page (need `helpdesk`): CSRF, then the one act-on gate (a fresh proof, a target
   * in the operator's scope; a stale proof goes to the step-up page and back), then the act; answers a redirect.
   */
  const act = async (request: FastifyRequest, reply: FastifyReply, run: (operator: SessionOperator, target: DirectoryUser) => Promise<string>) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'helpdesk');
    if (!operator) return reply;
    kit.checkCsrf(request);
    const { username } = parseBody(consoleUserParamsSchema, { username: (request.params as { username: string }).username });
    const target = await requireActOnPage(services, kit, reply, operator, username, userPath(username));
    if (!target) return reply;
    return kit.redirect(reply, await run(operator, target));
  };

  app.post<{ Params: { username: string; methodId: string } }>('/admin/users/:username/methods/:methodId/remove', (request, reply) =>
    act(request, reply, async (operator, { username }) => {
      const { methodId } = parseBody(consoleMethodParamsSchema, request.params);
      const { type } = await users.removeMethod(username, methodId, actorOf(operator.label, request));
      return `${userPath(username)}?${new URLSearchParams({ notice: 'removed', type })}`;
    }),
  );

  app.post<{ Params: { username: string } }>('/admin/users/:username/unblock', (request, reply) =>
    act(request, reply, async (operator, { username }) => {
      const lifted = await users.unblock(username, actorOf(operator.label, request));
      return `${userPath(username)}?notice=${lifted.resetBlock || lifted.signInBlock ? 'unblocked' : 'nothing'}`;
    }),
  );

  app.post<{ Params: { username: string } }>('/admin/users/:username/reregister', (request, reply) =>
    act(request, reply, async (operator, { username }) => {
      if (formField(request.body, 'confirm') !== '1') return `${userPath(username)}?notice=unconfirmed`;
      const { removed } = await users.requireReregistration(username, actorOf(operator.label, request), request.ctx.lang);
      return `${userPath(username)}?${new URLSearchParams({ notice: 'reregistered', count: String(removed.length) })}`;
    }),
  );

  /** Unlock is the helpdesk's act (CallerVerification.unlock: inside the caller-verification window); without one, to the helpdesk page. */
  app.post<{ Params: { username: string } }>('/admin/users/:username/unlock', (request, reply) =>
    act(request, reply, async (operator, target) => {
      const { username } = target;
      try {
        await services.helpdesk.unlock(operator, target, request.ctx);
      } catch (error) {
        if (error instanceof SsprError && error.code === 'helpdesk-not-verified') return `/admin/helpdesk/${encodeURIComponent(username)}`;
        throw error;
      }
      return `${userPath(username)}?notice=unlocked`;
    }),
  );

  app.post<{ Params: { username: string } }>('/admin/users/:username/unfreeze', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return reply;
    kit.checkCsrf(request);
    const { username } = parseBody(consoleUserParamsSchema, request.params);
    await services.integrity.freeze.unfreeze(username, operator.label, { ip: request.ip });
    return kit.redirect(reply, `${userPath(username)}?notice=unfrozen`);
  });
}
