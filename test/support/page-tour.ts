import type { Page } from 'playwright-core';

/**
 * A walk through every page a person sees, against a demo server (`sspr demo`, captcha off) whose users alice
 * and dieter have `password`: the reset as far as the refused new password (one flow, one code from the demo
 * outbox), sign-in, My account with a refused change, security info with every add-method page, a help page,
 * the error page, and — as dieter — the doctor, the console pages its navigation lists, a report, the policy
 * editor's what-if preview of a change, alice's user page and her helpdesk page; then, when asked, the console of a
 * helpdesk operator (their user list, alice's page, the caller verification before and after a code was sent, and the
 * refusal of an organisation-wide page). Each stop can show itself in any language, so callers (screenshots,
 * accessibility checks) visit one flow in every language.
 */
export interface TourStop {
  name: string;
  /** Brings the page to this stop in `lang`. */
  show: (lang: string) => Promise<void>;
}

export interface TourOptions {
  base: string;
  password: string;
  /** Include the operator pages (doctor, console) seen as dieter. */
  console?: boolean;
  /**
   * With `console`: the demo user holding the helpdesk role (`sspr role assign helpdesk <name>`) and `password`,
   * whose console is walked after dieter's. Their directory address is registered as a method on the way (the
   * console's second proof needs a registered method), so each walk leaves it registered.
   */
  helpdesk?: string;
}

export const weakPassword = 'alice2024';

async function go(page: Page, url: string): Promise<void> {
  const response = await page.goto(url);
  if (!response || response.status() >= 500) throw new Error(`${url} answered ${response?.status()}`);
}

const withLang = (url: string, lang: string) => `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;

async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await go(page, `${base}/signin`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await submit(page, 'form[action="/signin"] button[type=submit]');
}

/** The newest 6-digit code in the demo outbox (entries are listed newest first). */
async function newestCode(base: string, before: number): Promise<string> {
  for (let tries = 0; tries < 50; tries++) {
    const codes = [...(await (await fetch(`${base}/demo/outbox`)).text()).matchAll(/\b(\d{6})\b/g)].map((m) => m[1] as string);
    if (codes.length > before) return codes[0] as string;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no code arrived in the demo outbox');
}

const outboxCodes = async (base: string) => [...(await (await fetch(`${base}/demo/outbox`)).text()).matchAll(/\b(\d{6})\b/g)].length;

/** Runs `visit` at every stop, in order; `page` belongs to a fresh browser context. */
export async function walkTour(page: Page, options: TourOptions, visit: (stop: TourStop) => Promise<void>): Promise<void> {
  const { base, password } = options;
  const at = (name: string, url: string) => visit({ name, show: (lang) => go(page, withLang(url, lang)) });

  await at('home', `${base}/`);
  await at('reset-start', `${base}/reset`);
  await go(page, `${base}/reset?lang=en`);
  await page.fill('#username', 'alice');
  await submit(page, 'form[action="/reset"] button[type=submit]');
  await at('reset-method', `${base}/reset/method`);
  const before = await outboxCodes(base);
  await go(page, `${base}/reset/method?lang=en`);
  await submit(page, 'form[action="/reset/send"] button[type=submit]');
  const codeUrl = page.url().replace(/[?&]lang=[a-z-]+/, '');
  await at('reset-code', codeUrl);
  await go(page, withLang(codeUrl, 'en'));
  await page.fill('#code', await newestCode(base, before));
  await submit(page, 'form[action="/reset/code"] button[type=submit]');
  await at('reset-password', `${base}/reset/password`);
  await visit({
    name: 'reset-password-refused',
    show: async (lang) => {
      await go(page, `${base}/reset/password?lang=${lang}`);
      await page.fill('#password', weakPassword);
      await page.fill('#confirm', weakPassword);
      await submit(page, 'form[action="/reset/password"] button[type=submit]');
    },
  });
  await at('reset-done', `${base}/reset/done`);
  await page.context().clearCookies();
  await at('error', `${base}/reset/code`);
  await at('signin', `${base}/signin`);
  await at('help-check', `${base}/help/checks/methods-registered`);

  await signIn(page, base, 'alice', password);
  await at('account', `${base}/account`);
  await visit({
    name: 'account-password-refused',
    show: async (lang) => {
      await go(page, `${base}/account?lang=${lang}`);
      await page.fill('#current', password);
      await page.fill('#password', weakPassword);
      await page.fill('#confirm', weakPassword);
      await submit(page, 'form[action="/account/password"] button[type=submit]');
    },
  });
  await at('security-info', `${base}/account/security`);
  await at('security-add', `${base}/account/security/add`);
  await go(page, `${base}/account/security/add?lang=en`);
  const types = await page.$$eval('#add-methods a', (links) => links.map((a) => (a.getAttribute('href') ?? '').split('/').pop() ?? ''));
  for (const type of types) await at(`security-add-${type}`, `${base}/account/security/add/${type}`);

  if (!options.console) return;
  await page.context().clearCookies();
  await signIn(page, base, 'dieter', password);
  await at('admin-step-up', `${base}/admin/step-up`);
  await stepUpByMail(page, base);
  await at('admin-doctor', `${base}/admin/doctor?user=alice`);
  await go(page, `${base}/admin/doctor?user=alice&lang=en`);
  const sections = await page.$$eval('nav.console-nav a', (links) => links.map((a) => a.getAttribute('href') ?? '')).catch(() => [] as string[]);
  for (const path of [...new Set(sections)].filter((p) => p.startsWith('/admin') && !p.startsWith('/admin/doctor'))) {
    await at(`console${path.replace(/\//g, '-').replace(/^-admin/, '') || '-home'}`, `${base}${path}`);
  }
  await at('console-report', `${base}/admin/reports/resets`);
  await visit({
    name: 'console-policy-preview',
    show: async (lang) => {
      await go(page, `${base}/admin/policy?lang=${lang}`);
      await page.selectOption('#pe-methodsRequired', '2');
      await submit(page, '#pe-preview');
    },
  });
  await at('console-user', `${base}/admin/users/alice`);
  await at('console-helpdesk', `${base}/admin/helpdesk/alice`);

  if (!options.helpdesk) return;
  await page.context().clearCookies();
  await signIn(page, base, options.helpdesk, password);
  await registerEmail(page, base, `${options.helpdesk}@example.org`);
  // A method added in this session cannot be its own second proof: sign in again.
  await page.context().clearCookies();
  await signIn(page, base, options.helpdesk, password);
  await stepUpByMail(page, base);
  await at('console-hd-users', `${base}/admin/users`);
  await at('console-hd-user', `${base}/admin/users/alice`);
  await at('console-hd-verify', `${base}/admin/helpdesk/alice`);
  // One code per walk (the helpdesk may send five an hour to one user): the first language sends it, every
  // language shows the verification it started.
  let pending: string | null = null;
  await visit({
    name: 'console-hd-verify-code',
    show: async (lang) => {
      if (pending === null) {
        await go(page, `${base}/admin/helpdesk/alice?lang=${lang}`);
        await submit(page, 'form[action$="/start"] button[type=submit]');
        pending = page.url().replace(/[?&]lang=[a-z-]+/, '');
      }
      await go(page, withLang(pending, lang));
    },
  });
  await at('console-hd-forbidden', `${base}/admin/audit`);
}

