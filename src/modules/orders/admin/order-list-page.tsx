import type { VNode } from 'preact';
import { AdminLayout, ListPager, type AdminContext } from '../../../backoffice/index.js';
import { maskEmail } from '../../../kernel/masking.js';
import { formatMoney } from '../../../web/format.js';
import type { FormError } from '../../../web/forms/fields.js';
import { statusLabels } from '../orders.state-machine.js';
import type { OrderList, OrderStatus } from '../orders.types.js';
import { StatusBadge } from './order-status.js';

export type ListTab = OrderStatus | 'to_fulfil' | 'all';

export interface OrderListQuery {
  tab: ListTab;
  q: string;
  /** YYYY-MM-DD as typed (inclusive), '' when unset. */
  from: string;
  to: string;
  page: number;
}

export function orderListHref(q: OrderListQuery): string {
  const params = new URLSearchParams();
  if (q.tab !== 'all') params.set('status', q.tab);
  if (q.q) params.set('q', q.q);
  if (q.from) params.set('from', q.from);
  if (q.to) params.set('to', q.to);
  if (q.page > 1) params.set('page', String(q.page));
  const s = params.toString();
  return `/admin/orders${s ? `?${s}` : ''}`;
}

const tabs: { tab: ListTab; label: string; statuses: OrderStatus[] }[] = [
  { tab: 'all', label: 'All', statuses: [] },
  { tab: 'to_fulfil', label: 'To fulfil', statuses: ['paid', 'partially_fulfilled'] },
  { tab: 'pending_payment', label: statusLabels.pending_payment, statuses: ['pending_payment'] },
  { tab: 'fulfilled', label: statusLabels.fulfilled, statuses: ['fulfilled'] },
  { tab: 'delivered', label: statusLabels.delivered, statuses: ['delivered'] },
  { tab: 'partially_refunded', label: statusLabels.partially_refunded, statuses: ['partially_refunded'] },
  { tab: 'refunded', label: statusLabels.refunded, statuses: ['refunded'] },
  { tab: 'cancelled', label: statusLabels.cancelled, statuses: ['cancelled'] },
];

/**
 * Orders, newest first: status tabs with counts, a GET form of filters (order number or exact e-mail,
 * placed from and to), a paginated table. E-mail addresses are masked in the list (a bulk view); the
 * order page shows them to the roles that ship.
 */
export function OrderListPage(props: { ctx: AdminContext; locale: string; list: OrderList; query: OrderListQuery; pageSize: number; errors: FormError[] }): VNode {
  const { ctx, locale, list, query } = props;
  const n = new Intl.NumberFormat(locale);
  const time = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  const filtered = query.q !== '' || query.from !== '' || query.to !== '';
  const err = (field: string) => props.errors.find((e) => e.field === field);
  return (
    <AdminLayout ctx={ctx} title="Orders" errors={props.errors}>
      <div class="admin-head">
        <h1>
          Orders <span class="admin-head__count tabular">{n.format(list.total)}</span>
        </h1>
        <p>Every order, newest first. Open one to ship it, refund it or see its history.</p>
      </div>
      <nav class="admin-tabs" aria-label="Order status">
        <ul>
          {tabs.map((t) => (
            <li key={t.tab}>
              <a href={orderListHref({ ...query, tab: t.tab, page: 1 })} {...(t.tab === query.tab ? { 'aria-current': 'page' as const } : {})}>
                {t.label}
                {t.statuses.length > 0 ? <span class="tabular"> ({n.format(t.statuses.reduce((s, st) => s + (list.counts[st] ?? 0), 0))})</span> : null}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/admin/orders" class="admin-filters" role="search" noValidate>
        {query.tab !== 'all' ? <input type="hidden" name="status" value={query.tab} /> : null}
        <div class="field">
          <label class="field__label" for="q">
            Order number or e-mail address
          </label>
          <input class="field__input" id="q" name="q" type="search" value={query.q} maxLength={254} autocomplete="off" spellcheck={false} />
        </div>
        {(['from', 'to'] as const).map((f) => {
          const e = err(f);
          return (
            <div class={e ? 'field field--error field--date' : 'field field--date'} key={f}>
              <label class="field__label" for={f}>
                {f === 'from' ? 'Placed from' : 'Placed to'}
              </label>
              {e ? (
                <p class="field__error" id={`${f}-error`}>
                  <span class="visually-hidden">Error: </span>
                  {e.message}
                </p>
              ) : null}
              <input class="field__input" id={f} name={f} type="date" value={query[f]} {...(e ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${f}-error` } : {})} />
            </div>
          );
        })}
        <button class="button button--secondary" type="submit">
          Filter
        </button>
        {filtered ? <a href={orderListHref({ tab: query.tab, q: '', from: '', to: '', page: 1 })}>Clear filters</a> : null}
      </form>
      {list.items.length === 0 ? (
        <div class="admin-empty">
          <p>
            {filtered
              ? 'No order matches these filters. Search by the whole order number (like B10042) or the whole e-mail address.'
              : query.tab === 'to_fulfil'
                ? 'Nothing to ship. Paid orders waiting for shipment appear here.'
                : query.tab === 'all'
                  ? 'No orders yet. Orders appear here as soon as shoppers check out.'
                  : 'No orders with this status.'}
          </p>
        </div>
      ) : (
        <>
          <div class="table-wrap">
            <table class="admin-table">
              <caption class="visually-hidden">Orders, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Placed (UTC)</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Items
                  </th>
                  <th scope="col" class="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <a href={`/admin/orders/${o.number}`}>{o.number}</a>
                    </td>
                    <td class="nowrap">{time.format(o.createdAt)}</td>
                    <td>
                      {o.email === '' ? <span class="muted">Erased</span> : <span class="masked">{maskEmail(o.email)}</span>}
                      {o.customerId === null ? <span class="muted"> · guest</span> : null}
                    </td>
                    <td class="nowrap">
                      <StatusBadge status={o.status} />
                    </td>
                    <td class="num tabular">{n.format(o.itemCount)}</td>
                    <td class="num tabular">{formatMoney(o.total, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ListPager label="Pages of orders" locale={locale} page={query.page} pageSize={props.pageSize} shown={list.items.length} total={list.total} hrefOf={(page) => orderListHref({ ...query, page })} />
        </>
      )}
    </AdminLayout>
  );
}
