import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

/**
 * The buying pass's baseline: a process of its own that does the least a paid order can cost on this
 * machine, with the same shape as the app's purchase and none of its features. It imports nothing of the
 * app, as the catalog baseline doesn't.
 *
 * - `POST /bare/checkout`: one transaction: the idempotency key, the stock reserved by a conditional
 *   update, the order, its line and its payment; answers the payment's token.
 * - `POST /bare/pay/:token`: one transaction: the payment authorised and a webhook job written; 303.
 * - a worker claims webhook jobs and posts each, signed with HMAC-SHA256, to its own `/bare/webhook`,
 *   which verifies the signature and in one transaction records the event once, captures the payment,
 *   marks the order paid and takes the stock; the worker then deletes the job.
 *
 * That is 18 statements and four HTTP exchanges a purchase, where the app also validates and prices the
 * cart from the catalog, seals the e-mail and addresses, keeps the audit chain, events and stock ledger,
 * and writes mail and follow-up jobs. What it leaves out is what makes it a floor, not a competitor.
 * `BARE_STEPS=statement` makes each step's transaction one statement (data-modifying CTEs), so a
 * purchase is three statements: the floor under any design that keeps a real webhook.
 *
 * `BASELINE_DATABASE_URL` names the database (its tables live in a schema of their own, `bare`);
 * BASELINE_POOL_SIZE sets the pool (default 10, the app's default). Sends `{ port }` once listening.
 */
const url = process.env.BASELINE_DATABASE_URL;
if (!url) throw new Error('BASELINE_DATABASE_URL is required');
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BASELINE_POOL_SIZE ?? 10) });
pool.on('error', () => undefined);
const secret = randomUUID();
const oneStatement = process.env.BARE_STEPS === 'statement';

await pool.query(`
  drop schema if exists bare cascade;
  create schema bare;
  create table bare.stock (variant_id int primary key, on_hand int not null, reserved int not null default 0);
  create table bare.idempotency (key uuid primary key, order_id bigint);
  create table bare."order" (id bigserial primary key, email text not null, address jsonb not null, total int not null, status text not null, created_at timestamptz not null default now());
  create table bare.order_line (order_id bigint not null, variant_id int not null, quantity int not null, unit_price int not null);
  create table bare.payment (id bigserial primary key, order_id bigint not null, token uuid not null unique, amount int not null, status text not null);
  create table bare.job (id bigserial primary key, payload jsonb not null, locked_until timestamptz);
  create table bare.webhook_event (event_id text primary key, received_at timestamptz not null default now());
  insert into bare.stock (variant_id, on_hand) values (1, 100000000);
`);

type Client = pg.PoolClient;
async function transaction<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    const result = await work(c);
    await c.query('commit');
    return result;
  } catch (error) {
    await c.query('rollback');
    throw error;
  } finally {
    c.release();
  }
}

const app = Fastify({ logger: false });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

app.post('/bare/checkout', async (request, reply) => {
  const body = JSON.parse(String(request.body)) as { email: string; shippingAddress: unknown };
  const key = String(request.headers['idempotency-key']);
  const token = randomUUID();
  let placed: string | null | undefined;
  if (oneStatement) {
    const r = await pool.query<{ id: string }>(`with tied as (insert into bare.idempotency (key) values ($1) on conflict do nothing returning key),
      held as (update bare.stock set reserved = reserved + 1 where variant_id = 1 and on_hand - reserved >= 1 and exists (select 1 from tied) returning on_hand),
      o as (insert into bare."order" (email, address, total, status) select $2, $3, 1000, 'pending_payment' from held returning id),
      l as (insert into bare.order_line select id, 1, 1, 1000 from o),
      p as (insert into bare.payment (order_id, token, amount, status) select id, $4, 1000, 'pending' from o)
      select id from o`, [key, body.email, JSON.stringify(body.shippingAddress), token]);
    placed = r.rows[0]?.id;
  } else {
    placed = await transaction(async (c) => {
      const tied = await c.query('insert into bare.idempotency (key) values ($1) on conflict do nothing returning key', [key]);
      if (tied.rowCount === 0) return null;
      const held = await c.query('update bare.stock set reserved = reserved + 1 where variant_id = 1 and on_hand - reserved >= 1 returning on_hand', []);
      if (held.rowCount === 0) return null;
      const order = await c.query<{ id: string }>(`insert into bare."order" (email, address, total, status) values ($1, $2, 1000, 'pending_payment') returning id`, [body.email, JSON.stringify(body.shippingAddress)]);
      const orderId = order.rows[0]!.id;
      await c.query('insert into bare.order_line values ($1, 1, 1, 1000)', [orderId]);
      await c.query(`insert into bare.payment (order_id, token, amount, status) values ($1, $2, 1000, 'pending')`, [orderId, token]);
      await c.query('update bare.idempotency set order_id = $1 where key = $2', [orderId, key]);
      return orderId;
    });
  }
  if (!placed) return reply.code(409).send({ error: 'conflict' });
  return reply.code(201).send({ order: { id: placed }, payment: { action: { url: `/bare/pay/${token}` } } });
});

