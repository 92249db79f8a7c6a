import type { ComponentChildren, VNode } from 'preact';
import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import type { PostalAddressFields } from '../../../kernel/address.js';
import { maskEmail, maskedLine, maskName, maskPostalCode } from '../../../kernel/masking.js';
import { amountText } from '../../../kernel/money-text.js';
import { formatMoney } from '../../../web/format.js';
import { FieldFrame, Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import { refundable, shippable } from '../orders.state-machine.js';
import type { OrderDetail, ResendableMail } from '../orders.types.js';
import { StatusBadge } from './order-status.js';

/** What the staff member's role allows on this page. */
export interface OrderAbilities {
  fulfil: boolean;
  refund: boolean;
  /** Personal data in clear: the roles that ship (orders.fulfil) need the address and e-mail. */
  personalData: boolean;
}

/** The action whose form the errors (and the typed values) belong to. */
export type OrderForm = 'fulfil' | 'delivered' | 'cancel' | 'refund' | 'resend';

export interface OrderDetailProps {
  ctx: AdminContext;
  locale: string;
  order: OrderDetail;
  can: OrderAbilities;
  notice?: string | undefined;
  errors?: FormError[];
  /** The form that was refused, and what was typed in it. */
  form?: { name: OrderForm; values: Record<string, string | undefined> } | undefined;
}

const mailLabels: Record<ResendableMail, string> = {
  confirmation: 'Order confirmation',
  shipping: 'Shipping confirmation',
  refund: 'Refund confirmation',
};

const actorLabels: Record<string, string> = { staff: 'Staff', customer: 'Customer', system: 'Shop', anonymous: 'Shopper' };

function Card(props: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="admin-card" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.children}
    </section>
  );
}

function AddressBlock({ address, clear, locale }: { address: PostalAddressFields; clear: boolean; locale: string }) {
  const region = new Intl.DisplayNames([locale], { type: 'region' });
  const lines = clear
    ? [address.name, address.line1, address.line2, address.city, address.region, address.postalCode].filter((l): l is string => l !== null && l !== '')
    : [maskName(address.name), maskedLine, maskPostalCode(address.postalCode)];
  return (
    <address class="order-address">
      {lines.map((l, i) => (
        <span key={i}>
          {clear ? l : <span class="masked">{l}</span>}
          <br />
        </span>
      ))}
      {region.of(address.country) ?? address.country}
      {clear && address.phone ? (
        <>
          <br />
          Phone {address.phone}
        </>
      ) : null}
    </address>
  );
}

/**
 * One order for staff: its lines and totals, shipments, payments and refunds, full history; the
 * customer and addresses; and the actions the role allows, each a POST form with the form token whose
 * refusal comes back inline on this page with what was typed.
 */
