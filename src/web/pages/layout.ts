import { html, type SafeHtml } from '../html.js';
import { languages, type Lang } from '../../i18n/lang.js';
import { t } from './ui-text.js';
import { catalogueMemo } from './catalogue-memo.js';
// --- branding hooks (integrity/branding): types and the footer ---
import type { BrandingView } from '../branding.js';
import { message } from '../../i18n/messages.js';

/** The help-desk line every page ends with when the operator configured one (branding.helpdesk). */
function helpdeskFooter(lang: Lang, branding: BrandingView | undefined): SafeHtml | '' {
  const desk = branding?.helpdesk;
  if (!desk || (!desk.phone && !desk.url)) return '';
  const phone = desk.phone ? html`<a href="tel:${desk.phone.replace(/[^+0-9]/g, '')}">${message(lang, 'integrity.branding.helpdesk.phone', { phone: desk.phone })}</a>` : '';
  const url = desk.url ? html`<a href="${desk.url}" rel="noopener">${desk.url}</a>` : '';
  return html`<footer class="helpdesk" id="helpdesk"><strong>${message(lang, 'integrity.branding.helpdesk')}</strong>: ${phone}${phone && url ? ' · ' : ''}${url}</footer>`;
}
// --- end branding hooks ---

export interface PageContext {
  lang: Lang;
  organisation: string;
  csrfToken: string;
  demo: boolean;
  /** The request's query string (without "?"); the language links keep its other parameters. */
  query?: string;
  /** The operator's branding (logo, stylesheets, help desk); absent in pages rendered without it. */
  branding?: BrandingView;
}

/** The page frame: language switch, heading, and an optional error banner (role=alert for screen readers). */
export function layout(page: PageContext, title: string, body: SafeHtml, error?: string): string {
  const query = page.query ?? '';
  // Without a query the switch depends on the language alone (its links are "?lang=…").
  const switcher = query === '' ? plainSwitch(page.lang, () => languageSwitch(page.lang, '')) : languageSwitch(page.lang, query);
  return html`<!doctype html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${page.organisation}</title>
<link rel="stylesheet" href="/assets/app.css">
${(page.branding?.stylesheets ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
</head>
<body>
<a class="skip" href="#main">${t(page.lang, 'nav.skip')}</a>
<header><a class="brand" href="/">${page.branding?.logoUrl ? html`<img src="${page.branding.logoUrl}" alt="">` : ''}${page.organisation}</a>
${switcher}</header>
<main id="main">
<h1>${title}</h1>
${error ? html`<p class="error" role="alert" id="error">${error}</p>` : ''}
${body}
</main>
${page.demo ? html`<footer><a href="/demo/outbox">${t(page.lang, 'outbox.link')}</a></footer>` : ''}
${helpdeskFooter(page.lang, page.branding)}
</body>
</html>
`.value;
}

const plainSwitch = catalogueMemo<SafeHtml>(languages.length);

/**
 * The language switch: a disclosure that names the current language and opens to one link per language of
 * `languages` (each named in its own language, with its lang attribute). Works without JavaScript. Each link
 * is the same page ("?" + query, so never another origin or path) with the current query's other parameters
 * kept and `lang` set, re-encoded by URLSearchParams.
 */
function languageSwitch(current: Lang, query: string): SafeHtml {
  const hrefFor = (lang: Lang) => {
    const params = new URLSearchParams(query);
    params.delete('lang');
    params.append('lang', lang);
    return `?${params.toString()}`;
  };
  return html`<nav aria-label="${t(current, 'nav.language')}" class="lang"><details><summary><span class="visually-hidden">${t(current, 'nav.language')}: </span>${t(current, 'lang.name')}</summary>
<ul>${languages.map((lang) =>
    lang === current
      ? html`<li><a href="${hrefFor(lang)}" hreflang="${lang}" lang="${lang}" aria-current="true">${t(lang, 'lang.name')}</a></li>`
      : html`<li><a href="${hrefFor(lang)}" hreflang="${lang}" lang="${lang}">${t(lang, 'lang.name')}</a></li>`,
  )}</ul></details></nav>`;
}

export function csrfField(page: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${page.csrfToken}">`;
}
