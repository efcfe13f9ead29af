/** A tiny cookie-keeping browser stand-in for HTTP-level page tests (Chromium tests live in test/e2e). */
export class FormClient {
  cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
  }
  async get(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(this.base + path, { headers: { cookie: this.header(), ...headers }, redirect: 'manual' });
    this.keep(response);
    return { response, text: await response.text() };
  }
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(this.base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.header(), ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    this.keep(response);
    return { response, text: await response.text() };
  }
}

/** The CSRF token of a page's first form. */
export const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
