import type { PostalAddressFields } from '../../../kernel/address.js';
import type { Money } from '../../../kernel/money.js';
import { formatMoney } from '../../../web/format.js';
import { Layout } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';
import { statusLabels } from '../orders.state-machine.js';
import type { OrderListRow, OrderStatus, OrderView } from '../orders.types.js';

/** A status as a text badge (never colour alone): green when it went well, red when it did not. */
export function StatusBadge({ status }: { status: OrderStatus }) {
  const tone = status === 'cancelled' || status === 'refunded' ? ' badge--danger' : status === 'pending_payment' || status === 'partially_refunded' ? ' badge--low' : ' badge--ok';
  return <span class={`badge${tone}`}>{statusLabels[status]}</span>;
}

const dateOf = (ctx: PageContext, d: Date) => new Intl.DateTimeFormat(ctx.locale, { day: 'numeric', month: 'long', year: 'numeric' }).format(d);
const timeOf = (ctx: PageContext, d: Date) => new Intl.DateTimeFormat(ctx.locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }).format(d);
const countryName = (ctx: PageContext, code: string) => new Intl.DisplayNames([ctx.locale], { type: 'region' }).of(code) ?? code;

export function OrdersListPage(props: { ctx: PageContext; orders: OrderListRow[]; total: number; page: number; pageSize: number }) {
  const { ctx, orders } = props;
  const m = (x: Money) => formatMoney(x, ctx.locale);
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout ctx={ctx} title="Your orders">
      <div class="container section orders-page">
        <p class="form-links">
          <a href="/account">Your account</a>
        </p>
        <h1 class="orders-page__title">Your orders</h1>
        {orders.length === 0 ? (
          <div class="orders-empty">
            <p>You have not placed an order yet. When you do, you can follow it here, from payment to delivery.</p>
            <p>
              <a class="button" href="/">
                Start shopping
              </a>
            </p>
          </div>
        ) : (
          <>
            <ul class="order-list">
              {orders.map((o) => (
                <li class="order-card" key={o.id}>
                  <div class="order-card__head">
                    <h2 class="order-card__number">
                      <a href={`/account/orders/${o.number}`}>Order {o.number}</a>
                    </h2>
                    <StatusBadge status={o.status} />
                  </div>
                  <p class="order-card__meta">
                    Placed on {dateOf(ctx, o.createdAt)} · {o.itemCount} {o.itemCount === 1 ? 'item' : 'items'}
                  </p>
                  <p class="order-card__total">{m(o.total)}</p>
                </li>
              ))}
            </ul>
            {pages > 1 ? (
              <nav class="orders-pager" aria-label="Pages of orders">
                {props.page > 1 ? <a href={`/account/orders?page=${props.page - 1}`}>Newer orders</a> : <span />}
                <span class="muted">
                  Page {props.page} of {pages}
                </span>
                {props.page < pages ? <a href={`/account/orders?page=${props.page + 1}`}>Older orders</a> : <span />}
              </nav>
            ) : null}
          </>
        )}
      </div>
    </Layout>
  );
}

function AddressBlock({ ctx, address }: { ctx: PageContext; address: PostalAddressFields }) {
  const lines = [address.name, address.line1, address.line2, address.city, address.region, address.postalCode, countryName(ctx, address.country)].filter(
    (l): l is string => l !== null && l !== '',
  );
  return (
    <address class="order-page__address">
      {lines.map((line, i) => (
        <span key={i}>
          {line}
          <br />
        </span>
      ))}
    </address>
  );
}

