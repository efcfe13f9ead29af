import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from '../pages/page-kit.js';
import { formField } from '../pages/page-kit.js';
import { csrfField, type PageContext } from '../pages/layout.js';
import { html, type SafeHtml } from '../html.js';
import type { Lang } from '../../i18n/lang.js';
import { SsprError } from '../../errors/sspr-error.js';
import { directoryStatus, type AgentView, type DirectoryStatus } from '../../admin/directory-status.js';
import { runRequestedSync } from '../../app/service-sync.js';
import { summaryLine } from '../../sync/directory-sync.js';
import { AgentEnrolment } from '../../writeback/agent-gateway/agent-enrolment.js';
import { directoryKinds, isDirectoryKind } from '../../directory/registry.js';
import { agentFeatures } from '../../writeback/agent-protocol/protocol.js';
import { requireConsolePage, type Operator } from './console-access.js';
import { accountSourceLabel, ct, renderConsole } from './console-layout.js';
import { timeLabel } from './time-label.js';
import { consoleTable } from './console-table.js';

/** Enrolment token lifetimes offered on the page (hours). */
export const tokenLifetimesHours = [1, 24, 72, 168] as const;

/** An instant as the console shows it (time-label.ts); none yet as a dash. */
function when(lang: Lang, at: number | null): string {
  return at === null ? '—' : timeLabel(at, lang);
}

function syncSection(page: PageContext, status: DirectoryStatus): SafeHtml {
  const { lang } = page;
  const canSync = status.directoryKind !== null || status.writeback === 'agent';
  return html`<section aria-labelledby="sync-heading"><h2 id="sync-heading">${ct(lang, 'directory.sync')}</h2>
<dl class="facts">
<dt>${ct(lang, 'directory.writeback')}</dt><dd id="writeback-mode">${ct(lang, `directory.writeback-${status.writeback}`)}${status.directoryKind ? ` (${accountSourceLabel(lang, status.directoryKind)})` : ''}</dd>
<dt>${ct(lang, 'directory.schedule')}</dt><dd>${status.sync.intervalMinutes > 0 ? ct(lang, 'directory.every', { minutes: status.sync.intervalMinutes }) : ct(lang, 'directory.no-schedule')}</dd>
<dt>${ct(lang, 'directory.next')}</dt><dd>${when(lang, status.sync.nextRunAt)}</dd>
</dl>
${canSync
    ? html`<form method="post" action="/admin/directory/sync" class="inline-actions">${csrfField(page)}
<button type="submit" name="full" value="0">${ct(lang, 'directory.run-now')}</button>
<button type="submit" name="full" value="1" class="secondary">${ct(lang, 'directory.run-full')}</button></form>`
    : html`<p>${ct(lang, 'directory.no-directory')}</p>`}
${status.sync.runs.length > 0
    ? consoleTable({
        id: 'sync-runs',
        caption: ct(lang, 'directory.last-runs'),
        columns: [
          { label: ct(lang, 'directory.at'), cell: (run) => when(lang, run.at) },
          { label: ct(lang, 'directory.result'), cell: (run) => (run.outcome === 'success' ? ct(lang, 'directory.run-ok') : ct(lang, 'directory.run-failed')) },
          { label: ct(lang, 'directory.mode'), cell: (run) => run.mode ?? '—' },
          { label: ct(lang, 'directory.created'), cell: (run) => run.created ?? '—' },
          { label: ct(lang, 'directory.updated'), cell: (run) => run.updated ?? '—' },
          { label: ct(lang, 'directory.disabled'), cell: (run) => run.disabled ?? '—' },
          { label: ct(lang, 'directory.reason'), cell: (run) => run.reason ?? '' },
          { label: ct(lang, 'directory.by'), cell: (run) => run.by ?? ct(lang, 'directory.by-schedule') },
        ],
        rows: status.sync.runs,
      })
    : html`<p>${ct(lang, 'directory.no-runs')}</p>`}
</section>`;
}

/**
 * The optional protocol features an agent announced at its last connection, named in the reader's language, and
 * a sentence when it lacks 'must-change' (the helpdesk cannot require a change at next sign-in through it).
 */
function featuresCell(lang: Lang, features: string[] | null): SafeHtml | string {
  if (features === null) return '—';
  const known = agentFeatures.filter((feature) => features.includes(feature));
  const names = known.map((feature) => ct(lang, `directory.feature-${feature}`)).join(', ');
  return html`${names || '—'}${known.includes('must-change') ? '' : html`<br><span class="lacks-must-change">${ct(lang, 'directory.lacks-must-change')}</span>`}`;
}

