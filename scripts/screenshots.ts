// `npm run screenshots`: every page a user or an administrator sees (test/support/page-tour.ts, console pages
// included), at 1280 px and 390 px (or the widths in SSPR_SCREENSHOT_WIDTHS, e.g. "390 320"), light and dark, in
// each language of src/i18n/lang.ts (or those given in SSPR_SCREENSHOT_LANGS, e.g. "en de ja"), every stop or only
// those whose name starts with one of SSPR_SCREENSHOT_PAGES (e.g. "console admin-doctor"), written to
// screenshots/<page>-<lang>-<width>-<scheme>.png. Runs the built demo server in a temporary data dir with the
// captcha off, sets passwords for alice (user), dieter (administrator) and carla (helpdesk operator, role given
// through the CLI) and creates an admin API token (so the access page lists one). One browser context per width
// and scheme walks one reset flow, dieter's console, then carla's (console-hd-*).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/support/chromium.js';
import { runCli, startServerProcess } from '../test/support/processes.js';
import { walkTour } from '../test/support/page-tour.js';
import { languages as shipped } from '../src/i18n/lang.js';

const languages = (process.env.SSPR_SCREENSHOT_LANGS?.split(/\s+/).filter(Boolean) ?? [...shipped]);
const pagePrefixes = process.env.SSPR_SCREENSHOT_PAGES?.split(/\s+/).filter(Boolean) ?? [];
const wanted = (stop: string) => pagePrefixes.length === 0 || pagePrefixes.some((prefix) => stop.startsWith(prefix));
const widths = process.env.SSPR_SCREENSHOT_WIDTHS?.split(/\s+/).filter(Boolean).map(Number) ?? [1280, 390];
const schemes = ['light', 'dark'] as const;
const out = join(process.cwd(), 'screenshots');
// Without a font for a language's script, Chromium draws boxes: the pictures would look fine to no one.
for (const [lang, pkg] of [['ja', 'fonts-ipafont-gothic']] as const) {
  const fonts = spawnSync('fc-list', [`:lang=${lang}`], { encoding: 'utf8' });
  if (languages.includes(lang) && fonts.status === 0 && fonts.stdout.trim() === '') {
    console.warn(`no font for "${lang}" is installed: its pictures will show boxes (apt-get install ${pkg})`);
  }
}
const password = 'Screenshot-Tour-2026!';

const dataDir = mkdtempSync(join(tmpdir(), 'sspr-screens-'));
// SSPR_SMTP_URL passes through: e.g. smtp://127.0.0.1:1 shows the console while the mail server does not answer.
const env = { SSPR_DATA_DIR: dataDir, SSPR_CAPTCHA: 'off', SSPR_LOG_LEVEL: 'warn', ...(process.env.SSPR_SMTP_URL ? { SSPR_SMTP_URL: process.env.SSPR_SMTP_URL } : {}) };
const server = await startServerProcess((port) => ({ ...env, SSPR_PORT: String(port) }), 'demo');
const browser = await launchChromium();
try {
  for (const user of ['alice', 'dieter', 'carla']) {
    const set = runCli(['user', 'set-password', user], { env, input: `${password}\n`, timeoutMs: 120_000 });
    if (set.status !== 0) throw new Error(`set-password ${user} (status ${set.status}): ${set.stderr}`);
  }
  const role = runCli(['role', 'assign', 'helpdesk', 'carla'], { env, timeoutMs: 120_000 });
  if (role.status !== 0) throw new Error(`role assign helpdesk carla (status ${role.status}): ${role.stderr}`);
  const token = runCli(['admin', 'token', 'create', '--name', 'nightly-export'], { env, timeoutMs: 120_000 });
  if (token.status !== 0) throw new Error(`admin token create (status ${token.status}): ${token.stderr}`);
  mkdirSync(out, { recursive: true });
  let count = 0;
  for (const width of widths) {
    for (const scheme of schemes) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      await walkTour(page, { base: server.baseUrl, password, console: true, helpdesk: 'carla' }, async (stop) => {
        if (!wanted(stop.name)) return;
        for (const lang of languages) {
          await stop.show(lang);
          await page.screenshot({ path: join(out, `${stop.name}-${lang}-${width}-${scheme}.png`), fullPage: true });
          count++;
        }
      });
      await context.close();
    }
  }
  process.stdout.write(`${count} screenshots in ${out}\n`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
