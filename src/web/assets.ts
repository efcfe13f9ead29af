import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { html, type SafeHtml } from './html.js';
import { consolePagesCss } from './admin/console-pages-css.js';

/** The only stylesheet: served from our origin so the CSP can forbid inline styles. */
export const appCss = `
:root { color-scheme: light dark; --accent: #0b5cad; --link: light-dark(#0b5cad, #9cc3ff); --text-muted: light-dark(#4d4d4d, #c2c2c2);
  --error: light-dark(#a3001b, #ff9ea8); --ok: light-dark(#17692f, #7ddc94); --border: light-dark(#767676, #8f8f8f);
  --bg: light-dark(#fff, #121212); --fg: light-dark(#1a1a1a, #ededed); --focus: light-dark(#1a1a1a, #ffd84d); }
html { -webkit-text-size-adjust: 100%; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: var(--bg); color: var(--fg); overflow-wrap: break-word; }
input, button, select, textarea { font: inherit; color: inherit; }
a { color: var(--link); }
h1, h2, h3, legend, label, summary { overflow-wrap: anywhere; hyphens: auto; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; line-height: 1.3; margin: 2rem 0 .5rem; }
p, li, dd { hyphens: auto; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
header { display: flex; flex-wrap: wrap; gap: .5rem; justify-content: space-between; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--border); }
.brand { font-weight: 600; text-decoration: none; color: inherit; }
main { max-width: 36rem; margin: 1.5rem auto; padding: 0 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
nav.lang details { position: relative; }
nav.lang summary { cursor: pointer; padding: .25rem .5rem; border: 1px solid var(--border); border-radius: 4px; list-style-position: inside; }
nav.lang ul { position: absolute; right: 0; z-index: 1; margin: .25rem 0 0; padding: .25rem 0; list-style: none; background: var(--bg); border: 1px solid var(--border); border-radius: 4px; min-width: 10rem; }
nav.lang li a { display: block; padding: .35rem .75rem; }
nav.lang a[aria-current] { font-weight: 600; }
label { display: block; font-weight: 600; margin-top: 1rem; }
.help { color: var(--text-muted); font-size: .9rem; margin: .25rem 0; }
input[type=text], input[type=password], input[type=email], input[type=tel], input[type=number], input[type=date], select, textarea { width: 100%; box-sizing: border-box; padding: .6rem; margin-top: .25rem; border: 1px solid var(--border); border-radius: 4px; background: var(--bg); }
input[aria-invalid=true] { border: 2px solid var(--error); }
.field-error { color: var(--error); font-size: .9rem; margin: .25rem 0; }
button, .button { margin-top: 1.25rem; padding: .6rem 1.2rem; background: var(--accent); color: #fff; border: 1px solid var(--accent); border-radius: 4px; cursor: pointer; text-decoration: none; display: inline-block; max-width: 100%; box-sizing: border-box; overflow-wrap: anywhere; }
button.secondary, .button.secondary { background: transparent; color: var(--link); border-color: var(--link); }
.error { border-left: 4px solid var(--error); padding: .5rem .75rem; background: light-dark(#fdecee, #3a1d21); }
.notice { border-left: 4px solid var(--ok); padding: .5rem .75rem; background: light-dark(#e9f6ec, #1b3323); }
.methods label { font-weight: normal; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .25rem .5rem; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: light-dark(#f2f2f2, #1f1f1f); padding: .75rem; }
code { overflow-wrap: anywhere; }
form.inline { display: inline; } form.inline button { margin: 0 0 0 .5rem; padding: .2rem .6rem; font-size: .85rem; }
ul.registered li { margin: .4rem 0; }
footer { text-align: center; margin: 2rem 1rem; font-size: .9rem; }
nav.steps ol { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: 0 0 1.25rem; font-size: .85rem; counter-reset: step; }
nav.steps li { counter-increment: step; color: var(--text-muted); }
nav.steps li::before { content: counter(step) ". "; }
nav.steps li[aria-current=step] { color: var(--fg); font-weight: 600; text-decoration: underline; text-underline-offset: .3em; }
fieldset.options { border: 0; padding: 0; margin: 1rem 0 0; }
fieldset.options legend { font-weight: 600; padding: 0; }
label.option { display: flex; gap: .6rem; align-items: baseline; font-weight: normal; margin: .5rem 0 0; padding: .6rem .75rem; border: 1px solid var(--border); border-radius: 4px; cursor: pointer; }
label.option input { flex: none; margin: 0; }
ul.confirmed { padding-left: 1.2rem; color: var(--ok); }
.links { margin-top: 1.5rem; }
ul.rules { list-style: none; padding: 0; margin: .5rem 0 0; font-size: .95rem; }
ul.rules li { padding-left: 1.6rem; position: relative; margin: .2rem 0; }
ul.rules li::before { position: absolute; left: 0; width: 1.2rem; text-align: center; content: "•" / ""; color: var(--text-muted); }
ul.rules li[data-state=met] { color: var(--ok); }
ul.rules li[data-state=met]::before { content: "✓" / ""; color: var(--ok); }
ul.rules li[data-state=unmet] { color: var(--error); }
ul.rules li[data-state=unmet]::before { content: "✗" / ""; color: var(--error); }
.methods-list { list-style: none; padding: 0; }
.methods-list li { border: 1px solid var(--border); border-radius: 4px; padding: .75rem; margin: .5rem 0; }
.methods-list .meta { color: var(--text-muted); font-size: .9rem; margin: .25rem 0 0; }
img { max-width: 100%; height: auto; }
select { width: 100%; padding: .5rem; margin-top: .25rem; font-size: 1rem; }
/* ---- helpdesk, policy editor, reports (console pages) ---- */
main:has(.hd, .pe, .rp) { max-width: 60rem; }
.hd section, .pe fieldset, .pe-preview { margin: 1.5rem 0; }
.hd-account { margin: .5rem 0; }
.hd-methods, .pe-methods { border: 0; padding: 0; margin: .5rem 0 0; }
.hd-methods legend, .pe-methods legend { font-weight: 600; }
.hd-methods ul, .pe-methods ul, .rp-list { list-style: none; padding: 0; }
.hd-methods li, .pe-methods li, .pe-flag { display: flex; gap: .5rem; align-items: baseline; margin: .35rem 0; }
.hd-methods label, .pe-methods label, .pe-flag label, .inline-label { display: inline; font-weight: normal; margin: 0; }
.hd textarea, .pe textarea { width: 100%; box-sizing: border-box; padding: .6rem; font: inherit; margin-top: .25rem; }
.hd button:disabled { background: light-dark(#767676, #5c5c5c); color: #fff; border-color: transparent; cursor: not-allowed; }
.hd-temp { font-size: 1.25rem; padding: .25rem .5rem; background: light-dark(#f0f0f0, #2a2a2a); white-space: nowrap; }
:is(.hd, .pe, .rp) button.secondary { color: light-dark(var(--accent), #9cc3ff); border-color: light-dark(var(--accent), #9cc3ff); }
:is(.hd, .pe, .rp) button.secondary:disabled { color: #fff; border-color: transparent; }
.pe input[inputmode=numeric] { max-width: 8rem; }
.pe fieldset { border: 1px solid #8886; border-radius: 4px; padding: .5rem 1rem 1rem; }
.pe fieldset > legend { font-weight: 600; padding: 0 .25rem; }
.pe-actions button { margin-right: .75rem; }
.pe-preview { border-left: 4px solid var(--accent); padding: .25rem 1rem; background: light-dark(#0b5cad0f, #0b5cad26); }
.pe-names { columns: 12rem; padding-left: 1.2rem; }
.pe-changes, .rp-table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
.pe-changes caption, .rp-table caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.pe-changes th, .pe-changes td, .rp-table th, .rp-table td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #8885; vertical-align: top; overflow-wrap: break-word; }
.rp-table thead th { border-bottom: 2px solid #888a; white-space: nowrap; }
.rp-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.rp-list li { margin: .75rem 0; }
.rp-days { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.rp-days label { margin: 0; } .rp-days input { width: 6rem; } .rp-days button { margin: 0; }
.rp-paging { display: flex; gap: 1rem; margin: 1rem 0; }
/* ---- end helpdesk, policy editor, reports ---- */
` + consolePagesCss;

