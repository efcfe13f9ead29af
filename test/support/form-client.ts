/** A cookie-keeping browser stand-in for HTTP-level page tests: GET and urlencoded POST, redirects not followed. */
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
      if (/Max-Age=0/.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
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
  /** Signs in through the sign-in page. */
  async signIn(username: string, password: string): Promise<void> {
    const page = await this.get('/signin');
    const done = await this.post('/signin', { username, password, _csrf: csrfOf(page.text) });
    if (done.response.status !== 303) throw new Error(`sign-in failed: ${done.response.status}`);
  }
}

/** The CSRF token of the first form on a page. */
export const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
