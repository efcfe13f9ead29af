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
  const switcher = languages.map((lang) =>
    lang === page.lang
      ? html`<span aria-current="true">${t(lang, 'lang.name')}</span> `
      : html`<a href="?lang=${lang}" hreflang="${lang}" lang="${lang}">${t(lang, 'lang.name')}</a> `,
  );
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
<nav aria-label="${t(page.lang, 'nav.language')}" class="lang">${switcher}</nav></header>
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

export function csrfField(page: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${page.csrfToken}">`;
}
