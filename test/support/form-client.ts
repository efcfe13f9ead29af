/** A cookie-keeping browser stand-in for HTTP-level page tests: GET, form POST, JSON, with cookies kept. */
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
  /** Signs in through the sign-in form (the CSRF token read from the page). */
  async signIn(username: string, password: string) {
    const page = await this.get('/signin');
    return this.post('/signin', { username, password, _csrf: csrfOf(page.text) });
  }
}

export const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
