/** A cookie-keeping browser stand-in for HTTP-level page tests: GET, form POST and JSON, redirects not followed. */
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
  /** The response with its body unread (streaming tests). */
  async open(path: string) {
    return fetch(this.base + path, { headers: { cookie: this.header() }, redirect: 'manual' });
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
  async json(method: string, path: string, body?: unknown) {
    const response = await fetch(this.base + path, {
      method,
      headers: { cookie: this.header(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      redirect: 'manual',
    });
    this.keep(response);
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as any) : null };
  }
  /** Signs in through the sign-in page; the answer (303 on success). */
  async signIn(username: string, password: string) {
    const page = await this.get('/signin');
    return this.post('/signin', { username, password, _csrf: csrfOf(page.text) });
  }

  /** The session cookie as a request header value (for API helpers). */
  sessionCookie(): string {
    return [...this.cookies].filter(([name]) => name.endsWith('sspr_session')).map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The CSRF token of the first form on a page. */
export const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
