import pg from 'pg';

/**
 * The bench's books, read straight from the database after a buying run (a measuring tool reading the
 * tables, not the app: it must not trust the code it checks). Everything must add up exactly:
 *
 * - every paid order has exactly one succeeded payment of its total, and no succeeded payment lacks a
 *   paid order (and no order is paid twice);
 * - the variant's stock fell by exactly the units of paid orders, and what is still reserved is exactly
 *   the units of every order still waiting for payment (earlier runs' too: with `--reuse`, their holds
 *   may expire during this one);
 * - the ledger's deltas sum to the level;
 * - every paid order wrote its confirmation mail job, and no outbox job is dead.
 */
export interface BookCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface StockSnapshot {
  onHand: number;
  reserved: number;
}

export async function stockOf(url: string, variantId: string): Promise<StockSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ on_hand: number; reserved: number }>('select on_hand, reserved from inventory_level where variant_id = $1', [variantId]);
    return { onHand: Number(rows[0]?.on_hand ?? 0), reserved: Number(rows[0]?.reserved ?? 0) };
  } finally {
    await client.end();
  }
}

/** Waits until the outbox has nothing ready or running (the webhooks and mails of the run are done). */
export async function outboxDrained(url: string, timeoutMs = 120_000): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  try {
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from outbox_job where status in ('ready', 'running') and run_at <= now() and type not like '%reconcile%'`,
      );
      const left = Number(rows[0]?.n ?? 0);
      if (left === 0 || Date.now() - started > timeoutMs) return left;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await client.end();
  }
}

export async function checkBooks(url: string, variantId: string, before: StockSnapshot, since: Date): Promise<{ checks: BookCheck[]; paidOrders: number; pendingOrders: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const one = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T> => (await client.query<T>(text, params)).rows[0]!;
  try {
    const orders = await one<{ paid: number; pending: number; cancelled: number; paid_units: number; pending_units: number }>(
      `select count(*) filter (where o.status = 'paid')::int as paid,
              count(*) filter (where o.status = 'pending_payment')::int as pending,
              count(*) filter (where o.status = 'cancelled')::int as cancelled,
              coalesce(sum(l.quantity) filter (where o.status = 'paid'), 0)::int as paid_units,
              coalesce(sum(l.quantity) filter (where o.status = 'pending_payment'), 0)::int as pending_units
         from "order" o join order_line l on l.order_id = o.id
        where o.created_at >= $1 and l.variant_id = $2`,
      [since, variantId],
    );
    const payments = await one<{ orphan: number; paid_without: number; twice: number; wrong_amount: number }>(
      `select
         (select count(*)::int from payment p left join "order" o on o.id = p.order_id
           where p.created_at >= $1 and p.status = 'succeeded' and (o.id is null or o.status <> 'paid')) as orphan,
         (select count(*)::int from "order" o
           where o.created_at >= $1 and o.status = 'paid'
             and not exists (select 1 from payment p where p.order_id = o.id and p.status = 'succeeded')) as paid_without,
         (select count(*)::int from (select order_id from payment where created_at >= $1 and status = 'succeeded' group by order_id having count(*) > 1) t) as twice,
         (select count(*)::int from payment p join "order" o on o.id = p.order_id
           where p.created_at >= $1 and p.status = 'succeeded' and (p.captured <> o.total_amount or p.currency <> o.currency)) as wrong_amount`,
      [since],
    );
    const waiting = await one<{ units: number }>(
      `select coalesce(sum(l.quantity), 0)::int as units from "order" o join order_line l on l.order_id = o.id
        where o.status = 'pending_payment' and l.variant_id = $1`,
      [variantId],
    );
    const after = await stockOf(url, variantId);
    const ledger = await one<{ on_hand: number; reserved: number }>(
      `select coalesce(sum(on_hand_delta), 0)::int as on_hand, coalesce(sum(reserved_delta), 0)::int as reserved from inventory_movement where variant_id = $1`,
      [variantId],
    );
    const outbox = await one<{ dead: number; mails: number }>(
      `select count(*) filter (where status = 'dead')::int as dead,
              count(*) filter (where type = 'mail.send' and created_at >= $1)::int as mails
         from outbox_job where created_at >= $1`,
      [since],
    );
    const checks: BookCheck[] = [
      { name: 'every paid order has one succeeded payment of its total', ok: payments.paid_without === 0 && payments.twice === 0 && payments.wrong_amount === 0, detail: `${payments.paid_without} paid without, ${payments.twice} paid twice, ${payments.wrong_amount} of another amount` },
      { name: 'no succeeded payment without a paid order', ok: payments.orphan === 0, detail: `${payments.orphan}` },
      { name: 'stock on hand fell by exactly the paid units', ok: before.onHand - after.onHand === orders.paid_units, detail: `${before.onHand} → ${after.onHand}, ${orders.paid_units} units paid` },
      { name: 'stock still reserved is exactly the unpaid orders’ units', ok: after.reserved === waiting.units, detail: `reserved ${before.reserved} → ${after.reserved}, ${waiting.units} units of unpaid orders (${orders.pending_units} of this run's)` },
      { name: 'the ledger sums to the level', ok: ledger.on_hand === after.onHand && ledger.reserved === after.reserved, detail: `ledger ${ledger.on_hand}/${ledger.reserved}, level ${after.onHand}/${after.reserved}` },
      { name: 'a confirmation mail job for every paid order', ok: outbox.mails >= orders.paid, detail: `${outbox.mails} mail jobs, ${orders.paid} paid orders` },
      { name: 'no dead outbox job', ok: outbox.dead === 0, detail: `${outbox.dead}` },
    ];
    return { checks, paidOrders: orders.paid, pendingOrders: orders.pending };
  } finally {
    await client.end();
  }
}
