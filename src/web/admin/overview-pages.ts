import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from '../pages/page-kit.js';
import { csrfField, type PageContext } from '../pages/layout.js';
import { html, type SafeHtml } from '../html.js';
import { message } from '../../i18n/messages.js';
import type { Lang } from '../../i18n/lang.js';
import { operatorHolds, requireConsolePage } from './console-access.js';
import { renderConsole } from './console-layout.js';
import { consoleTable } from './console-table.js';
import { consoleOverviewOf, type ConsoleOverviewData } from '../../admin/console-overview.js';
import { DAY_MS } from '../../store/console-stats-repository.js';
import { barChart, percentLine, rankChart } from './svg-charts.js';
import { auditReasonLabel } from '../../audit/audit-labels.js';
import { timeLabel } from './time-label.js';
import { checkNameHtml } from '../pages/admin-doctor-pages.js';

/** A share in per cent with one decimal, in the language's number format. */
export function percentOf(part: number, whole: number, lang: Lang): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(whole > 0 ? (100 * part) / whole : 0);
}

/** A UTC day (days since the epoch) as a short date: 06.12. / 12/06. */
export function dayLabel(day: number, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { day: '2-digit', month: '2-digit', timeZone: 'UTC' }).format(new Date(day * DAY_MS));
}

function healthBanner(data: ConsoleOverviewData, lang: Lang): SafeHtml {
  const { status, areas } = data.health;
  return html`<section class="health health-${status}" aria-labelledby="health-heading">
<h2 id="health-heading">${message(lang, 'console-overview.health.heading')}</h2>
<p class="health-verdict">${message(lang, `console-overview.health.${status}`)}</p>
<ul class="health-areas">${areas.map(
    (a) => html`<li class="health-area health-${a.status}"><span class="health-badge">${message(lang, 'console-overview.health.status', { status: a.status === 'skip' ? 'other' : a.status })}</span> <strong>${message(lang, `console-overview.health.area.${a.area}`)}</strong>${a.check && a.status !== 'pass' ? html` <span>${a.check.summary}</span>${a.check.fix ? html` <span class="help">${a.check.fix}</span>` : ''} <a class="check-link" href="/admin/doctor#check-${a.check.id}">${checkNameHtml(lang, a.check.id)}</a>` : ''}</li>`,
  )}</ul>
<p class="help">${data.doctorAt === null ? message(lang, 'console-overview.health.doctorRunning') : message(lang, 'console-overview.health.doctorAt', { time: timeLabel(data.doctorAt, lang) })} <a href="/admin/doctor">${message(lang, 'console-overview.health.doctorLink')}</a></p>
</section>`;
}

function userTiles(data: ConsoleOverviewData, lang: Lang, page: PageContext): SafeHtml {
  const { all, enabled, registered, blocked, capable, capableCountingSince } = data.users;
  const capableText =
    capable === null
      ? message(lang, 'console-overview.users.capableRunning')
      : message(lang, 'console-overview.users.capableCount', { count: capable.count, of: capable.of, percent: percentOf(capable.count, capable.of, lang) });
  const asOf =
    capableCountingSince !== null
      ? message(lang, 'console-overview.users.capableCounting', { time: timeLabel(capableCountingSince, lang) })
      : capable
        ? message(lang, 'console-overview.users.capableAt', { time: timeLabel(capable.at, lang) })
        : '';
  const number = new Intl.NumberFormat(lang);
  const notes: SafeHtml[] = [];
  if (capable && capable.unregistered) notes.push(html`<dd class="help" id="stat-capable-unregistered">${message(lang, 'console-overview.users.capableUnregistered', { count: capable.unregistered })}</dd>`);
  if (capable?.emailFailing && capable.needEmail > 0) notes.push(html`<dd class="help tile-warn" id="stat-capable-need-email">${message(lang, 'console-overview.users.capableNeedEmail', { count: capable.needEmail })}</dd>`);
  if (capable && data.users.emailFailingNow !== null && data.users.emailFailingNow !== capable.emailFailing) {
    notes.push(html`<dd class="help tile-warn" id="stat-capable-mail-changed">${message(lang, 'console-overview.users.capableMailChanged', { now: data.users.emailFailingNow ? 'failing' : 'other' })}</dd>`);
  }
  return html`<section aria-labelledby="users-heading"><h2 id="users-heading">${message(lang, 'console-overview.users.heading')}</h2>
<dl class="tiles">
<div class="tile"><dt>${message(lang, 'console-overview.users.all')}</dt><dd id="stat-users">${number.format(all)}</dd><dd class="help">${message(lang, 'console-overview.users.enabled', { count: enabled })}</dd></div>
<div class="tile"><dt>${message(lang, 'console-overview.users.capable')}</dt><dd id="stat-capable">${capableText}</dd><dd class="help" id="stat-capable-at">${asOf}</dd>${notes}</div>
<div class="tile"><dt>${message(lang, 'console-overview.users.registered')}</dt><dd id="stat-registered">${message(lang, 'console-overview.users.share', { count: registered, percent: percentOf(registered, all, lang) })}</dd></div>
<div class="tile"><dt>${message(lang, 'console-overview.users.blocked')}</dt><dd id="stat-blocked">${number.format(blocked)}</dd></div>
</dl>
<details class="help-details"><summary>${message(lang, 'console-overview.users.capableHelpSummary')}</summary><p class="help" id="capable-help">${message(lang, 'console-overview.users.capableHelp')}</p></details>
<form method="post" action="/admin/readiness">${csrfField(page)}<button type="submit" class="secondary small" id="capable-recount"${capableCountingSince !== null ? ' disabled' : ''}>${message(lang, 'console-overview.users.capableRecount')}</button></form>
</section>`;
}

