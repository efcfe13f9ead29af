import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { runCli, startServerProcess, type ServerProcess } from '../support/processes.js';
import { walkTour } from '../support/page-tour.js';
import { languages as everyLanguage } from '../../src/i18n/lang.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const password = 'Accessible-Tour-2026!';
/** Every page in English and German, audited in every scheme and width; the reset pages in every shipped language. */
const languages = ['en', 'de'];
const languagesOf = (stop: string) => (stop.startsWith('reset') ? [...new Set([...languages, ...everyLanguage])] : languages);

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: unknown[] }>;
}

/** The colour schemes and widths (px) every page is checked in; operator pages also at a phone's 390 px. */
const schemes = ['light', 'dark'] as const;
const widths = [1280, 320];
const phone = 390;
const isOperatorPage = (stop: string) => stop.startsWith('console') || stop.startsWith('admin-');
const widthsOf = (stop: string) => (isOperatorPage(stop) ? [widths[0]!, phone, widths[1]!] : widths);
/** Console tables that must have been seen at 390 px with their last column on screen (ids, else first class). */
const phoneTables = ['doctor-checks', 'activity', 'users', 'audit-events', 'rp-resets', 'pe-changes', 'operators', 'tokens', 'licences'];

/**
 * Every page a person sees (test/support/page-tour.ts: the reset steps with the code page and the refused new
 * password, sign-in, My account with a refused change, security info and each add-method page, a help page,
 * the error page; as the demo administrator, stepped up, the doctor and every console section its menu lists; as a
 * helpdesk operator, their user list, an account's page, the caller verification and an organisation-wide refusal),
 * in English and German (the reset pages in every language of lang.ts): no page scrolls sideways at 1280 or
 * 320 px (operator pages also at 390 px), in any of these languages; at 390 px each row of every console table
 * shown ends inside the viewport (its last column: an outcome, the action buttons); axe-core finds no violation
 * of any impact in English and German in light and dark at every width (colour contrast is per scheme, the rest
 * of axe's rules per page), and in every other language in light at 320 px (its words in the narrowest layout).
 * One browser, one context, one reset flow: each page is loaded once per language, then the scheme and width are
 * switched on it (the stylesheet follows both through media and container queries and light-dark(), with no
 * script of its own).
 */
