/** A JSON client that signs in and then carries the session cookie, for "My account" API tests. */
export class SessionClient {
  private cookie = '';
  constructor(readonly baseUrl: string) {}

  async signIn(username: string, password: string): Promise<void> {
    const response = await this.request('POST', '/api/v1/session', { username, password });
    if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.body)}`);
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const setCookie = response.headers.getSetCookie().find((c) => c.includes('sspr_session='));
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? '';
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  post(path: string, body: unknown = {}) {
    return this.request('POST', path, body);
  }
}
