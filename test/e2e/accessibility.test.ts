import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli, startServerProcess, type ServerProcess } from '../support/processes.js';
import { walkTour } from '../support/page-tour.js';
import { languages as everyLanguage } from '../../src/i18n/lang.js';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const password = 'Accessible-Tour-2026!';
/** Every page in English and German; the reset pages in every shipped language. */
const languages = ['en', 'de'];
const languagesOf = (stop: string) => (stop.startsWith('reset') ? [...new Set([...languages, ...everyLanguage])] : languages);

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * Every page a person sees (test/support/page-tour.ts: the reset steps with the code page and the refused new
 * password, sign-in, My account with a refused change, security info and each add-method page, a help page,
 * the error page; as the demo administrator, stepped up, the doctor and every console section its menu lists), in
 * light and dark, at 1280 and 320 px, in English and German (the reset pages in every language of lang.ts):
 * axe-core finds no violation
 * of any impact, and no page scrolls sideways. One browser, one context per scheme and width, one reset flow
 * per context.
 */
describe('accessibility of every page (axe-core, Chromium)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-a11y-'));
    const env = { SSPR_DATA_DIR: dataDir, SSPR_CAPTCHA: 'off', SSPR_LOG_LEVEL: 'warn' };
    server = await startServerProcess((port) => ({ ...env, SSPR_PORT: String(port) }), 'demo');
    for (const user of ['alice', 'dieter']) {
      const set = runCli(['user', 'set-password', user], { env, input: `${password}\n` });
      assert.equal(set.status, 0, set.stderr);
    }
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** axe's violations on the page as it stands, and whether it is wider than the viewport. */
  const audit = async (page: Page): Promise<string[]> => {
    // Page-side code as strings: the test's TypeScript has no DOM types.
    if (!(await page.evaluate('typeof axe === "object"'))) await page.addScriptTag({ content: axeSource });
    const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)')) as AxeViolation[];
    const found = violations.map((v) => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
    const widths = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })')) as { scroll: number; client: number };
    if (widths.scroll > widths.client) found.push(`scrolls sideways: ${widths.scroll} px content in ${widths.client} px`);
    return found;
  };

  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 320]) {
      it(`${scheme}, ${width} px: no axe violations and no sideways scrolling, in ${languages.join(' and ')}`, async () => {
        // bypassCSP lets axe's source in as an inline script; the pages' own CSP is tested elsewhere.
        const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: scheme, bypassCSP: true });
        const page = await context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        const problems: string[] = [];
        let visited = 0;
        await walkTour(page, { base: server.baseUrl, password, console: true }, async (stop) => {
          for (const lang of languagesOf(stop.name)) {
            await stop.show(lang);
            for (const problem of await audit(page)) problems.push(`${stop.name} [${lang}]: ${problem}`);
            visited++;
          }
        });
        await context.close();
        assert.ok(visited >= 30, `visited ${visited} pages`);
        assert.deepEqual(problems, []);
      });
    }
  }
});
