import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from '../pages/page-kit.js';
import { html, type SafeHtml } from '../html.js';
import { message, messages } from '../../i18n/messages.js';
import type { Lang } from '../../i18n/lang.js';
import { requireConsolePage } from './console-access.js';
import { eventHtml, reasonHtml } from './audit-labels-html.js';
import { renderConsole } from './console-layout.js';
import { consoleTable } from './console-table.js';
import { AuditorReports, REPORT_PAGE, reportIds, type ReportId, type ReportTable } from '../../reports/auditor-reports.js';
import { parseBody } from '../api/validate.js';
import { reportIdOf, reportQuery, sendReportCsv } from '../api/admin/reports-api.js';

type Key = Parameters<typeof message>[1];
const say = (lang: Lang, key: string, params?: Record<string, string | number>) => message(lang, `reports.${key}` as Key, params as never);
const auditBased: ReadonlySet<ReportId> = new Set(['resets', 'refusals']);

/** A verification method ('email') or a password write's origin ('helpdesk-reset') in words; anything else as stored. */
function methodOrPath(lang: Lang, value: string): string {
  for (const key of [`pages.method.${value}`, `reports.path.${value}`]) if (messages.has(key)) return messages.formatAny(lang, key);
  return value;
}

const outcomes = ['success', 'failure', 'info'] as const;
function outcomeLabel(lang: Lang, value: string): string {
  const known = outcomes.find((o) => o === value);
  return known ? message(lang, 'console-audit.outcome', { outcome: known }) : value;
}

function tableOf(lang: Lang, id: ReportId, table: ReportTable): SafeHtml {
  if (table.rows.length === 0) return html`<p id="rp-empty">${say(lang, 'empty')}</p>`;
  // The CSV keeps the stable values; the page says them in the reader's language.
  const shown = (cell: string | number, column: string): SafeHtml | string | number => {
    if (column === 'reason' && typeof cell === 'string') return reasonHtml(lang, cell);
    if (column === 'event' && typeof cell === 'string') return eventHtml(lang, cell);
    if (column === 'method' && typeof cell === 'string') return methodOrPath(lang, cell);
    if (column === 'outcome' && typeof cell === 'string') return outcomeLabel(lang, cell);
    return cell === 'yes' || cell === 'no' || cell === 'pass' || cell === 'fail' ? say(lang, `value.${cell}`) : cell;
  };
  return consoleTable({
    class: 'rp-table',
    id: `rp-${id}`,
    caption: say(lang, `${id}.title`),
    columns: table.columns.map((column, i) => ({
      label: say(lang, `col.${column}`),
      rowHeader: i === 0,
      cell: (row: ReportTable['rows'][number]) => shown(row[i] ?? '', column),
      cellClass: (row: ReportTable['rows'][number]) => (i > 0 && typeof row[i] === 'number' ? 'num' : undefined),
    })),
    rows: table.rows,
  });
}

/**
 * `/admin/reports` (need `read`): the list of reports; `/admin/reports/{id}[?page=&days=&format=csv]`: one report as
 * a table (paged by 100) or streamed as CSV (cells safe from spreadsheet formulas).
 */
export async function reportsPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  const reports = new AuditorReports(services);

  app.get('/admin/reports', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'read');
    if (!operator) return reply;
    const lang = request.ctx.lang;
    return renderConsole(kit, request, reply, operator, 'reports', say(lang, 'title'), () => html`<div class="rp"><p>${say(lang, 'intro')}</p>
<ul class="rp-list">${reportIds.map((id) => html`<li><a href="/admin/reports/${id}">${say(lang, `${id}.title`)}</a> · <a href="/admin/reports/${id}?format=csv">${say(lang, 'csv')}</a><br><span class="help">${say(lang, `${id}.about`)}</span></li>`)}</ul></div>`);
  });

  app.get<{ Params: { id: string } }>('/admin/reports/:id', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'read');
    if (!operator) return reply;
    const id = reportIdOf(request.params.id);
    const { page, days, format } = parseBody(reportQuery, request.query ?? {});
    if (format === 'csv') return sendReportCsv(reply, reports, id, days);
    const lang = request.ctx.lang;
    const table = await reports.table(id, { page, days });
    const pages = Math.max(1, Math.ceil(table.total / REPORT_PAGE));
    const link = (to: number) => `/admin/reports/${id}?page=${to}&days=${days}`;
    const paging = pages > 1
      ? html`<nav class="rp-paging" aria-label="${say(lang, 'page', { page, pages })}"><span>${say(lang, 'page', { page, pages })}</span>
${page > 1 ? html` <a href="${link(page - 1)}" rel="prev">${say(lang, 'previous')}</a>` : ''}${page < pages ? html` <a href="${link(page + 1)}" rel="next">${say(lang, 'next')}</a>` : ''}</nav>`
      : '';
    const window = auditBased.has(id)
      ? html`<form method="get" action="/admin/reports/${id}" class="rp-days"><label for="rp-days">${say(lang, 'days.label')}</label><input type="text" id="rp-days" name="days" value="${String(days)}" inputmode="numeric" maxlength="4"><button type="submit" class="secondary">${say(lang, 'days.show')}</button></form><p>${say(lang, 'days', { days })}</p>`
      : '';
    reply.header('cache-control', 'no-store');
    return renderConsole(kit, request, reply, operator, 'reports', say(lang, `${id}.title`), () => html`<div class="rp"><p>${say(lang, `${id}.about`)}</p>
${window}
<p><a href="/admin/reports/${id}?format=csv&amp;days=${String(days)}" id="rp-csv">${say(lang, 'csv')}</a> · ${say(lang, 'total', { total: table.total })}</p>
${tableOf(lang, id, table)}
${paging}</div>`);
  });
}