/**
 * The browser scripts: real files in src/web/browser (type-checked with tsconfig.browser.json, linted), read
 * once at start-up. The directory is named from the repository root so the same path serves from `src/`
 * (tsx) and from `dist/` (built). The passkey asset is the UMD build of @simplewebauthn/browser (from
 * node_modules, version-matched to @simplewebauthn/server) followed by our client, so pages load one file.
 */
const browserDir = new URL('../../src/web/browser/', import.meta.url);
const browserFile = (name: string) => readFileSync(new URL(name, browserDir), 'utf8');
const simpleWebAuthnBrowserJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'), 'utf8');

export const passwordFeedbackJs = browserFile('password-feedback.js');
export const captchaClientJs = browserFile('captcha.js');
export const passkeyClientJs = `${simpleWebAuthnBrowserJs}\n${browserFile('passkey.js')}`;

/** Served at /assets/<name>; pages reference them with `scriptTag`, which adds Subresource Integrity. */
export const scripts = {
  'password-feedback.js': passwordFeedbackJs,
  'passkey.js': passkeyClientJs,
  'captcha.js': captchaClientJs,
} as const;
export type ScriptName = keyof typeof scripts;

const integrity = Object.fromEntries(
  Object.entries(scripts).map(([name, body]) => [name, `sha384-${createHash('sha384').update(body).digest('base64')}`]),
) as Record<ScriptName, string>;

/** `<script src=… integrity=… defer>`: the browser runs the asset only if it is byte for byte the one served. */
export function scriptTag(name: ScriptName): SafeHtml {
  return html`<script src="/assets/${name}" integrity="${integrity[name]}" defer></script>`;
}