describe('accessibility of every page (axe-core, Chromium)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sspr-a11y-'));
    const env = { SSPR_DATA_DIR: dataDir, SSPR_CAPTCHA: 'off', SSPR_LOG_LEVEL: 'warn' };
    server = await startServerProcess((port) => ({ ...env, SSPR_PORT: String(port) }), 'demo');
    for (const user of ['alice', 'dieter', 'carla']) {
      const set = runCli(['user', 'set-password', user], { env, input: `${password}\n` });
      assert.equal(set.status, 0, set.stderr);
    }
    // A helpdesk operator, whose console (user list, an account, caller verification, a refusal) is walked too.
    const role = runCli(['role', 'assign', 'helpdesk', 'carla'], { env });
    assert.equal(role.status, 0, role.stderr);
    // A token, so the access page shows its tokens table with a revoke button per row.
    const token = runCli(['admin', 'token', 'create', '--name', 'nightly-export'], { env });
    assert.equal(token.status, 0, token.stderr);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** axe's violations on the page as it stands. */
  const axeViolations = async (page: Page): Promise<string[]> => {
    // Page-side code as strings: the test's TypeScript has no DOM types.
    if (!(await page.evaluate('typeof axe === "object"'))) await page.addScriptTag({ content: axeSource });
    const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)')) as AxeViolation[];
    return violations.map((v) => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
  };
  /** Whether the page, as it stands, is wider than the viewport. */
  const sideways = async (page: Page): Promise<string[]> => {
    const size = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })')) as { scroll: number; client: number };
    return size.scroll > size.client ? [`scrolls sideways: ${size.scroll} px content in ${size.client} px`] : [];
  };

  /** The console tables shown on the page, and those whose rows' last cell does not end inside the viewport. */
  const lastColumns = async (page: Page): Promise<{ seen: string[]; problems: string[] }> =>
    (await page.evaluate(`(() => {
      const width = document.documentElement.clientWidth;
      const seen = [], problems = [];
      for (const table of document.querySelectorAll('.console table')) {
        const rows = [...table.querySelectorAll('tbody tr')];
        if (rows.length === 0 || table.getClientRects().length === 0) continue;
        const name = table.id || table.classList[0] || (table.caption ? table.caption.textContent.trim() : 'table');
        seen.push(name);
        const off = rows.map((row) => row.lastElementChild.getBoundingClientRect()).find((box) => box.right > width + 0.5 || box.left < 0);
        if (off) problems.push(name + ': last column at ' + Math.round(off.left) + ' to ' + Math.round(off.right) + ' px of ' + width);
      }
      return { seen, problems };
    })()`)) as { seen: string[]; problems: string[] };

  it(`no sideways scrolling at ${widths.join(' or ')} px (console also ${phone} px), its tables' last column on screen at ${phone} px; no axe violations in ${schemes.join(' and ')} (English, German) or light at 320 px (every other language)`, async () => {
    // bypassCSP lets axe's source in as an inline script; the pages' own CSP is tested elsewhere.
    const context = await browser.newContext({ viewport: { width: widths[0]!, height: 800 }, colorScheme: 'light', bypassCSP: true });
    const page = await context.newPage();
    const problems: string[] = [];
    const audited = new Set<string>();
    const onPhone = new Set<string>();
    let visited = 0;
    const stops = new Set<string>();
    await walkTour(page, { base: server.baseUrl, password, console: true, helpdesk: 'carla' }, async (stop) => {
      stops.add(stop.name);
      for (const lang of languagesOf(stop.name)) {
        await stop.show(lang);
        for (const width of widthsOf(stop.name)) {
          await page.setViewportSize({ width, height: 800 });
          if (width === phone) {
            const { seen, problems: off } = await lastColumns(page);
            for (const name of seen) onPhone.add(name);
            for (const problem of off) problems.push(`${stop.name} [${lang}, ${width} px]: ${problem}`);
          }
          for (const scheme of schemes) {
            await page.emulateMedia({ colorScheme: scheme });
            const where = `${stop.name} [${lang}, ${scheme}, ${width} px]`;
            if (scheme === 'light') for (const problem of await sideways(page)) problems.push(`${where}: ${problem}`);
            if (!languages.includes(lang) && (scheme !== 'light' || width !== 320)) continue;
            for (const problem of await axeViolations(page)) problems.push(`${where}: ${problem}`);
            audited.add(`${scheme} ${width} ${lang}`);
          }
        }
        visited++;
      }
    });
    await context.close();
    assert.ok(visited >= 30, `visited ${visited} pages`);
    for (const name of ['console-hd-users', 'console-hd-user', 'console-hd-verify-code', 'console-hd-forbidden']) assert.ok(stops.has(name), `the helpdesk operator's ${name} was audited`);
    for (const lang of languages) for (const scheme of schemes) for (const width of widths) assert.ok(audited.has(`${scheme} ${width} ${lang}`), `audited in ${lang}, ${scheme} at ${width} px`);
    for (const lang of everyLanguage) assert.ok(audited.has(`light 320 ${lang}`), `audited in ${lang}`);
    for (const lang of languages) for (const scheme of schemes) assert.ok(audited.has(`${scheme} ${phone} ${lang}`), `console audited in ${lang}, ${scheme} at ${phone} px`);
    assert.deepEqual(phoneTables.filter((name) => !onPhone.has(name)), [], `console tables seen at ${phone} px: ${[...onPhone].join(', ')}`);
    assert.deepEqual(problems, []);
  });
});
