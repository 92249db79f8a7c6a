import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

type Ctx = Record<string, unknown>;

/**
 * The buying scenarios: 50 concurrent buyers on the app's JSON API and the test gateway's card form,
 * the same steps a shopper's browser takes.
 *
 * - add to cart: `POST /api/v1/cart/items` without a cookie, so each request opens a guest cart (the
 *   first add of a visit, the write every buyer makes).
 * - place order: one guest's purchase from a filled cart (fillCarts, before the clock starts) as a
 *   sequence per connection: `POST /api/v1/checkout` (an Idempotency-Key each) → `POST /pay/test/:token`
 *   with the success card. The order is paid when the test gateway's signed webhook, sent by the app's
 *   outbox worker to its own `/webhooks/test`, is processed: the bench waits for the outbox to drain
 *   before it counts.
 *
 * A completed sequence is an order; orders per second are completed sequences over the measured time.
 */
export interface OrderBenchTarget {
  base: string;
  variantId: string;
  shippingMethodId: string;
  country: string;
  /** A CSRF cookie and its token, taken once from a page: the card form is a browser form post. */
  csrf: { cookie: string; token: string };
}

export interface OrderBenchResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Sequences completed (place order), or requests (add to cart), per second. */
  perSec: number;
  completed: number;
  /** Orders placed (the checkout answered 201): a sequence the run's end cut off before its card form leaves one unpaid. */
  placed: number;
}

const cookieOf = (headers: Record<string, string | string[] | undefined>): string => {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((c) => c.split(';')[0]).join('; ');
};

/** Takes a CSRF cookie and token from the sign-in page, as a browser would before posting a form. */
export async function csrfPair(base: string): Promise<{ cookie: string; token: string }> {
  const res = await fetch(`${base}/account/sign-in`);
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  if (!token || !cookie) throw new Error('no CSRF token on /account/sign-in');
  return { cookie, token };
}

// Each buyer its own address: one address may hold only ORDER_MAX_UNPAID unpaid orders at once.
const shopper = (country: string) => ({
  email: `bench-${randomUUID()}@example.com`,
  shippingAddress: { name: 'Bench Buyer', line1: '1 Load Street', line2: null, city: 'Testville', region: null, postalCode: 'SW1A 1AA', country, phone: null },
});

export async function measureAddToCart(t: OrderBenchTarget, connections: number, duration: number): Promise<OrderBenchResult> {
  const opts = {
    url: t.base,
    connections,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', origin: t.base },
    requests: [{ method: 'POST' as const, path: '/api/v1/cart/items', body: JSON.stringify({ variantId: t.variantId, quantity: 1 }) }],
  };
  await autocannon({ ...opts, duration: 2 });
  const r = await autocannon({ ...opts, duration });
  return { reqPerSec: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, perSec: Math.round(r.requests.average), completed: r.requests.total, placed: 0 };
}

/**
 * Guest carts holding the measured variant, one per order to come: place order starts from a filled
 * cart, as its definition says (cart → paid order); adding to a cart is the scenario before it.
 */
export async function fillCarts(t: OrderBenchTarget, count: number, connections: number): Promise<string[]> {
  const carts: string[] = [];
  const worker = async () => {
    while (carts.length < count) {
      const res = await fetch(`${t.base}/api/v1/cart/items`, { method: 'POST', headers: { 'content-type': 'application/json', origin: t.base }, body: JSON.stringify({ variantId: t.variantId, quantity: 1 }) });
      if (res.status !== 201) throw new Error(`filling carts: add to cart answered ${res.status}`);
      carts.push(cookieOf({ 'set-cookie': res.headers.getSetCookie() }));
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return carts;
}

export async function measurePlaceOrder(t: OrderBenchTarget, carts: string[], connections: number, duration: number, warmup = 2): Promise<OrderBenchResult> {
  let completed = 0;
  let placed = 0;
  let counting = false;
  const requests = [
    {
      method: 'POST' as const,
      path: '/api/v1/checkout',
      setupRequest: (req: object) => ({
        ...req,
        // Carts running out shows as errors (an empty cart is refused), never as a faster run.
        headers: { 'content-type': 'application/json', origin: t.base, cookie: carts.pop() ?? '', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ ...shopper(t.country), shippingMethodId: t.shippingMethodId, provider: 'test' }),
      }),
      onResponse: (status: number, resBody: string, context: object) => {
        if (counting && status === 201) placed++;
        (context as Ctx).pay = payPathOf(resBody, t.base);
      },
    },
    {
      method: 'POST' as const,
      setupRequest: (req: object, context: object) => ({
        ...req,
        path: String((context as Ctx).pay),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.base, cookie: t.csrf.cookie },
        body: new URLSearchParams({ number: '4242 4242 4242 4242', expiry: '12/34', cvc: '123', name: 'Bench Buyer', _csrf: t.csrf.token }).toString(),
      }),
      onResponse: (status: number) => {
        if (counting && status === 303) completed++;
      },
    },
  ];
  const r = await timedSequences(t.base, connections, duration, warmup, requests, (on) => {
    counting = on;
  });
  return { ...paidSequences(r, completed, duration), placed };
}

type Sequence = NonNullable<autocannon.Options['requests']>;
type RunFigures = Pick<OrderBenchResult, 'reqPerSec' | 'p50' | 'p99' | 'errors' | 'non2xx'>;

/** The card form's path from a checkout's answer; an answer without one sends the card form nowhere (a 404). */
function payPathOf(resBody: string, base: string): string {
  try {
    return new URL((JSON.parse(resBody) as { payment: { action: { url: string } } }).payment.action.url, base).pathname;
  } catch {
    return '/pay/none';
  }
}

/** A run's figures once `completed` sequences ended on their card form's 303, which autocannon counts as not 2xx. */
function paidSequences(r: RunFigures, completed: number, duration: number): RunFigures & Pick<OrderBenchResult, 'perSec' | 'completed'> {
  return { ...r, non2xx: r.non2xx - completed, perSec: Math.round((completed / duration) * 10) / 10, completed };
}

/** Runs a sequence per connection, the warm-up first; `count` brackets the measured run. */
async function timedSequences(
  url: string,
  connections: number,
  duration: number,
  warmup: number,
  requests: Sequence,
  count: (on: boolean) => void,
): Promise<RunFigures> {
  if (warmup > 0) await autocannon({ url, connections, duration: warmup, requests });
  count(true);
  const r = await autocannon({ url, connections, duration, requests });
  count(false);
  return { reqPerSec: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

/**
 * The floor under place order (bench/bare-purchase.ts): the same sequence, checkout then card form, on a
 * bare process that does the least a paid order costs. Its webhooks follow on its own worker.
 */
export async function measureBarePurchase(base: string, country: string, connections: number, duration: number): Promise<OrderBenchResult> {
  let completed = 0;
  let counting = false;
  const requests: Sequence = [
    {
      method: 'POST',
      path: '/bare/checkout',
      setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: JSON.stringify(shopper(country)) }),
      onResponse: (_status, resBody, context) => {
        (context as Ctx).pay = payPathOf(resBody, base);
      },
    },
    {
      method: 'POST',
      setupRequest: (req, context) => ({ ...req, path: String((context as Ctx).pay), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'number=4242424242424242' }),
      onResponse: (status) => {
        if (counting && status === 303) completed++;
      },
    },
  ];
  const r = await timedSequences(base, connections, duration, 2, requests, (on) => {
    counting = on;
  });
  return { ...paidSequences(r, completed, duration), placed: completed };
}