export function OrderDetailPage(props: { ctx: PageContext; order: OrderView; guest: boolean }) {
  const { ctx, order } = props;
  const m = (x: Money) => formatMoney(x, ctx.locale);
  const t = order.totals;
  const shipped = new Map<string, number>();
  for (const l of order.lines) shipped.set(l.id, l.fulfilledQuantity);
  return (
    <Layout ctx={ctx} title={`Order ${order.number}`}>
      <div class="container section order-page">
        {props.guest ? null : (
          <p class="form-links">
            <a href="/account/orders">All your orders</a>
          </p>
        )}
        <div class="order-page__head">
          <h1 class="order-page__title">Order {order.number}</h1>
          <StatusBadge status={order.status} />
        </div>
        <p class="order-page__meta">
          Placed on {dateOf(ctx, order.createdAt)}
          {order.email ? ` · Confirmation sent to ${order.email}` : ''}
        </p>
        {order.status === 'pending_payment' ? (
          <p class="notice notice--info" role="status">
            We are waiting for your payment to be confirmed. The items are kept for you until {timeOf(ctx, order.holdExpiresAt)} UTC.
          </p>
        ) : null}
        {order.erased ? <p class="notice notice--info">The personal details of this order were removed when its account was deleted.</p> : null}
        <div class="order-page__grid">
          <section class="order-panel order-page__items" aria-labelledby="items-heading">
            <h2 id="items-heading">Items</h2>
            <ul class="order-lines">
              {order.lines.map((l) => (
                <li class="order-line" key={l.id}>
                  <div>
                    <p class="order-line__name">{l.productName}</p>
                    <p class="order-line__meta">
                      {l.variantTitle && l.variantTitle !== 'Default' ? `${l.variantTitle} · ` : ''}
                      {l.quantity} × {m(l.unitPrice)}
                      {l.fulfilledQuantity > 0 && l.fulfilledQuantity < l.quantity ? ` · ${l.fulfilledQuantity} shipped` : ''}
                    </p>
                  </div>
                  <p class="order-line__total">{m(l.total)}</p>
                </li>
              ))}
            </ul>
            <dl class="order-page__totals">
              <div>
                <dt>Subtotal</dt>
                <dd>{m(t.subtotal)}</dd>
              </div>
              {t.discount.amount > 0 ? (
                <div>
                  <dt>Discount{order.discountCode ? ` (${order.discountCode})` : ''}</dt>
                  <dd>−{m(t.discount)}</dd>
                </div>
              ) : null}
              <div>
                <dt>Delivery{order.shippingMethod ? ` (${order.shippingMethod.name})` : ''}</dt>
                <dd>{m(t.shipping)}</dd>
              </div>
              {t.taxInclusive ? null : (
                <div>
                  <dt>Tax</dt>
                  <dd>{m(t.tax)}</dd>
                </div>
              )}
              <div class="order-page__grand">
                <dt>Total</dt>
                <dd>{m(t.total)}</dd>
              </div>
              {t.taxInclusive && t.tax.amount > 0 ? <p class="order-page__tax-note">Including {m(t.tax)} tax</p> : null}
              {t.refunded.amount > 0 ? (
                <div>
                  <dt>Refunded</dt>
                  <dd>−{m(t.refunded)}</dd>
                </div>
              ) : null}
            </dl>
          </section>
          <div class="order-page__side">
            <section class="order-panel" aria-labelledby="progress-heading">
              <h2 id="progress-heading">Progress</h2>
              <ol class="order-timeline">
                {order.timeline.map((e, i) => (
                  <li key={i}>
                    <p class="order-timeline__what">{e.message}</p>
                    <p class="order-timeline__when">
                      <time dateTime={e.at.toISOString()}>{timeOf(ctx, e.at)} UTC</time>
                    </p>
                  </li>
                ))}
              </ol>
            </section>
            {order.fulfilments.length > 0 ? (
              <section class="order-panel" aria-labelledby="shipments-heading">
                <h2 id="shipments-heading">Shipments</h2>
                <ul class="order-page__shipments">
                  {order.fulfilments.map((f) => (
                    <li key={f.id}>
                      <p>
                        {dateOf(ctx, f.createdAt)}
                        {f.carrier ? ` · ${f.carrier}` : ''}
                      </p>
                      {f.trackingNumber ? (
                        <p>
                          Tracking number: <span class="order-tracking">{f.trackingNumber}</span>
                        </p>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            {order.shippingAddress ? (
              <section class="order-panel" aria-labelledby="delivery-heading">
                <h2 id="delivery-heading">Delivery address</h2>
                <AddressBlock ctx={ctx} address={order.shippingAddress} />
              </section>
            ) : null}
            {order.billingAddress ? (
              <section class="order-panel" aria-labelledby="billing-heading">
                <h2 id="billing-heading">Billing address</h2>
                <AddressBlock ctx={ctx} address={order.billingAddress} />
              </section>
            ) : null}
          </div>
        </div>
        {props.guest ? (
          <p class="order-page__help">
            Keep the link you opened this page with: it is the way back to this order. <a href="/account/sign-up">Create an account</a> to see future orders in one place.
          </p>
        ) : null}
      </div>
    </Layout>
  );
}
