import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from './page-kit.js';
import { html, type SafeHtml } from '../html.js';
import { operatorMayActOn, requireConsolePage } from '../admin/console-access.js';
import { SsprError } from '../../errors/sspr-error.js';
import type { Lang } from '../../i18n/lang.js';
import { isCheckId, type CheckId, type DoctorReport } from '../../doctor/doctor-types.js';

/** The public catalogue entry a refusal links to (the same ids the doctor reports). */
export function checkHelpPath(id: string): string {
  return `/help/checks/${encodeURIComponent(id)}`;
}

type Words = Record<string, { en: string; de: string }>;
const words: Words = {
  title: { en: 'Doctor', de: 'Diagnose' },
  user: { en: 'User name (empty: the whole service)', de: 'Benutzername (leer: der ganze Dienst)' },
  run: { en: 'Run the doctor', de: 'Diagnose starten' },
  canReset: { en: 'Can {user} reset now?', de: 'Kann {user} jetzt zurücksetzen?' },
  service: { en: 'Is the service ready for self-service resets?', de: 'Ist der Dienst bereit für Self-Service-Zurücksetzungen?' },
  yes: { en: 'Yes', de: 'Ja' },
  no: { en: 'No', de: 'Nein' },
  check: { en: 'Check', de: 'Prüfung' },
  status: { en: 'Result', de: 'Ergebnis' },
  summary: { en: 'Finding', de: 'Befund' },
  evidence: { en: 'Evidence', de: 'Beleg' },
  fix: { en: 'Fix', de: 'Abhilfe' },
  counts: { en: 'Users per check ({users} users, {ms} ms)', de: 'Benutzer je Prüfung ({users} Benutzer, {ms} ms)' },
  failing: { en: 'failing', de: 'Fehler' },
  warning: { en: 'warnings', de: 'Warnungen' },
  basis: { en: 'counted how', de: 'wie gezählt' },
  helpTitle: { en: 'Why a reset is refused: {id}', de: 'Warum eine Zurücksetzung abgelehnt wird: {id}' },
  helpOther: { en: 'Your help desk can run the doctor for your account: it names this check ({id}) and how to fix it.', de: 'Ihr Helpdesk kann die Diagnose für Ihr Konto ausführen: Sie nennt diese Prüfung ({id}) und die Abhilfe.' },
  back: { en: 'Back to the reset', de: 'Zurück zur Zurücksetzung' },
};
const w = (lang: Lang, key: string, params: Record<string, string | number> = {}) =>
  (words[key]?.[lang] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));

/** What a user reads about the refusals the reset flow can give (cause, then what to do), per catalogue id. */
const userHelp: Partial<Record<CheckId, { en: [string, string]; de: [string, string] }>> = {
  'sspr-enabled': {
    en: ['Your organisation has not enabled self-service password reset for your account (it may be limited to a group).', 'Ask your help desk to enable it for you, or to reset your password.'],
    de: ['Ihre Organisation hat die Self-Service-Zurücksetzung für Ihr Konto nicht aktiviert (sie kann auf eine Gruppe beschränkt sein).', 'Bitten Sie Ihren Helpdesk, sie für Sie zu aktivieren oder Ihr Kennwort zurückzusetzen.'],
  },
  'license-assigned': {
    en: ['Your account has no licence that includes self-service password reset.', 'Ask your help desk to assign the licence.'],
    de: ['Ihr Konto hat keine Lizenz, die die Self-Service-Zurücksetzung enthält.', 'Bitten Sie Ihren Helpdesk, die Lizenz zuzuweisen.'],
  },
  'methods-registered': {
    en: ['You have registered fewer verification methods than your organisation requires.', 'Sign in to My account → Security info and add methods (e-mail, phone, authenticator app …), or ask your help desk.'],
    de: ['Sie haben weniger Überprüfungsmethoden registriert, als Ihre Organisation verlangt.', 'Melden Sie sich bei Mein Konto → Sicherheitsinformationen an und fügen Sie Methoden hinzu (E-Mail, Telefon, Authenticator-App …), oder fragen Sie Ihren Helpdesk.'],
  },
  'admin-policy': {
    en: ['Administrators need two verification methods, and security questions never count for them.', 'Register two methods such as e-mail and an authenticator app or a passkey.'],
    de: ['Administratoren brauchen zwei Überprüfungsmethoden, und Sicherheitsfragen zählen für sie nie.', 'Registrieren Sie zwei Methoden, etwa E-Mail und eine Authenticator-App oder einen Passkey.'],
  },
  'account-state': {
    en: ['Your account is disabled or expired.', 'Ask your help desk to enable it.'],
    de: ['Ihr Konto ist deaktiviert oder abgelaufen.', 'Bitten Sie Ihren Helpdesk, es zu aktivieren.'],
  },
  throttled: {
    en: ['Too many reset attempts were made for this account, so resets are paused for a while.', 'Wait until the time shown, or ask your help desk to reset your password.'],
    de: ['Für dieses Konto gab es zu viele Zurücksetzungsversuche, daher sind sie eine Weile gesperrt.', 'Warten Sie bis zur angezeigten Zeit oder bitten Sie Ihren Helpdesk, Ihr Kennwort zurückzusetzen.'],
  },
};

