import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from '../pages/page-kit.js';
import { html, type SafeHtml } from '../html.js';
import { message } from '../../i18n/messages.js';
import type { Lang } from '../../i18n/lang.js';
import type { AuditRecord } from '../../store/audit-repository.js';
import { auditEventNames, auditOutcomes } from '../../audit/audit-events.js';
import { auditEventLabel } from '../../audit/audit-labels.js';
import { labelWithId } from '../../i18n/label-table.js';
import { auditDetailHtml } from './audit-labels-html.js';
import { parseBody } from '../api/validate.js';
import { requireAuditReader, requireConsolePage } from './console-access.js';
import { renderConsole } from './console-layout.js';
import { consoleTable } from './console-table.js';
import { auditFilterOf, decodeAuditCursor, encodeAuditCursor } from '../../admin/console-audit.js';
import { consoleAuditQuerySchema } from '../api/admin/console-schemas.js';
import { timeHtml } from './time-label.js';

/** An event's name in the reader's language over its id (the id is what the filter and the export use). */
function eventCell(event: string, lang: Lang): SafeHtml {
  const label = auditEventLabel(lang, event);
  return label ? html`<span class="event-label">${label}</span> <code class="event-id">${event}</code>` : html`<code class="event-id">${event}</code>`;
}

/** Audit events as a table (the audit page and a user's trail): time, event, outcome, user, client, detail. */
export function auditTable(events: AuditRecord[], lang: Lang, caption: string): SafeHtml {
  return consoleTable({
    class: 'audit',
    id: 'audit-events',
    caption,
    columns: [
      { label: message(lang, 'console-audit.table.time'), cell: (e) => timeHtml(e.at, lang) },
      { label: message(lang, 'console-audit.table.event'), rowHeader: true, cell: (e) => eventCell(e.event, lang) },
      { label: message(lang, 'console-audit.table.outcome'), cell: (e) => message(lang, 'console-audit.outcome', { outcome: e.outcome }) },
      { label: message(lang, 'console-audit.table.user'), cell: (e) => (e.username ? html`<a href="/admin/users/${encodeURIComponent(e.username)}">${e.username}</a>` : '') },
      { label: message(lang, 'console-audit.table.client'), cell: (e) => e.ip ?? '' },
      { label: message(lang, 'console-audit.table.detail'), cell: (e) => auditDetailHtml(lang, e.detail), cellClass: () => 'detail' },
    ],
    rows: events,
    rowAttributes: (e) => ({ class: `outcome-${e.outcome}` }),
  });
}

/** The filter's fields as query parameters (for paging and export links), empty ones left out. */
function filterParams(raw: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of ['user', 'event', 'outcome', 'since', 'until']) {
    const value = raw[name];
    if (typeof value === 'string' && value !== '') params.set(name, value.slice(0, 256));
  }
  return params;
}

/**
 * `GET /admin/audit`: the audit log filtered by user, event, outcome and time; keyset pages, newest first; export
 * links. Need `read`; a helpdesk operator (need `account`) reads only the trail of one account it may act on.
 */
export async function auditPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  app.get('/admin/audit', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'account');
    if (!operator) return reply;
    const lang = request.ctx.lang;
    const query = parseBody(consoleAuditQuerySchema, request.query);
    await requireAuditReader(services, operator, query.user);
    const raw = request.query as Record<string, unknown>;
    const filter = await auditFilterOf(query, services.users);
    const page = await services.auditLog.browse(filter, decodeAuditCursor(query.cursor), query.limit);
    const params = filterParams(raw);
    const value = (name: string) => (typeof raw[name] === 'string' ? (raw[name] as string).slice(0, 256) : '');
    const next = page.next ? new URLSearchParams([...params, ['cursor', encodeAuditCursor(page.next)]]) : null;
    const exportLink = (format: 'csv' | 'jsonl') => `/api/v1/admin/audit/export?${new URLSearchParams([...params, ['format', format]])}`;
    const outcome = value('outcome');
    const event = value('event');
    return renderConsole(kit, request, reply, operator, 'audit', message(lang, 'console-audit.title'), () => html`<form method="get" action="/admin/audit" class="filters" aria-labelledby="filter-heading"><h2 id="filter-heading" class="visually-hidden">${message(lang, 'console-audit.filter.heading')}</h2>
<div class="filter-grid">
<div><label for="f-user">${message(lang, 'console-audit.filter.user')}</label><input type="text" id="f-user" name="user" value="${value('user')}" maxlength="256" autocomplete="off"></div>
<div><label for="f-event">${message(lang, 'console-audit.filter.event')}</label><select id="f-event" name="event"><option value="">${message(lang, 'console-audit.filter.any')}</option>${auditEventNames.map((name) => html`<option value="${name}"${name === event ? html` selected` : ''}>${labelWithId(auditEventLabel(lang, name), name)}</option>`)}</select></div>
<div><label for="f-outcome">${message(lang, 'console-audit.filter.outcome')}</label><select id="f-outcome" name="outcome"><option value="">${message(lang, 'console-audit.filter.any')}</option>${auditOutcomes.map((o) => html`<option value="${o}"${o === outcome ? html` selected` : ''}>${message(lang, 'console-audit.outcome', { outcome: o })}</option>`)}</select></div>
<div><label for="f-since">${message(lang, 'console-audit.filter.since')}</label><input type="date" id="f-since" name="since" value="${value('since')}"></div>
<div><label for="f-until">${message(lang, 'console-audit.filter.until')}</label><input type="date" id="f-until" name="until" value="${value('until')}"></div>
</div>
<p><button type="submit">${message(lang, 'console-audit.filter.apply')}</button> <a href="/admin/audit">${message(lang, 'console-audit.filter.reset')}</a></p></form>
${auditTable(page.events, lang, message(lang, 'console-audit.table.caption', { count: page.events.length }))}
<nav class="pager" aria-label="${message(lang, 'console-audit.pager.label')}">${query.cursor ? html`<a href="/admin/audit?${params.toString()}">${message(lang, 'console-audit.pager.first')}</a>` : ''}${next ? html`<a rel="next" href="/admin/audit?${next.toString()}">${message(lang, 'console-audit.pager.next')}</a>` : ''}</nav>
<section aria-labelledby="export-heading"><h2 id="export-heading">${message(lang, 'console-audit.export.heading')}</h2><p class="help">${message(lang, 'console-audit.export.help')}</p>
<p><a class="button" href="${exportLink('csv')}" download>${message(lang, 'console-audit.export.csv')}</a> <a class="button" href="${exportLink('jsonl')}" download>${message(lang, 'console-audit.export.jsonl')}</a></p>
<p class="help">${message(lang, 'console-audit.retention', { days: services.config.audit.retentionDays })}</p></section>`);
  });
}
