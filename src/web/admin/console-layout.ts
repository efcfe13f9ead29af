import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../pages/page-kit.js';
import type { PageContext } from '../pages/layout.js';
import { html, type SafeHtml } from '../html.js';
import { domainText, message, type DomainText } from '../../i18n/messages.js';
import type { Lang } from '../../i18n/lang.js';
import { operatorHolds, type ConsoleNeed, type Operator } from './console-access.js';

/**
 * The console's sections, in menu order: path, the need that shows the entry (`account`: administrators and
 * helpdesk operators; `read`: organisation-wide, administrators only among console users; `admin`: administrators
 * only). A new console page is one entry here plus its route module.
 */
export const consoleSections = [
  { id: 'overview', path: '/admin', need: 'read' },
  { id: 'users', path: '/admin/users', need: 'account' },
  { id: 'policy', path: '/admin/policy', need: 'admin' },
  { id: 'directory', path: '/admin/directory', need: 'admin' },
  { id: 'audit', path: '/admin/audit', need: 'read' },
  { id: 'reports', path: '/admin/reports', need: 'read' },
  { id: 'doctor', path: '/admin/doctor', need: 'account' },
  { id: 'access', path: '/admin/access', need: 'admin' },
] as const satisfies readonly { id: string; path: string; need: ConsoleNeed }[];

export type ConsoleSection = (typeof consoleSections)[number]['id'];

/** A console text in the reader's language (messages/<lang>/console.json, keys without the `console.` prefix). */
export const ct: DomainText<'console'> = domainText('console');

const knownSources = ['local', 'ldap', 'ad'] as const;

/** Where an account lives ('local', or a directory kind such as 'ldap' or 'ad') in words; an unknown one as stored. */
export function accountSourceLabel(lang: Lang, source: string): string {
  const known = knownSources.find((s) => s === source);
  return known ? message(lang, 'console-users.source', { source: known }) : source;
}

function mayOpen(operator: Operator, need: ConsoleNeed): boolean {
  return operatorHolds(operator, need);
}

/** The console menu: one entry per section the operator may open, the current one marked with aria-current. */
export function consoleNav(page: PageContext, operator: Operator, active: ConsoleSection): SafeHtml {
  const entries = consoleSections
    .filter((section) => mayOpen(operator, section.need))
    .map((section) =>
      section.id === active
        ? html`<li><a href="${section.path}" aria-current="page">${message(page.lang, `console.nav.${section.id}`)}</a></li>`
        : html`<li><a href="${section.path}">${message(page.lang, `console.nav.${section.id}`)}</a></li>`,
    );
  return html`<nav class="console-nav" aria-label="${message(page.lang, 'console.nav.label')}"><ul>${entries}</ul></nav>`;
}

/** Renders a console page: the menu, then the section's body. */
export function renderConsole(
  kit: PageKit,
  request: FastifyRequest,
  reply: FastifyReply,
  operator: Operator,
  section: ConsoleSection,
  title: string,
  body: (page: PageContext) => SafeHtml,
  options: { status?: number; error?: string } = {},
) {
  return kit.render(request, reply, title, (page) => html`${consoleNav(page, operator, section)}
<div class="console">${body(page)}</div>`, options);
}
