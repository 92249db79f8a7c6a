import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import { pickVariants, setStock, setVariant, type TestVariant } from '../pricing/pricing-fixtures.js';
import { createTestApp, type TestApp, type TestAppOptions } from '../support/test-app.js';

import { freePort } from '../payments/support.js';

export { freePort };

/**
 * A shopper's browser over real HTTP (the app listens on loopback: the test gateway's webhook job posts
 * back to it): keeps cookies, reads the last page's CSRF token, follows no redirect by itself, and calls
 * the JSON API with the same cookies.
 */
export class Shopper {
  cookies = new Map<string, string>();
  lastPage = '';

  constructor(readonly base: string) {}

  private keep(response: Response): Response {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const value = pair!.slice(eq + 1);
      if (value === '' || /Max-Age=0/i.test(c)) this.cookies.delete(pair!.slice(0, eq));
      else this.cookies.set(pair!.slice(0, eq), value);
    }
    return response;
  }

  get cookieHeader(): Record<string, string> {
    return this.cookies.size === 0 ? {} : { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(path: string): Promise<{ status: number; body: string; location: string | null; type: string }> {
    const response = this.keep(await fetch(new URL(path, this.base), { headers: { accept: 'text/html', ...this.cookieHeader }, redirect: 'manual' }));
    const body = await response.text();
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('text/html')) this.lastPage = body;
    return { status: response.status, body, location: response.headers.get('location'), type };
  }

  /** Posts a form as a browser does, with the last page's CSRF token unless `csrf: false`. */
  async post(path: string, fields: Record<string, string>, options: { csrf?: boolean } = {}): Promise<{ status: number; body: string; location: string | null; type: string }> {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1];
    const response = this.keep(
      await fetch(new URL(path, this.base), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: new URL(this.base).origin, ...this.cookieHeader },
        body: new URLSearchParams({ ...(token && options.csrf !== false ? { _csrf: token } : {}), ...fields }).toString(),
        redirect: 'manual',
      }),
    );
    const body = await response.text();
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('text/html')) this.lastPage = body;
    return { status: response.status, body, location: response.headers.get('location'), type };
  }

  /** A JSON API call carrying this browser's cookies. */
  async api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = this.keep(
      await fetch(new URL(path, this.base), {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), origin: new URL(this.base).origin, ...this.cookieHeader, ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: 'manual',
      }),
    );
    const text = await response.text();
    return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  async add(variantId: string, quantity: number): Promise<void> {
    const res = await this.api('POST', '/api/v1/cart/items', { variantId, quantity });
    if (res.status >= 300) throw new Error(`add to cart answered ${res.status}: ${JSON.stringify(res.json)}`);
  }
}

/** The contact step's fields for a valid UK address (form names). */
export const ukContact = {
  email: 'Ada@Example.com',
  shipName: 'Ada Lovelace',
  shipLine1: '12 St James’s Square',
  shipLine2: '',
  shipCity: 'London',
  shipRegion: '',
  shipPostalCode: 'sw1y 4jh',
  shipCountry: 'GB',
  shipPhone: '',
  billing: 'same',
};

/** The same address as the API takes it. */
export const ukAddress = { name: 'Ada Lovelace', line1: '12 St James’s Square', line2: null, city: 'London', region: null, postalCode: 'SW1Y 4JH', country: 'GB', phone: null };

export interface Shop {
  variants: TestVariant[];
  standard: string;
  express: string;
}

/**
 * The shop's pricing set-up, written directly as an import would: UK VAT at 20%, two delivery methods
 * to GB, and three variants at £24.00 with 10 in stock each.
 */
export async function setUpShop(t: TestApp): Promise<Shop> {
  const db: Db = t.database.db;
  await db.deleteFrom('shipping_method').execute();
  await db.deleteFrom('tax_rate').execute();
  await sql`insert into tax_rate (country, region, name, rate_bp) values ('GB', '', 'VAT', 2000)`.execute(db);
  const methods = await sql<{ id: string; name: string }>`
    insert into shipping_method (name, countries, currency, kind, price_amount, position)
    values ('Standard delivery (3–5 working days)', '{GB,FR}', ${t.config.shop.currency}, 'flat', 395, 1),
           ('Express delivery (next working day)', '{GB}', ${t.config.shop.currency}, 'flat', 995, 2)
    returning id, name`.execute(db);
  const variants = await pickVariants(db, 3);
  for (const v of variants) {
    await setVariant(db, v.id, { price: 2400, weightGrams: 300 });
    await setStock(t, v.id, 10);
  }
  return { variants, standard: methods.rows[0]!.id, express: methods.rows[1]!.id };
}

/** Rows of a table, to show that a refused request wrote nothing. */
export async function countRows(db: Db, table: 'checkout_session' | 'order' | 'payment' | 'order_line' | 'outbox_job'): Promise<number> {
  const result = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(result.rows[0]!.n);
}

/**
 * The app listening on a free loopback port (the test gateway posts its webhooks back to PUBLIC_URL), with
 * the shop's pricing set up: what every checkout test over real HTTP starts from.
 */
export async function openShop(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<{ t: TestApp; base: string; shop: Shop }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ PUBLIC_URL: base, ...env }, options);
  await t.app.listen({ port, host: '127.0.0.1' });
  return { t, base, shop: await setUpShop(t) };
}