/** The agents' table: state, heartbeat, version, announced features, clock offset, reported errors, revoke. */
function agentsTable(page: PageContext, agents: AgentView[]): SafeHtml {
  const { lang } = page;
  const errors = (agent: AgentView) => [agent.directoryError, ...agent.connectErrors.map((e) => `${when(lang, e.at)}: ${e.message}`)].filter(Boolean).join('; ');
  return consoleTable({
    id: 'agents',
    columns: [
      { label: ct(lang, 'directory.agent-name'), rowHeader: true, cell: (agent) => agent.name },
      { label: ct(lang, 'directory.kind'), cell: (agent) => accountSourceLabel(lang, agent.directory) },
      { label: ct(lang, 'directory.state'), cell: (agent) => ct(lang, `directory.agent-${agent.state}`), cellClass: (agent) => `state-${agent.state}` },
      { label: ct(lang, 'directory.heartbeat'), cell: (agent) => when(lang, agent.lastSeenAt) },
      { label: ct(lang, 'directory.version'), cell: (agent) => agent.version ?? '—' },
      { label: ct(lang, 'directory.features'), cell: (agent) => featuresCell(lang, agent.features), cellClass: () => 'agent-features' },
      { label: ct(lang, 'directory.clock'), cell: (agent) => (agent.clockOffsetMs === null ? '—' : `${agent.clockOffsetMs} ms`) },
      { label: ct(lang, 'directory.reachable'), cell: (agent) => (agent.directoryReachable === null ? '—' : agent.directoryReachable ? ct(lang, 'directory.yes') : ct(lang, 'directory.no')) },
      { label: ct(lang, 'directory.errors'), cell: errors },
      {
        label: ct(lang, 'directory.actions'),
        hideLabel: true,
        cell: (agent) => (agent.state === 'revoked' ? '' : html`<form method="post" action="/admin/directory/agents/${agent.id}/revoke">${csrfField(page)}<button type="submit" class="danger" aria-label="${ct(lang, 'directory.revoke-named', { name: agent.name })}">${ct(lang, 'directory.revoke')}</button></form>`),
      },
    ],
    rows: agents,
    rowAttributes: (agent) => ({ id: `agent-${agent.id}` }),
  });
}

function agentsSection(page: PageContext, status: DirectoryStatus, newToken: { token: string; expiresAt: number } | null): SafeHtml {
  const { lang } = page;
  return html`<section aria-labelledby="agents-heading"><h2 id="agents-heading">${ct(lang, 'directory.agents')}</h2>
${status.agents.length > 0
    ? agentsTable(page, status.agents)
    : html`<p>${ct(lang, 'directory.no-agents')}</p>`}
${newToken
    ? html`<div class="notice" role="status" id="new-token"><p>${ct(lang, 'directory.token-once', { until: when(lang, newToken.expiresAt) })}</p><p><code class="secret">${newToken.token}</code></p><p>${ct(lang, 'directory.token-use')}</p></div>`
    : ''}
<form method="post" action="/admin/directory/tokens" class="stacked">${csrfField(page)}
<h3>${ct(lang, 'directory.new-token')}</h3>
<label for="token-directory">${ct(lang, 'directory.kind')}</label>
<select id="token-directory" name="directory">${directoryKinds.map((kind) => html`<option value="${kind}">${accountSourceLabel(lang, kind)}</option>`)}</select>
<label for="token-hours">${ct(lang, 'directory.valid-for')}</label>
<select id="token-hours" name="hours">${tokenLifetimesHours.map((hours) => html`<option value="${hours}"${hours === 24 ? html` selected` : ''}>${ct(lang, 'directory.hours', { hours })}</option>`)}</select>
<button type="submit">${ct(lang, 'directory.create-token')}</button>
</form></section>`;
}

/**
 * `/admin/directory` (administrators): the sync schedule and its last runs with "run now" / "full run", and the
 * agents (state, heartbeat, version, announced capabilities, clock offset, reported errors) with revoke and one-time enrolment tokens.
 * Every change is a CSRF-checked POST, audited with the operator.
 */
export async function directoryPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  const enrolment = new AgentEnrolment(services.writeback.agents, services.audit, services.clock);
  const show = async (request: FastifyRequest, reply: FastifyReply, operator: Operator, extra: { notice?: string; error?: string; status?: number; token?: { token: string; expiresAt: number } } = {}) => {
    const status = await directoryStatus(services);
    const lang = request.ctx.lang;
    reply.header('cache-control', 'no-store');
    return renderConsole(kit, request, reply, operator, 'directory', ct(lang, 'nav.directory'), (page) => html`${extra.notice ? html`<p class="notice" role="status" id="notice">${extra.notice}</p>` : ''}
${syncSection(page, status)}
${agentsSection(page, status, extra.token ?? null)}`, { ...(extra.error ? { error: extra.error } : {}), ...(extra.status ? { status: extra.status } : {}) });
  };

  app.get('/admin/directory', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return reply;
    return show(request, reply, operator);
  });

  app.post('/admin/directory/sync', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return reply;
    kit.checkCsrf(request);
    try {
      const summary = await runRequestedSync(services, { full: formField(request.body, 'full') === '1' }, operator.label);
      return show(request, reply, operator, { notice: summaryLine(summary) });
    } catch (caught) {
      if (!(caught instanceof SsprError) || caught.status >= 500) throw caught;
      return show(request, reply, operator, { error: caught.messageIn(request.ctx.lang), status: caught.status });
    }
  });

  app.post('/admin/directory/tokens', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return reply;
    kit.checkCsrf(request);
    const directory = formField(request.body, 'directory');
    const hours = Number(formField(request.body, 'hours'));
    if (!isDirectoryKind(directory) || !(tokenLifetimesHours as readonly number[]).includes(hours)) {
      throw new SsprError('invalid-request', { params: { problem: 'fieldInvalid', field: isDirectoryKind(directory) ? 'hours' : 'directory' } });
    }
    const token = await enrolment.createToken(directory, hours * 3_600_000, operator.label);
    return show(request, reply, operator, { token });
  });

  app.post<{ Params: { id: string } }>('/admin/directory/agents/:id/revoke', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return reply;
    kit.checkCsrf(request);
    if (!(await enrolment.revoke(request.params.id, operator.label))) throw new SsprError('not-found');
    return show(request, reply, operator, { notice: ct(request.ctx.lang, 'directory.revoked') });
  });
}
