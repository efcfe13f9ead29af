import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { html, type SafeHtml } from './html.js';
import { consolePagesCss } from './admin/console-pages-css.js';

/** The only stylesheet: served from our origin so the CSP can forbid inline styles. */
export const appCss = `
:root { color-scheme: light dark; --accent: #0b5cad; --error: #b00020; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; }
h1, h2 { overflow-wrap: break-word; hyphens: auto; }
header { display: flex; justify-content: space-between; align-items: center; padding: .75rem 1.5rem; border-bottom: 1px solid #8884; }
.brand { font-weight: 600; text-decoration: none; color: inherit; }
main { max-width: 34rem; margin: 2rem auto; padding: 0 1.5rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
.help { color: light-dark(#595959, #b3b3b3); font-size: .9rem; margin: .25rem 0; }
input[type=text], input[type=password], input[type=email] { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; margin-top: .25rem; }
button, .button { margin-top: 1.25rem; padding: .6rem 1.2rem; font-size: 1rem; background: var(--accent); color: #fff; border: 0; border-radius: 4px; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: transparent; color: var(--accent); border: 1px solid var(--accent); }
.error { border-left: 4px solid var(--error); padding: .5rem .75rem; background: #b0002014; }
.notice { border-left: 4px solid #1a7f37; padding: .5rem .75rem; background: #1a7f3714; }
.methods label { font-weight: normal; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
pre { white-space: pre-wrap; background: #8881; padding: .75rem; }
form.inline { display: inline; } form.inline button { margin: 0 0 0 .5rem; padding: .2rem .6rem; font-size: .85rem; }
ul.registered li { margin: .4rem 0; }
select { width: 100%; padding: .5rem; margin-top: .25rem; font-size: 1rem; }
footer { text-align: center; margin: 2rem; font-size: .9rem; }
.feedback { margin: .5rem 0 0; padding-left: 1.2rem; font-size: .9rem; }
.feedback[data-accepted=false] { color: var(--error); }
.feedback[data-accepted=true] { color: #1b7f3b; list-style: '✓ '; }
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
