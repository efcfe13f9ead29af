import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from '../pages/page-kit.js';
import type { SessionOperator } from './console-access.js';
import { formField } from '../pages/page-kit.js';
import { csrfField, type PageContext } from '../pages/layout.js';
import { html, type SafeHtml } from '../html.js';
import { message } from '../../i18n/messages.js';
import { SsprError } from '../../errors/sspr-error.js';
import { requireConsolePage, requireRecentStepUp } from './console-access.js';
import { renderConsole } from './console-layout.js';
import { consoleTable } from './console-table.js';
import { changeOperatorRole, createAdminToken, revokeAdminToken, tokenView } from '../api/admin/access-api.js';
import { isUserRole } from '../../admin/roles.js';
import { adminTokenScopes, isAdminTokenScope, type AdminTokenScope } from '../../admin/admin-tokens.js';
import { licencePlans } from '../../admin/licence-assignments.js';
import { timeLabel } from './time-label.js';
import { licenceAssignmentsOf } from '../api/admin/licences-api.js';

const scopeCode = (scope: AdminTokenScope) => (scope === 'read-only' ? 'readOnly' : scope);

/** The licence assignments (take one away) and a form to assign or take away a plan for a user or a group. */
function licencesPart(page: PageContext, licences: Array<{ plan: string; principalType: 'user' | 'group'; principal: string }>): SafeHtml {
  const { lang } = page;
  const to = (a: { principalType: 'user' | 'group'; principal: string }) => message(lang, 'console-auth.access.licences.to', { type: a.principalType === 'group' ? 'group' : 'other', name: a.principal });
  return html`<h2 id="licences-heading">${message(lang, 'console-auth.access.licences')}</h2>
<p class="help" id="licences-help">${message(lang, 'console-auth.access.licences.help')}</p>
${licences.length
    ? consoleTable({
        id: 'licences',
        labelledBy: 'licences-heading',
        columns: [
          { label: message(lang, 'console-auth.access.licences.plan'), rowHeader: true, cell: (a) => a.plan },
          { label: message(lang, 'console-auth.access.licences.principal'), cell: to },
          {
            label: message(lang, 'console.directory.actions'),
            hideLabel: true,
            cell: (a) => html`<form method="post" action="/admin/access/licence" class="inline">${csrfField(page)}<input type="hidden" name="plan" value="${a.plan}"><input type="hidden" name="${a.principalType}" value="${a.principal}"><button type="submit" name="action" value="unassign" class="secondary" aria-label="${message(lang, 'console-auth.access.licences.unassignLabel', { plan: a.plan, name: to(a) })}">${message(lang, 'console-auth.access.licences.unassign')}</button></form>`,
          },
        ],
        rows: licences,
      })
    : html`<p id="licences">${message(lang, 'console-auth.access.licences.none')}</p>`}
<h3 id="licence-heading">${message(lang, 'console-auth.access.licences.title')}</h3>
<form method="post" action="/admin/access/licence" aria-labelledby="licence-heading">${csrfField(page)}
<label for="licence-plan">${message(lang, 'console-auth.access.licences.plan')}</label>
<select id="licence-plan" name="plan">${licencePlans.map((plan) => html`<option value="${plan}">${plan}</option>`)}</select>
<label for="licence-user">${message(lang, 'console-auth.access.licences.user')}</label>
<input type="text" id="licence-user" name="user" maxlength="256" autocapitalize="none" spellcheck="false">
<label for="licence-group">${message(lang, 'console-auth.access.licences.group')}</label>
<input type="text" id="licence-group" name="group" maxlength="256">
<button type="submit" name="action" value="assign">${message(lang, 'console-auth.access.licences.assign')}</button>
<button type="submit" name="action" value="unassign" class="secondary">${message(lang, 'console-auth.access.licences.unassign')}</button>
</form>`;
}

/**
 * `/admin/access` (administrators): the operators with their roles (assign, remove, limit a helpdesk grant to a
 * group), the admin API tokens (scope, created, expires, last used; create — the token is shown once — and
 * revoke) and the licence assignments (assign, take away; the use-case `sspr license` runs). Every change is a CSRF-checked POST, needs a recent step-up (else the step-up page, then back here),
 * and is audited with the operator.
 */