export function OrderDetailPage(props: OrderDetailProps): VNode {
  const { ctx, locale, order: o, can } = props;
  const errors = props.errors ?? [];
  const money = (m: { amount: number; currency: string }) => formatMoney(m, locale);
  const time = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  const n = new Intl.NumberFormat(locale);
  const typed = (form: OrderForm, field: string) => (props.form?.name === form ? props.form.values[field] : undefined);
  const remaining = o.lines.map((l) => ({ line: l, left: l.quantity - l.fulfilledQuantity })).filter((x) => x.left > 0);
  const canShip = can.fulfil && shippable.includes(o.status) && remaining.length > 0;
  const refundLeft = o.totals.total.amount - o.totals.refunded.amount;
  const canRefund = can.refund && refundable.includes(o.status) && refundLeft > 0;
  const nothingShipped = o.lines.every((l) => l.fulfilledQuantity === 0);
  // Cancelling a paid order refunds it in full, so that needs the refund permission too.
  const canCancel = can.fulfil && (o.status === 'pending_payment' || (o.status === 'paid' && nothingShipped && can.refund));
  const mails: ResendableMail[] = ['confirmation', ...(o.fulfilments.length > 0 ? (['shipping'] as const) : []), ...(o.totals.refunded.amount > 0 ? (['refund'] as const) : [])];
  const placed = time.format(o.createdAt);
  return (
    <AdminLayout ctx={ctx} title={`Order ${o.number}`} errors={errors}>
      <p>
        <a href="/admin/orders">← Orders</a>
      </p>
      <div class="admin-head">
        <h1>
          Order {o.number} <StatusBadge status={o.status} />
        </h1>
        <p>
          Placed {placed} UTC · {money(o.totals.total)}
          {o.totals.refunded.amount > 0 ? ` · ${money(o.totals.refunded)} refunded` : ''}
        </p>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <div class="admin-columns admin-columns--form">
        <div>
          <Card id="items" title="Items">
            <div class="table-wrap">
              <table class="admin-table">
                <caption class="visually-hidden">Items of order {o.number}</caption>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col" class="num">
                      Qty
                    </th>
                    <th scope="col" class="num">
                      Shipped
                    </th>
                    <th scope="col" class="num">
                      Unit price
                    </th>
                    <th scope="col" class="num">
                      Total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {o.lines.map((l) => (
                    <tr key={l.id}>
                      <td>
                        {l.productName}
                        {l.variantTitle && l.variantTitle !== l.productName ? <span class="muted"> · {l.variantTitle}</span> : null}
                        <code class="order-item__sku">{l.sku}</code>
                      </td>
                      <td class="num tabular">{n.format(l.quantity)}</td>
                      <td class="num tabular">{n.format(l.fulfilledQuantity)}</td>
                      <td class="num tabular">{money(l.unitPrice)}</td>
                      <td class="num tabular">{money(l.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <dl class="order-totals tabular">
              <div>
                <dt>Subtotal</dt>
                <dd>{money(o.totals.subtotal)}</dd>
              </div>
              {o.totals.discount.amount > 0 ? (
                <div>
                  <dt>Discount{o.discountCode ? ` (${o.discountCode})` : ''}</dt>
                  <dd>−{money(o.totals.discount)}</dd>
                </div>
              ) : null}
              <div>
                <dt>Delivery{o.shippingMethod ? ` (${o.shippingMethod.name})` : ''}</dt>
                <dd>{money(o.totals.shipping)}</dd>
              </div>
              <div>
                <dt>Tax{o.totals.taxInclusive ? ' (included)' : ''}</dt>
                <dd>{money(o.totals.tax)}</dd>
              </div>
              <div class="order-totals__total">
                <dt>Total</dt>
                <dd>{money(o.totals.total)}</dd>
              </div>
              {o.totals.refunded.amount > 0 ? (
                <div>
                  <dt>Refunded</dt>
                  <dd>−{money(o.totals.refunded)}</dd>
                </div>
              ) : null}
            </dl>
          </Card>

          <Card id="shipments" title="Shipments">
            {o.fulfilments.length === 0 ? (
              <p class="muted">Nothing shipped yet.</p>
            ) : (
              <ul class="order-shipments">
                {o.fulfilments.map((f) => (
                  <li key={f.id}>
                    <p>
                      <strong>{time.format(f.createdAt)}</strong> · {f.carrier ?? 'No carrier given'}
                      {f.trackingNumber ? (
                        <>
                          {' '}
                          · tracking <code>{f.trackingNumber}</code>
                        </>
                      ) : null}
                    </p>
                    <p class="muted">
                      {f.lines
                        .map((fl) => {
                          const line = o.lines.find((l) => l.id === fl.orderLineId);
                          return `${n.format(fl.quantity)} × ${line ? line.productName + (line.variantTitle && line.variantTitle !== line.productName ? ` (${line.variantTitle})` : '') : 'item'}`;
                        })
                        .join(', ')}
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </Card>

          <Card id="payments" title="Payments and refunds">
            {o.payments.length === 0 ? (
              <p class="muted">No payment has been started for this order.</p>
            ) : (
              <div class="table-wrap">
                <table class="admin-table">
                  <caption class="visually-hidden">Payments of order {o.number}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Started (UTC)</th>
                      <th scope="col">Provider</th>
                      <th scope="col">Status</th>
                      <th scope="col" class="num">
                        Amount
                      </th>
                      <th scope="col" class="num">
                        Captured
                      </th>
                      <th scope="col" class="num">
                        Refunded
                      </th>
                      <th scope="col">Reference</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.payments.map((p) => (
                      <tr key={p.id}>
                        <td class="nowrap">{time.format(p.createdAt)}</td>
                        <td>{p.provider === 'test' ? 'Test gateway' : p.provider === 'stripe' ? 'Stripe' : p.provider === 'paypal' ? 'PayPal' : p.provider}</td>
                        <td>
                          <span class={p.status === 'succeeded' ? 'badge badge--ok' : p.status === 'failed' ? 'badge badge--danger' : 'badge'}>{p.status.replaceAll('_', ' ')}</span>
                        </td>
                        <td class="num tabular">{money(p.amount)}</td>
                        <td class="num tabular">{money(p.captured)}</td>
                        <td class="num tabular">{money(p.refunded)}</td>
                        <td>{p.providerReference ? <code class="order-ref">{p.providerReference}</code> : <span class="muted">—</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>

          <Card id="history" title="History">
            {o.events.length === 0 ? (
              <p class="muted">No events.</p>
            ) : (
              <ol class="order-history">
                {[...o.events].reverse().map((e) => (
                  <li key={e.id}>
                    <p class="order-history__when">
                      <time dateTime={e.createdAt.toISOString()}>{time.format(e.createdAt)}</time> · {actorLabels[e.actor.type] ?? e.actor.type}
                    </p>
                    <p>{e.message}</p>
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>

        <aside>
          <Card id="customer" title="Customer">
            {o.erased ? (
              <p class="muted">The customer's personal data was erased at their request.</p>
            ) : (
              <>
                <p>
                  {can.personalData ? <a href={`mailto:${o.email}`}>{o.email}</a> : <span class="masked">{maskEmail(o.email)}</span>}
                </p>
                <p class="muted">{o.customerId ? <a href={`/admin/customers/${o.customerId}`}>Customer account</a> : 'Guest checkout'}</p>
                {o.shippingAddress ? (
                  <>
                    <h3 class="order-subhead">Delivery address</h3>
                    <AddressBlock address={o.shippingAddress} clear={can.personalData} locale={locale} />
                  </>
                ) : null}
                {o.billingAddress ? (
                  <>
                    <h3 class="order-subhead">Billing address</h3>
                    <AddressBlock address={o.billingAddress} clear={can.personalData} locale={locale} />
                  </>
                ) : null}
                {can.personalData ? null : <p class="muted">Masked: your role does not ship orders.</p>}
              </>
            )}
          </Card>

          {canShip ? (
            <Card id="fulfil" title="Ship items">
              <PostForm action={`/admin/orders/${o.number}/fulfil`} csrf={ctx.csrf} novalidate>
                <fieldset class="fieldset">
                  <legend class="field__label">Quantity to ship</legend>
                  <p class="field__hint">What is left to ship is filled in. Set a line to 0 to ship it later.</p>
                  {remaining.map(({ line, left }) => {
                    const id = `qty-${line.id}`;
                    return (
                      <FieldFrame
                        key={line.id}
                        id={id}
                        label={`${line.productName}${line.variantTitle && line.variantTitle !== line.productName ? ` · ${line.variantTitle}` : ''} (${n.format(left)} left)`}
                        errors={errors}
                        control={(aria) => (
                          <input class="field__input field__input--code" id={id} name={id} type="text" inputMode="numeric" autocomplete="off" value={typed('fulfil', id) ?? String(left)} {...aria} />
                        )}
                      />
                    );
                  })}
                </fieldset>
                <FieldFrame
                  id="carrier"
                  label="Carrier (optional)"
                  errors={errors}
                  control={(aria) => <input class="field__input" id="carrier" name="carrier" type="text" maxLength={60} autocomplete="off" value={typed('fulfil', 'carrier') ?? ''} {...aria} />}
                />
                <FieldFrame
                  id="trackingNumber"
                  label="Tracking number (optional)"
                  hint="Sent to the customer in the shipping mail."
                  errors={errors}
                  control={(aria) => (
                    <input class="field__input" id="trackingNumber" name="trackingNumber" type="text" maxLength={100} autocomplete="off" spellcheck={false} value={typed('fulfil', 'trackingNumber') ?? ''} {...aria} />
                  )}
                />
                <button class="button" type="submit">
                  Ship and notify customer
                </button>
              </PostForm>
            </Card>
          ) : null}

          {can.fulfil && o.status === 'fulfilled' ? (
            <Card id="delivered" title="Delivery">
              <p>Mark the order delivered once the carrier confirms it.</p>
              <PostForm action={`/admin/orders/${o.number}/delivered`} csrf={ctx.csrf}>
                <button class="button button--secondary" type="submit">
                  Mark delivered
                </button>
              </PostForm>
            </Card>
          ) : null}

          {canRefund ? (
            <Card id="refund" title="Refund">
              <PostForm action={`/admin/orders/${o.number}/refund`} csrf={ctx.csrf} novalidate>
                <FieldFrame
                  id="amount"
                  label={`Amount (${o.totals.total.currency})`}
                  hint={`Up to ${money({ amount: refundLeft, currency: o.totals.total.currency })}, back to the original payment.`}
                  errors={errors}
                  control={(aria) => (
                    <input class="field__input field__input--code" id="amount" name="amount" type="text" inputMode="decimal" autocomplete="off" value={typed('refund', 'amount') ?? amountText(refundLeft, o.totals.total.currency)} {...aria} />
                  )}
                />
                <FieldFrame
                  id="reason"
                  label="Reason"
                  hint="Kept in the order's history and the audit trail."
                  errors={errors}
                  control={(aria) => <input class="field__input" id="reason" name="reason" type="text" maxLength={200} autocomplete="off" value={typed('refund', 'reason') ?? ''} {...aria} />}
                />
                <button class="button button--secondary" type="submit">
                  Refund…
                </button>
              </PostForm>
            </Card>
          ) : null}

          {can.fulfil ? (
            <Card id="resend" title="Send a mail again">
              <PostForm action={`/admin/orders/${o.number}/resend`} csrf={ctx.csrf}>
                <div class="field">
                  <label class="field__label" for="mail">
                    Mail
                  </label>
                  <select class="field__select" id="mail" name="mail">
                    {mails.map((m) => (
                      <option key={m} value={m} selected={typed('resend', 'mail') === m}>
                        {mailLabels[m]}
                      </option>
                    ))}
                  </select>
                </div>
                <button class="button button--secondary" type="submit">
                  Send again
                </button>
              </PostForm>
            </Card>
          ) : null}

          {canCancel ? (
            <Card id="cancel" title="Cancel order">
              <p>{o.status === 'paid' ? 'The payment is refunded in full and the items go back into stock.' : 'The payment is stopped and the items go back into stock.'}</p>
              <PostForm action={`/admin/orders/${o.number}/cancel`} csrf={ctx.csrf} novalidate>
                <FieldFrame
                  id="cancelReason"
                  label="Reason"
                  errors={errors}
                  control={(aria) => <input class="field__input" id="cancelReason" name="reason" type="text" maxLength={200} autocomplete="off" value={typed('cancel', 'reason') ?? ''} {...aria} />}
                />
                <button class="button button--danger" type="submit">
                  Cancel order…
                </button>
              </PostForm>
            </Card>
          ) : null}

          {!can.fulfil && !can.refund ? <p class="muted">Your role can read orders but not change them.</p> : null}
        </aside>
      </div>
    </AdminLayout>
  );
}

/** The confirmation page of a destructive action (a refund, a cancellation): what will happen, one button, a way back. */
export function ConfirmOrderActionPage(props: {
  ctx: AdminContext;
  order: OrderDetail;
  title: string;
  summary: string;
  action: string;
  fields: Record<string, string>;
  button: string;
}): VNode {
  const { ctx, order } = props;
  return (
    <AdminLayout ctx={ctx} title={props.title}>
      <p>
        <a href={`/admin/orders/${order.number}`}>← Order {order.number}</a>
      </p>
      <div class="admin-head">
        <h1>{props.title}</h1>
        <p>{props.summary}</p>
      </div>
      <PostForm action={props.action} csrf={ctx.csrf}>
        {Object.entries(props.fields).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <div class="form-actions">
          <button class="button button--danger" type="submit">
            {props.button}
          </button>
          <a class="button button--secondary" href={`/admin/orders/${order.number}`}>
            Go back
          </a>
        </div>
      </PostForm>
    </AdminLayout>
  );
}
