import type { HomeCard } from '../../../backoffice/index.js';
import type { Money } from '../../../kernel/money.js';
import { formatMoney } from '../../../web/format.js';
import type { OrdersService } from '../orders.service.js';

/** What the payments module counts for the dashboard (its `stats(since)`), taken as a function so this module needs nothing of it. */
export interface PaymentFigures {
  failedPayments: number;
  failedWebhooks: number;
  rejectedWebhooks: number;
}

export interface OrderCardDeps {
  orders: Pick<OrdersService, 'stats'>;
  locale: string;
  now: () => Date;
  paymentStats?: (since: Date) => Promise<PaymentFigures>;
}

const dayMs = 86_400_000;

/**
 * The dashboard's order and payment cards: sales today (with yesterday as the comparison), sales this
 * week (since Monday, UTC) with the last seven days as a chart, orders waiting to ship, and failed
 * payments and webhooks over the last seven days. Sales are paid orders less their refunds, in the shop's
 * currency, counted on the day they were paid.
 */
export function orderHomeCards(deps: OrderCardDeps): HomeCard[] {
  const { locale } = deps;
  const money = (m: Money) => formatMoney(m, locale);
  const n = (k: number) => new Intl.NumberFormat(locale).format(k);
  const plural = (k: number, one: string, many: string) => `${n(k)} ${k === 1 ? one : many}`;
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  const longDay = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });

  const cards: HomeCard[] = [
    {
      permission: 'orders.read',
      order: 10,
      load: async () => {
        const stats = await deps.orders.stats({ days: 2 });
        const yesterday = stats.daily[0]!.sales;
        const diff = stats.salesToday.amount - yesterday.amount;
        const change =
          diff === 0 ? 'the same as yesterday' : `${money({ amount: Math.abs(diff), currency: stats.currency })} ${diff > 0 ? 'more' : 'less'} than yesterday`;
        return {
          label: 'Sales today',
          value: money(stats.salesToday),
          note: `${plural(stats.ordersToday, 'order', 'orders')}, ${change}`,
          link: { href: '/admin/orders', label: 'View orders' },
        };
      },
    },
    {
      permission: 'orders.read',
      order: 11,
      load: async () => {
        const stats = await deps.orders.stats({ days: 7 });
        const best = stats.daily.reduce((a, b) => (b.sales.amount > a.sales.amount ? b : a), stats.daily[0]!);
        const dateOf = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
        const orders = stats.daily.reduce((s, d) => s + d.orders, 0);
        return {
          label: 'Sales this week',
          value: money(stats.salesThisWeek),
          note: `Since Monday. Last 7 days: ${money({ amount: stats.daily.reduce((s, d) => s + d.sales.amount, 0), currency: stats.currency })} from ${plural(orders, 'order', 'orders')}.`,
          chart: {
            title: 'Sales per day, last 7 days',
            description:
              best.sales.amount === 0
                ? 'No sales in the last 7 days.'
                : `From ${longDay.format(dateOf(stats.daily[0]!.date))} to today; the best day was ${longDay.format(dateOf(best.date))} with ${money(best.sales)}.`,
            columns: ['Day', 'Sales'],
            points: stats.daily.map((d) => ({ label: day.format(dateOf(d.date)), longLabel: longDay.format(dateOf(d.date)), value: d.sales.amount, display: `${money(d.sales)} (${plural(d.orders, 'order', 'orders')})` })),
          },
        };
      },
    },
    {
      permission: 'orders.fulfil',
      order: 20,
      load: async () => {
        const { toFulfil } = await deps.orders.stats({ days: 1 });
        return {
          label: 'Orders to fulfil',
          value: n(toFulfil),
          note: toFulfil === 0 ? 'Everything paid has shipped' : 'Paid, waiting to ship',
          link: { href: '/admin/orders?status=to_fulfil', label: 'Ship orders' },
          ...(toFulfil > 0 ? { todo: `${plural(toFulfil, 'order', 'orders')} to ship` } : {}),
        };
      },
    },
  ];
  const paymentStats = deps.paymentStats;
  if (paymentStats) {
    cards.push({
      permission: 'orders.read',
      order: 40,
      load: async () => {
        const since = new Date(deps.now().getTime() - 7 * dayMs);
        const s = await paymentStats(since);
        const webhooks = s.failedWebhooks + s.rejectedWebhooks;
        const todo = [s.failedPayments > 0 ? plural(s.failedPayments, 'failed payment', 'failed payments') : '', webhooks > 0 ? plural(webhooks, 'webhook', 'webhooks') + ' failed or rejected' : '']
          .filter(Boolean)
          .join(', ');
        return {
          label: 'Failed payments',
          value: n(s.failedPayments),
          note: `Last 7 days. Webhooks: ${n(s.failedWebhooks)} failed, ${n(s.rejectedWebhooks)} rejected.`,
          link: { href: '/admin/orders?status=pending_payment', label: 'Orders awaiting payment' },
          ...(todo ? { todo: `${todo} in the last 7 days` } : {}),
        };
      },
    });
  }
  return cards;
}