app.post<{ Params: { token: string } }>('/bare/pay/:token', async (request, reply) => {
  let paid: boolean;
  if (oneStatement) {
    const r2 = await pool.query(`with p as (update bare.payment set status = 'authorised' where token = $1 and status = 'pending' returning id)
      insert into bare.job (payload) select $2 from p returning id`, [request.params.token, JSON.stringify({ event: randomUUID(), token: request.params.token })]);
    paid = (r2.rowCount ?? 0) > 0;
  } else {
    paid = await transaction(async (c) => {
      const payment = await c.query<{ id: string }>(`update bare.payment set status = 'authorised' where token = $1 and status = 'pending' returning id`, [request.params.token]);
      if (payment.rowCount === 0) return false;
      await c.query('insert into bare.job (payload) values ($1)', [JSON.stringify({ event: randomUUID(), token: request.params.token })]);
      return true;
    });
  }
  return paid ? reply.code(303).header('location', '/done').send() : reply.code(404).send();
});

const sign = (body: string): string => createHmac('sha256', secret).update(body).digest('hex');

app.post('/bare/webhook', async (request, reply) => {
  const raw = String(request.body);
  const given = Buffer.from(String(request.headers['x-signature'] ?? ''), 'hex');
  const expected = Buffer.from(sign(raw), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(400).send();
  const event = JSON.parse(raw) as { event: string; token: string };
  if (oneStatement) {
    await pool.query(`with fresh as (insert into bare.webhook_event (event_id) values ($1) on conflict do nothing returning event_id),
      p as (update bare.payment set status = 'succeeded' where token = $2 and status = 'authorised' and exists (select 1 from fresh) returning order_id),
      o as (update bare."order" set status = 'paid' where id = (select order_id from p) and status = 'pending_payment' returning id)
      update bare.stock set on_hand = on_hand - 1, reserved = reserved - 1 where variant_id = 1 and exists (select 1 from o)`, [event.event, event.token]);
  } else {
    await transaction(async (c) => {
      const fresh = await c.query('insert into bare.webhook_event (event_id) values ($1) on conflict do nothing returning event_id', [event.event]);
      if (fresh.rowCount === 0) return;
      const payment = await c.query<{ order_id: string }>(`update bare.payment set status = 'succeeded' where token = $1 and status = 'authorised' returning order_id`, [event.token]);
      const orderId = payment.rows[0]?.order_id;
      if (!orderId) return;
      await c.query(`update bare."order" set status = 'paid' where id = $1 and status = 'pending_payment'`, [orderId]);
      await c.query('update bare.stock set on_hand = on_hand - 1, reserved = reserved - 1 where variant_id = 1', []);
    });
  }
  return reply.code(204).send();
});

await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;

// The worker: claims a batch under a lease, posts each webhook, deletes what was delivered.
let running = true;
const worker = (async () => {
  while (running) {
    const { rows } = await pool.query<{ id: string; payload: unknown }>(
      `update bare.job set locked_until = now() + interval '30 seconds'
       where id in (select id from bare.job where locked_until is null or locked_until < now() order by id limit 20 for update skip locked)
       returning id, payload`,
    );
    if (rows.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    const done = await Promise.all(
      rows.map(async (job) => {
        const body = JSON.stringify(job.payload);
        const res = await fetch(`http://127.0.0.1:${port}/bare/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': sign(body) }, body });
        return res.ok ? job.id : null;
      }),
    );
    await pool.query('delete from bare.job where id = any($1::bigint[])', [done.filter((id) => id !== null)]);
  }
})();

process.send?.({ port });

process.on('SIGTERM', () => {
  running = false;
  void worker
    .then(() => app.close())
    .then(() => pool.end())
    .then(() => process.exit(0));
});