/** Registers `address` as the signed-in user's e-mail method (the code read off the demo outbox); already there: nothing. */
async function registerEmail(page: Page, base: string, address: string): Promise<void> {
  const overview = (await (await page.request.get(`${base}/api/v1/me/methods`)).json()) as { methods: Array<{ type: string; fromDirectory: boolean }> };
  if (overview.methods.some((method) => method.type === 'email' && !method.fromDirectory)) return;
  const before = await outboxCodes(base);
  const begun = await page.request.post(`${base}/api/v1/me/methods/email`, { data: { address } });
  if (begun.status() !== 200) throw new Error(`adding an e-mail method failed: ${begun.status()} ${await begun.text()}`);
  const confirmed = await page.request.post(`${base}/api/v1/me/methods/email/confirm`, { data: { code: await newestCode(base, before) } });
  if (confirmed.status() !== 200) throw new Error(`confirming the e-mail method failed: ${confirmed.status()} ${await confirmed.text()}`);
}

/** The console's second proof for dieter: an e-mail code read off the demo outbox, through the step-up API (same cookies). */
async function stepUpByMail(page: Page, base: string): Promise<void> {
  const offered = (await (await page.request.get(`${base}/api/v1/session/step-up`)).json()) as { methods: Array<{ id: string; type: string }> };
  const email = offered.methods.find((method) => method.type === 'email');
  if (!email) throw new Error('the demo administrator has no e-mail method to step up with');
  const before = await outboxCodes(base);
  const sent = await page.request.post(`${base}/api/v1/session/step-up/send`, { data: { methodId: email.id } });
  if (sent.status() !== 200) throw new Error(`step-up send failed: ${sent.status()} ${await sent.text()}`);
  const verified = await page.request.post(`${base}/api/v1/session/step-up/verify`, { data: { methodId: email.id, code: await newestCode(base, before) } });
  if (verified.status() !== 200) throw new Error(`step-up failed: ${verified.status()} ${await verified.text()}`);
}
