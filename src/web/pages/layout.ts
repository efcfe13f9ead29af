import { html, type SafeHtml } from '../html.js';
import { languages, type Lang } from '../../i18n/lang.js';
import { t } from './ui-text.js';

export interface PageContext {
  lang: Lang;
  organisation: string;
  csrfToken: string;
  demo: boolean;
}

/** The page frame: language switch, heading, and an optional error banner (role=alert for screen readers). */
export function layout(page: PageContext, title: string, body: SafeHtml, error?: string): string {
  const switcher = languageSwitch(page.lang);
  return html`<!doctype html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${page.organisation}</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<a class="skip" href="#main">${t(page.lang, 'nav.skip')}</a>
<header><a class="brand" href="/">${page.organisation}</a>
${switcher}</header>
<main id="main">
<h1>${title}</h1>
${error ? html`<p class="error" role="alert" id="error">${error}</p>` : ''}
${body}
</main>
${page.demo ? html`<footer><a href="/demo/outbox">${t(page.lang, 'outbox.link')}</a></footer>` : ''}
</body>
</html>
`.value;
}

/**
 * The language switch: a disclosure that names the current language and opens to one link per language of
 * `languages` (each named in its own language, with its lang attribute). Works without JavaScript.
 */
function languageSwitch(current: Lang): SafeHtml {
  return html`<nav aria-label="${t(current, 'nav.language')}" class="lang"><details><summary><span class="visually-hidden">${t(current, 'nav.language')}: </span>${t(current, 'lang.name')}</summary>
<ul>${languages.map((lang) =>
    lang === current
      ? html`<li><a href="?lang=${lang}" hreflang="${lang}" lang="${lang}" aria-current="true">${t(lang, 'lang.name')}</a></li>`
      : html`<li><a href="?lang=${lang}" hreflang="${lang}" lang="${lang}">${t(lang, 'lang.name')}</a></li>`,
  )}</ul></details></nav>`;
}

export function csrfField(page: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${page.csrfToken}">`;
}