export async function accessPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  const assignments = licenceAssignmentsOf(services);
  const show = async (request: FastifyRequest, reply: FastifyReply, operator: SessionOperator, options: { status?: number; error?: string; notice?: string; newToken?: string } = {}) => {
    const lang = request.ctx.lang;
    const now = services.clock.now();
    const operators = await services.users.operators();
    const tokens = (await services.adminTokens.list()).map((t) => tokenView(t, now));
    const licences = await assignments.list();
    const when = (value: string | null) => (value === null ? message(lang, 'console-auth.access.token.never') : timeLabel(Date.parse(value), lang));
    const body = (page: PageContext): SafeHtml => html`${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.newToken ? html`<div class="notice" role="status"><p>${message(lang, 'console-auth.access.token.shownOnce')}</p><p><code id="new-token">${options.newToken}</code></p></div>` : ''}
<h2 id="operators-heading">${message(lang, 'console-auth.access.operators')}</h2>
${consoleTable({
      id: 'operators',
      labelledBy: 'operators-heading',
      columns: [
        { label: message(lang, 'console-auth.access.user'), rowHeader: true, cell: (o) => o.username },
        { label: message(lang, 'console-auth.access.roles'), cell: (o) => o.roles.map((role) => message(lang, 'console-auth.access.role', { role })).join(', ') },
        {
          label: message(lang, 'console-auth.access.scope'),
          cell: (o) => (o.roles.includes('helpdesk') ? (o.helpdeskScope ? message(lang, 'console-auth.access.scope.group', { group: o.helpdeskScope }) : message(lang, 'console-auth.access.scope.all')) : ''),
        },
      ],
      rows: operators,
    })}
<h3 id="role-heading">${message(lang, 'console-auth.access.assign.title')}</h3>
<form method="post" action="/admin/access/role" aria-labelledby="role-heading">${csrfField(page)}
<label for="role-username">${message(lang, 'console-auth.access.username')}</label>
<input type="text" id="role-username" name="username" required maxlength="256" autocapitalize="none" spellcheck="false">
<label for="role-role">${message(lang, 'console-auth.access.roleField')}</label>
<select id="role-role" name="role"><option value="helpdesk">${message(lang, 'console-auth.access.role', { role: 'helpdesk' })}</option><option value="administrator">${message(lang, 'console-auth.access.role', { role: 'administrator' })}</option></select>
<label for="role-scope">${message(lang, 'console-auth.access.scopeGroup')}</label>
<input type="text" id="role-scope" name="scopeGroup" maxlength="256">
<button type="submit" name="action" value="assign">${message(lang, 'console-auth.access.assign')}</button>
<button type="submit" name="action" value="remove" class="secondary">${message(lang, 'console-auth.access.remove')}</button>
</form>
<h2 id="tokens-heading">${message(lang, 'console-auth.access.tokens')}</h2>
${tokens.length === 0 ? html`<p id="tokens-none">${message(lang, 'console-auth.access.token.none')}</p>` : consoleTable({
      id: 'tokens',
      labelledBy: 'tokens-heading',
      columns: [
        { label: message(lang, 'console-auth.access.token.name'), rowHeader: true, cell: (t) => html`${t.name} <code>${t.id}</code>` },
        { label: message(lang, 'console-auth.access.token.scopeField'), cell: (t) => message(lang, 'console-auth.access.token.scope', { scope: scopeCode(t.scope) }) },
        { label: message(lang, 'console-auth.access.token.created'), cell: (t) => when(t.createdAt) },
        { label: message(lang, 'console-auth.access.token.expires'), cell: (t) => when(t.expiresAt) },
        { label: message(lang, 'console-auth.access.token.lastUsed'), cell: (t) => when(t.lastUsedAt) },
        { label: message(lang, 'console-auth.access.token.state'), cell: (t) => message(lang, t.state === 'active' ? 'console-auth.access.token.active' : t.state === 'expired' ? 'console-auth.access.token.expired' : 'console-auth.access.token.revokedAt') },
        {
          label: message(lang, 'console.directory.actions'),
          hideLabel: true,
          cell: (t) => (t.state === 'revoked' ? '' : html`<form method="post" action="/admin/access/token/revoke" class="inline">${csrfField(page)}<input type="hidden" name="id" value="${t.id}"><button type="submit" class="secondary">${message(lang, 'console-auth.access.token.revoke')}</button></form>`),
        },
      ],
      rows: tokens,
      rowAttributes: (t) => ({ id: `token-${t.id}` }),
    })}
<h3 id="token-heading">${message(lang, 'console-auth.access.token.create')}</h3>
<form method="post" action="/admin/access/token" aria-labelledby="token-heading">${csrfField(page)}
<label for="token-name">${message(lang, 'console-auth.access.token.name')}</label>
<input type="text" id="token-name" name="name" required maxlength="100">
<label for="token-scope">${message(lang, 'console-auth.access.token.scopeField')}</label>
<select id="token-scope" name="scope">${adminTokenScopes.map((scope) => html`<option value="${scope}"${scope === 'read-only' ? html` selected` : ''}>${message(lang, 'console-auth.access.token.scope', { scope: scopeCode(scope) })}</option>`)}</select>
<label for="token-days">${message(lang, 'console-auth.access.token.expiresDays')}</label>
<input type="number" id="token-days" name="expiresInDays" min="1" max="3650" inputmode="numeric">
<button type="submit">${message(lang, 'console-auth.access.token.createButton')}</button>
</form>
${licencesPart(page, licences)}`;
    reply.header('cache-control', 'no-store');
    return renderConsole(kit, request, reply, operator, 'access', message(lang, 'console-auth.access.title'), body, { ...(options.status ? { status: options.status } : {}), ...(options.error ? { error: options.error } : {}) });
  };

  /** The operator for a change: `admin`, a recent step-up (else off to the step-up page, then back: null). */
  const changer = async (request: FastifyRequest, reply: FastifyReply): Promise<SessionOperator | null> => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return null;
    kit.checkCsrf(request);
    try {
      requireRecentStepUp(services, operator);
    } catch (error) {
      if (error instanceof SsprError && error.code === 'step-up-stale') {
        await kit.redirect(reply, `/admin/step-up?fresh=1&next=${encodeURIComponent('/admin/access')}`);
        return null;
      }
      throw error;
    }
    return operator;
  };

  /** Runs a change; a refusal the operator can fix (unknown user or group, bad input) is shown on the page. */
  const attempt = async (request: FastifyRequest, reply: FastifyReply, operator: SessionOperator, change: () => Promise<{ notice?: string; newToken?: string }>) => {
    try {
      return await show(request, reply, operator, await change());
    } catch (error) {
      if (error instanceof SsprError && error.status < 500) return show(request, reply, operator, { status: error.status, error: error.messageIn(request.ctx.lang) });
      throw error;
    }
  };

  app.get('/admin/access', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return reply;
    return show(request, reply, operator);
  });

  app.post('/admin/access/role', async (request, reply) => {
    const operator = await changer(request, reply);
    if (!operator) return reply;
    const lang = request.ctx.lang;
    return attempt(request, reply, operator, async () => {
      const username = formField(request.body, 'username').trim();
      const role = formField(request.body, 'role');
      const held = formField(request.body, 'action') !== 'remove';
      if (!isUserRole(role) || username.length === 0) throw new SsprError('invalid-request', { params: { problem: 'other' } });
      const scopeGroup = formField(request.body, 'scopeGroup').trim();
      const changed = await changeOperatorRole(services, operator, username, role, held, role === 'helpdesk' && held ? scopeGroup || null : undefined);
      const roleName = message(lang, 'console-auth.access.role', { role });
      return { notice: !changed ? message(lang, 'console-auth.access.unchanged', { username }) : message(lang, held ? 'console-auth.access.assigned' : 'console-auth.access.removed', { username, role: roleName }) };
    });
  });

  app.post('/admin/access/token', async (request, reply) => {
    const operator = await changer(request, reply);
    if (!operator) return reply;
    return attempt(request, reply, operator, async () => {
      const scope = formField(request.body, 'scope');
      const name = formField(request.body, 'name').trim().slice(0, 100);
      const days = formField(request.body, 'expiresInDays').trim();
      if (!isAdminTokenScope(scope) || name.length === 0 || (days !== '' && !/^\d{1,4}$/.test(days)) || days === '0') throw new SsprError('invalid-request', { params: { problem: 'other' } });
      const created = await createAdminToken(services, operator, { name, scope, ...(days === '' ? {} : { expiresInDays: Number(days) }) });
      return { newToken: created.token };
    });
  });

  app.post('/admin/access/licence', async (request, reply) => {
    const operator = await changer(request, reply);
    if (!operator) return reply;
    const lang = request.ctx.lang;
    return attempt(request, reply, operator, async () => {
      const plan = formField(request.body, 'plan');
      const [user, group] = [formField(request.body, 'user').trim(), formField(request.body, 'group').trim()];
      const named = { ...(user ? { user } : {}), ...(group ? { group } : {}) };
      const unassign = formField(request.body, 'action') === 'unassign';
      const principal = unassign ? await assignments.unassign(plan, named, operator.label) : await assignments.assign(plan, named, operator.label);
      const name = message(lang, 'console-auth.access.licences.to', { type: principal.type === 'group' ? 'group' : 'other', name: principal.name });
      return { notice: message(lang, unassign ? 'console-auth.access.licences.unassigned' : 'console-auth.access.licences.assigned', { plan, name }) };
    });
  });

  app.post('/admin/access/token/revoke', async (request, reply) => {
    const operator = await changer(request, reply);
    if (!operator) return reply;
    return attempt(request, reply, operator, async () => {
      const id = formField(request.body, 'id');
      await revokeAdminToken(services, operator, id);
      return { notice: message(request.ctx.lang, 'console-auth.access.token.revoked', { id }) };
    });
  });
}
