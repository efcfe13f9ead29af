import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from './page-kit.js';
import { html, type SafeHtml } from '../html.js';
import { operatorHolds, operatorMayActOn, requireConsolePage } from '../admin/console-access.js';
import { renderConsole } from '../admin/console-layout.js';
import { consoleTable } from '../admin/console-table.js';
import { SsprError } from '../../errors/sspr-error.js';
import type { Lang } from '../../i18n/lang.js';
import { dt } from '../../doctor/format-report.js';
import { isCheckId, type CheckId, type DoctorReport } from '../../doctor/doctor-types.js';

/** The public catalogue entry a refusal links to (the same ids the doctor reports). */
export function checkHelpPath(id: string): string {
  return `/help/checks/${encodeURIComponent(id)}`;
}

/** A check as an operator reads it: its name, its id small beneath (the id the CLI, the API and refusals use). */
export function checkNameHtml(lang: Lang, id: CheckId): SafeHtml {
  return html`${dt(lang, `name.${id}`)} <code class="check-id">${id}</code>`;
}

/** The refusals the reset flow can give that a user can read about (cause, then what to do), per catalogue id. */
const userHelp = ['sspr-enabled', 'license-assigned', 'methods-registered', 'admin-policy', 'account-state', 'throttled'] as const satisfies readonly CheckId[];
type UserHelpId = (typeof userHelp)[number];
const hasUserHelp = (id: CheckId): id is UserHelpId => (userHelp as readonly CheckId[]).includes(id);

function reportHtml(report: DoctorReport, lang: Lang): SafeHtml {
  const question = report.user === null ? dt(lang, 'service') : dt(lang, 'can-reset', { user: report.user });
  const summary = report.summary
    ? html`<h2>${dt(lang, 'counts', { users: report.summary.users, ms: report.summary.elapsedMs })}</h2>
${consoleTable({
        id: 'doctor-summary',
        columns: [
          { label: dt(lang, 'check'), rowHeader: true, cell: (l) => checkNameHtml(lang, l.id) },
          { label: dt(lang, 'failing'), cell: (l) => String(l.failing) },
          { label: dt(lang, 'warning'), cell: (l) => String(l.warning) },
          { label: dt(lang, 'basis'), cell: (l) => l.basis },
        ],
        rows: report.summary.checks,
      })}`
    : '';
  return html`<h2 id="doctor-answer">${question} <strong>${report.canReset ? dt(lang, 'yes') : dt(lang, 'no')}</strong></h2>
${consoleTable({
    id: 'doctor-checks',
    columns: [
      { label: dt(lang, 'check'), rowHeader: true, cell: (c) => html`<a href="${checkHelpPath(c.id)}">${checkNameHtml(lang, c.id)}</a>` },
      { label: dt(lang, 'status'), cell: (c) => dt(lang, `result.${c.status}`), cellClass: () => 'status' },
      { label: dt(lang, 'summary'), cell: (c) => c.summary },
      { label: dt(lang, 'evidence'), cell: (c) => c.evidence },
      { label: dt(lang, 'fix'), cell: (c) => c.fix },
    ],
    rows: report.checks,
    rowAttributes: (c) => ({ class: `check-${c.status}`, id: `check-${c.id}` }),
  })}
${summary}`;
}

/**
 * `/admin/doctor[?user=NAME]`: the doctor behind the console gate. One user's verdict needs `account` (a helpdesk
 * operator: only accounts it may act on); the service run without a user is organisation-wide and needs `read` (a
 * helpdesk operator gets the form alone). A GET form: the page changes nothing.
 * `/help/checks/{id}`: the public catalogue entry the reset flow's refusals link to.
 */
export async function adminDoctorPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  app.get('/admin/doctor', async (request: FastifyRequest, reply: FastifyReply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'account');
    if (!operator) return reply;
    const lang = request.ctx.lang;
    const username = String((request.query as Record<string, unknown> | undefined)?.user ?? '').trim().slice(0, 256);
    const serviceRun = operatorHolds(operator, 'read');
    let report: DoctorReport | null = null;
    let error: string | undefined;
    let status = 200;
    try {
      const target = username ? await services.directory.findUser(username) : null;
      if (target) await operatorMayActOn(services, operator, target);
      report = username ? await services.doctor.diagnoseUser(username, lang) : serviceRun ? await services.doctor.diagnoseService(lang) : null;
    } catch (caught) {
      if (!(caught instanceof SsprError) || caught.status >= 500) throw caught;
      error = caught.messageIn(lang);
      status = caught.status;
    }
    return renderConsole(
      kit,
      request,
      reply,
      operator,
      'doctor',
      dt(lang, 'page.title'),
      () => html`<form method="get" action="/admin/doctor">
<label for="user">${dt(lang, 'page.user')}</label>
<input type="text" id="user" name="user" value="${username}" maxlength="256" autocapitalize="none" spellcheck="false">
<button type="submit">${dt(lang, 'page.run')}</button>
</form>
${report ? reportHtml(report, lang) : ''}`,
      { status, ...(error ? { error } : {}) },
    );
  });

  app.get<{ Params: { id: string } }>('/help/checks/:id', async (request, reply) => {
    const { id } = request.params;
    if (!isCheckId(id)) throw new SsprError('not-found');
    const lang = request.ctx.lang;
    const help = hasUserHelp(id) ? [dt(lang, `help.${id}`), dt(lang, `help.${id}.fix`)] : undefined;
    return kit.render(
      request,
      reply,
      dt(lang, 'help.title'),
      () => html`${help ? html`<p id="help-cause">${help[0]}</p><p id="help-fix">${help[1]}</p>` : html`<p>${dt(lang, 'help.other', { id })}</p>`}
<p class="help" id="help-reference">${dt(lang, 'help.reference', { id })}</p>
<p><a href="/reset">${dt(lang, 'help.back')}</a></p>`,
    );
  });
}
