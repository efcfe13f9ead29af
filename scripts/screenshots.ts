// `npm run screenshots`: every page a user or an administrator sees, at 1280 px and 390 px, light and dark, in
// each language given (default: en de), written to screenshots/<page>-<lang>-<width>-<scheme>.png. Runs the built
// demo server in a temporary data dir with the captcha off, sets passwords for alice (user) and dieter
// (administrator) through the CLI, and walks a reset as far as the code page.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { runCli, startServerProcess } from '../test/support/processes.js';

const languages = (process.env.SSPR_SCREENSHOT_LANGS ?? 'en de').split(/\s+/).filter(Boolean);
const widths = [1280, 390];
const schemes = ['light', 'dark'] as const;
const out = join(process.cwd(), 'screenshots');
const password = 'Screenshot-Tour-2026!';

interface Shot {
  name: string;
  /** Signed in as this user first, or anonymous. */
  as?: 'alice' | 'dieter';
  /** Brings the page to the state to photograph. */
  open: (page: Page, base: string, lang: string) => Promise<void>;
}

const shots: Shot[] = [
  { name: 'home', open: (p, b, l) => go(p, `${b}/?lang=${l}`) },
  { name: 'reset-start', open: (p, b, l) => go(p, `${b}/reset?lang=${l}`) },
  {
    name: 'reset-method',
    open: async (p, b, l) => {
      await go(p, `${b}/reset?lang=${l}`);
      await p.fill('input[name=username]', 'alice');
      await Promise.all([p.waitForNavigation(), p.press('input[name=username]', 'Enter')]);
    },
  },
  {
    name: 'reset-code',
    open: async (p, b, l) => {
      await shots.find((s) => s.name === 'reset-method')!.open(p, b, l);
      await Promise.all([p.waitForNavigation(), p.locator('form[action="/reset/send"] button').first().click()]);
    },
  },
  { name: 'signin', open: (p, b, l) => go(p, `${b}/signin?lang=${l}`) },
  { name: 'account', as: 'alice', open: (p, b, l) => go(p, `${b}/account?lang=${l}`) },
  { name: 'security-info', as: 'alice', open: (p, b, l) => go(p, `${b}/account/security?lang=${l}`) },
  { name: 'admin-step-up', as: 'dieter', open: (p, b, l) => go(p, `${b}/admin/step-up?lang=${l}`) },
  {
    name: 'admin-doctor',
    as: 'dieter',
    open: async (p, b, l) => {
      await go(p, `${b}/admin/doctor?user=alice&lang=${l}`);
      if (new URL(p.url()).pathname === '/admin/step-up') await stepUpByMail(p, b);
    },
  },
  { name: 'help-check', open: (p, b, l) => go(p, `${b}/help/checks/methods-registered?lang=${l}`) },
];

async function go(page: Page, url: string): Promise<void> {
  const response = await page.goto(url);
  if (!response || response.status() >= 500) throw new Error(`${url} answered ${response?.status()}`);
}

/** The console's second proof for the demo administrator: a code sent by e-mail, read off the demo outbox. */
async function stepUpByMail(page: Page, base: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/admin/step-up/send"] button').first().click()]);
  const outbox = await page.context().newPage();
  let code: string | undefined;
  for (let tries = 0; tries < 20 && !code; tries++) {
    await go(outbox, `${base}/demo/outbox`);
    code = /code is: (\d{6,10})/.exec((await outbox.textContent('body')) ?? '')?.[1];
    if (!code) await outbox.waitForTimeout(100);
  }
  await outbox.close();
  if (!code) throw new Error('no step-up code in the demo outbox');
  await page.fill('input[name=code]', code);
  await Promise.all([page.waitForNavigation(), page.press('input[name=code]', 'Enter')]);
}

async function signIn(page: Page, base: string, username: string): Promise<void> {
  await go(page, `${base}/signin`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.press('input[name=password]', 'Enter')]);
}

const dataDir = mkdtempSync(join(tmpdir(), 'sspr-screens-'));
const env = { SSPR_DATA_DIR: dataDir, SSPR_CAPTCHA: 'off', SSPR_LOG_LEVEL: 'warn' };
const server = await startServerProcess((port) => ({ ...env, SSPR_PORT: String(port) }), 'demo');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  for (const user of ['alice', 'dieter']) {
    const set = runCli(['user', 'set-password', user], { env, input: `${password}\n` });
    if (set.status !== 0) throw new Error(`set-password ${user}: ${set.stderr}`);
  }
  mkdirSync(out, { recursive: true });
  let count = 0;
  for (const lang of languages) {
    for (const width of widths) {
      for (const scheme of schemes) {
        for (const shot of shots) {
          const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, locale: lang });
          const page = await context.newPage();
          if (shot.as) await signIn(page, server.baseUrl, shot.as);
          await shot.open(page, server.baseUrl, lang);
          await page.screenshot({ path: join(out, `${shot.name}-${lang}-${width}-${scheme}.png`), fullPage: true });
          await context.close();
          count++;
        }
      }
    }
  }
  process.stdout.write(`${count} screenshots in ${out}\n`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