function reportHtml(report: DoctorReport, lang: Lang): SafeHtml {
  const question = report.user === null ? w(lang, 'service') : w(lang, 'canReset', { user: report.user });
  const rows = report.checks.map(
    (c) => html`<tr class="check-${c.status}" id="check-${c.id}"><th scope="row"><a href="${checkHelpPath(c.id)}">${c.id}</a></th><td class="status">${c.status}</td><td>${c.summary}</td><td>${c.evidence}</td><td>${c.fix}</td></tr>`,
  );
  const summary = report.summary
    ? html`<h2>${w(lang, 'counts', { users: report.summary.users, ms: report.summary.elapsedMs })}</h2>
<table id="doctor-summary"><thead><tr><th>${w(lang, 'check')}</th><th>${w(lang, 'failing')}</th><th>${w(lang, 'warning')}</th><th>${w(lang, 'basis')}</th></tr></thead>
<tbody>${report.summary.checks.map((l) => html`<tr><th scope="row">${l.id}</th><td>${String(l.failing)}</td><td>${String(l.warning)}</td><td>${l.basis}</td></tr>`)}</tbody></table>`
    : '';
  return html`<h2 id="doctor-answer">${question} <strong>${report.canReset ? w(lang, 'yes') : w(lang, 'no')}</strong></h2>
<table id="doctor-checks"><thead><tr><th>${w(lang, 'check')}</th><th>${w(lang, 'status')}</th><th>${w(lang, 'summary')}</th><th>${w(lang, 'evidence')}</th><th>${w(lang, 'fix')}</th></tr></thead>
<tbody>${rows}</tbody></table>
${summary}`;
}

/**
 * `/admin/doctor[?user=NAME]`: the doctor behind the console gate (need `read`; a helpdesk operator sees only the
 * accounts it may act on). A GET form: the page changes nothing.
 * `/help/checks/{id}`: the public catalogue entry the reset flow's refusals link to.
 */
export async function adminDoctorPages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  app.get('/admin/doctor', async (request: FastifyRequest, reply: FastifyReply) => {
    const operator = await requireConsolePage(services, kit, request, reply, 'read');
    if (!operator) return reply;
    const lang = request.ctx.lang;
    const username = String((request.query as Record<string, unknown> | undefined)?.user ?? '').trim().slice(0, 256);
    let report: DoctorReport | null = null;
    let error: string | undefined;
    let status = 200;
    try {
      const target = username ? await services.directory.findUser(username) : null;
      if (target) await operatorMayActOn(services, operator, target);
      report = username ? await services.doctor.diagnoseUser(username, lang) : await services.doctor.diagnoseService(lang);
    } catch (caught) {
      if (!(caught instanceof SsprError) || caught.status >= 500) throw caught;
      error = caught.messageIn(lang);
      status = caught.status;
    }
    return kit.render(
      request,
      reply,
      w(lang, 'title'),
      () => html`<form method="get" action="/admin/doctor">
<label for="user">${w(lang, 'user')}</label>
<input type="text" id="user" name="user" value="${username}" maxlength="256" autocapitalize="none" spellcheck="false">
<button type="submit">${w(lang, 'run')}</button>
</form>
${report ? reportHtml(report, lang) : ''}`,
      { status, ...(error ? { error } : {}) },
    );
  });

  app.get<{ Params: { id: string } }>('/help/checks/:id', async (request, reply) => {
    const { id } = request.params;
    if (!isCheckId(id)) throw new SsprError('not-found');
    const lang = request.ctx.lang;
    const help = userHelp[id]?.[lang];
    return kit.render(
      request,
      reply,
      w(lang, 'helpTitle', { id }),
      () => html`${help ? html`<p id="help-cause">${help[0]}</p><p id="help-fix">${help[1]}</p>` : html`<p>${w(lang, 'helpOther', { id })}</p>`}
<p><a href="/reset">${w(lang, 'back')}</a></p>`,
    );
  });
}
