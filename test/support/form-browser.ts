import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A minimal browser over `app.inject`: keeps cookies, reads the CSRF token of the last HTML page, posts
 * forms as `application/x-www-form-urlencoded`. For page tests that need no real rendering engine.
 */
export class FormBrowser {
  cookies = new Map<string, string>();
  lastPage = '';

  constructor(private readonly app: FastifyInstance) {}

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    const header = res.headers['set-cookie'];
    for (const c of header === undefined ? [] : Array.isArray(header) ? header : [header]) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    if (String(res.headers['content-type']).startsWith('text/html')) this.lastPage = res.body;
    return res;
  }

  /** The Cookie header this browser sends (for API calls made "from" it). */
  get cookieHeader(): Record<string, string> {
    return this.cookies.size === 0 ? {} : { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(url: string) {
    return this.keep(await this.app.inject({ url, headers: { accept: 'text/html', ...this.cookieHeader } }));
  }

  async post(url: string, fields: Record<string, string>, options: { csrf?: boolean } = {}) {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1];
    const body = new URLSearchParams({ ...(options.csrf === false || token === undefined ? {} : { _csrf: token }), ...fields });
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...this.cookieHeader },
      }),
    );
  }

  /** A JSON API call carrying this browser's cookies. */
  async api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
    return this.keep(
      await this.app.inject({
        method,
        url,
        ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
        headers: { ...this.cookieHeader },
      }),
    );
  }
}