function activity(data: ConsoleOverviewData, lang: Lang): SafeHtml {
  const number = new Intl.NumberFormat(lang);
  const resets = data.resetsPerDay.reduce((a, d) => a + d.resets, 0);
  const refusals = data.resetsPerDay.reduce((a, d) => a + d.refusals, 0);
  const reasonLabel = (reason: string) => (reason ? auditReasonLabel(lang, reason) ?? reason : message(lang, 'console-overview.chart.reasons.none'));
  const top = data.refusalsByReason[0];
  const coverage = data.coverage.map((c) => ({ label: dayLabel(c.day, lang), percent: c.users > 0 ? (100 * c.registered) / c.users : 0 }));
  return html`<section aria-labelledby="activity-heading"><h2 id="activity-heading">${message(lang, 'console-overview.activity.heading')}</h2>
${consoleTable({
    id: 'activity',
    columns: [
      { label: message(lang, 'console-overview.activity.period'), rowHeader: true, cell: (a) => message(lang, 'console-overview.activity.days', { days: a.days }) },
      { label: message(lang, 'console-overview.activity.resets'), cell: (a) => number.format(a.resets) },
      { label: message(lang, 'console-overview.activity.refusals'), cell: (a) => number.format(a.refusals) },
    ],
    rows: data.activity,
  })}
<div class="charts">
<div class="chart-box"><h3>${message(lang, 'console-overview.chart.perDay.title')}</h3>
<p class="chart-legend" aria-hidden="true"><span class="key key-0"></span>${message(lang, 'console-overview.legend.resets')} <span class="key key-1"></span>${message(lang, 'console-overview.legend.refusals')}</p>
${barChart(
    'chart-per-day',
    {
      title: message(lang, 'console-overview.chart.perDay.title'),
      description: message(lang, 'console-overview.chart.perDay.desc', { resets, refusals }),
      columns: [message(lang, 'console-overview.chart.day'), message(lang, 'console-overview.legend.resets'), message(lang, 'console-overview.legend.refusals')],
      tableLabel: message(lang, 'console-overview.chart.table'),
    },
    data.resetsPerDay.map((d) => ({ label: dayLabel(d.day, lang), values: [d.resets, d.refusals] })),
    7,
  )}</div>
<div class="chart-box"><h3>${message(lang, 'console-overview.chart.reasons.title')}</h3>
${rankChart(
    'chart-reasons',
    {
      title: message(lang, 'console-overview.chart.reasons.title'),
      description: message(lang, 'console-overview.chart.reasons.desc', { count: data.refusalsByReason.length, top: top ? reasonLabel(top.reason) : '' }),
      columns: [message(lang, 'console-overview.chart.reasons.reason'), message(lang, 'console-overview.chart.reasons.count')],
      tableLabel: message(lang, 'console-overview.chart.table'),
    },
    data.refusalsByReason.slice(0, 10).map((r) => ({ label: reasonLabel(r.reason), ...(r.reason ? { id: r.reason } : {}), value: r.count })),
  )}</div>
<div class="chart-box"><h3>${message(lang, 'console-overview.chart.coverage.title')}</h3>
${percentLine(
    'chart-coverage',
    {
      title: message(lang, 'console-overview.chart.coverage.title'),
      description: message(lang, 'console-overview.chart.coverage.desc', { first: percentOf(data.coverage[0]?.registered ?? 0, data.coverage[0]?.users ?? 0, lang), last: percentOf(data.coverage.at(-1)?.registered ?? 0, data.coverage.at(-1)?.users ?? 0, lang) }),
      columns: [message(lang, 'console-overview.chart.day'), message(lang, 'console-overview.chart.coverage.share')],
      tableLabel: message(lang, 'console-overview.chart.table'),
    },
    coverage,
    7,
  )}</div>
</div></section>`;
}

/**
 * `GET /admin`: the console overview (health banner, user numbers, activity and charts): organisation-wide, need
 * `read`. It is where the console opens, so a helpdesk operator (who reads single accounts only) is sent on to the
 * user search instead of a refusal.
 */
export async function overviewPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  app.get('/admin', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'account');
    if (!operator) return reply;
    if (!operatorHolds(operator, 'read')) return kit.redirect(reply, '/admin/users');
    const lang = request.ctx.lang;
    const data = await consoleOverviewOf(services).read(lang);
    return renderConsole(kit, request, reply, operator, 'overview', message(lang, 'console-overview.title'), (page) =>
      html`${healthBanner(data, lang)}${userTiles(data, lang, page)}${activity(data, lang)}`,
    );
  });

  /**
   * `POST /admin/readiness` (need `admin`, as its JSON twin): counts again who can reset now (a sweep in the
   * background), back to the overview; a second request within a minute, or while a count waits, starts nothing more.
   */
  app.post('/admin/readiness', async (request, reply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'admin');
    if (!operator) return reply;
    kit.checkCsrf(request);
    services.readiness.refreshOnDemand();
    return kit.redirect(reply, '/admin');
  });
}
