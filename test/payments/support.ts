import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { Transaction } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { Money } from '../../src/kernel/money.js';
import type { PaymentEvents, PaymentProvider } from '../../src/modules/payments/index.js';

/** A free loopback port (the app must know its own URL before it listens: its webhooks post to it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type RecordedEvent =
  | { kind: 'succeeded'; orderId: string; paymentId: string; amount: Money; provider: PaymentProvider }
  | { kind: 'failed'; orderId: string; paymentId: string; reason: string }
  | { kind: 'refunded'; orderId: string; refundId: string; amount: Money; totalRefunded: Money; captured: Money };

/** The payments module's consumer as the tests see it: records each call, refusing one made outside a transaction. */
export function recordingEvents(): PaymentEvents & { calls: RecordedEvent[]; of(orderId: string): RecordedEvent[] } {
  const calls: RecordedEvent[] = [];
  const keep = (trx: Transaction<Database>, event: RecordedEvent) => {
    // Only a call inside a live transaction counts: the contract is "inside the transaction that records it".
    if (!trx.isTransaction) throw new Error('PaymentEvents called outside a transaction');
    calls.push(event);
  };
  return {
    calls,
    of: (orderId) => calls.filter((c) => c.orderId === orderId),
    succeeded: async (trx, e) => keep(trx, { kind: 'succeeded', ...e }),
    failed: async (trx, e) => keep(trx, { kind: 'failed', ...e }),
    refunded: async (trx, e) => keep(trx, { kind: 'refunded', ...e }),
  };
}

/** A fresh order as the orders module would hand it to `start`. */
export function anOrder(amount = 4_250, currency = 'GBP') {
  const orderId = randomUUID();
  return {
    orderId,
    orderNumber: `BS-${orderId.slice(0, 6).toUpperCase()}`,
    amount: { amount, currency },
    returnUrl: `http://127.0.0.1/checkout/return?order=${orderId}`,
    cancelUrl: `http://127.0.0.1/checkout/payment?order=${orderId}`,
    idempotencyKey: `order:${orderId}`,
  };
}

/** A tiny browser over real HTTP: keeps cookies, reads the page's CSRF token, follows no redirect by itself. */
export class HttpBrowser {
  cookies = new Map<string, string>();
  lastPage = '';

  constructor(private readonly base: string) {}

  private keep(response: Response): Response {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  }

  private get cookieHeader(): Record<string, string> {
    return this.cookies.size === 0 ? {} : { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(path: string): Promise<{ status: number; body: string; location: string | null }> {
    const response = this.keep(await fetch(new URL(path, this.base), { headers: { accept: 'text/html', ...this.cookieHeader }, redirect: 'manual' }));
    const body = await response.text();
    if (response.headers.get('content-type')?.startsWith('text/html')) this.lastPage = body;
    return { status: response.status, body, location: response.headers.get('location') };
  }

  async post(path: string, fields: Record<string, string>): Promise<{ status: number; body: string; location: string | null }> {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1];
    const response = this.keep(
      await fetch(new URL(path, this.base), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: new URL(this.base).origin, ...this.cookieHeader },
        body: new URLSearchParams({ ...(token ? { _csrf: token } : {}), ...fields }).toString(),
        redirect: 'manual',
      }),
    );
    const body = await response.text();
    if (response.headers.get('content-type')?.startsWith('text/html')) this.lastPage = body;
    return { status: response.status, body, location: response.headers.get('location') };
  }
}
