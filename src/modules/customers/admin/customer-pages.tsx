import type { ComponentChildren, VNode } from 'preact';
import { AdminLayout, ListPager, type AdminContext } from '../../../backoffice/index.js';
import type { Money } from '../../../kernel/money.js';
import { formatMoney } from '../../../web/format.js';
import { Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import type { CustomerList, CustomerView } from './customer-support.js';

/** A few of the customer's own orders, as the orders module lists them for the detail page. */
export interface CustomerOrderLine {
  number: string;
  /** The status as staff read it ("Shipped"). */
  status: string;
  total: Money;
  placedAt: Date;
}

const dateOf = (locale: string) => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

function listHref(p: { email: string; page?: number }): string {
  const params = new URLSearchParams();
  if (p.email) params.set('email', p.email);
  if (p.page && p.page > 1) params.set('page', String(p.page));
  const s = params.toString();
  return `/admin/customers${s ? `?${s}` : ''}`;
}

function Masked({ children }: { children: ComponentChildren }) {
  return (
    <span class="masked">
      {children}
      <span class="visually-hidden"> (masked)</span>
    </span>
  );
}

/** The customer list: every account, newest first, personal data masked; found by exact e-mail address. */
export function CustomerListPage(props: { ctx: AdminContext; locale: string; list: CustomerList; email: string; page: number; pageSize: number; errors?: FormError[] }): VNode {
  const { ctx, locale, list } = props;
  const n = new Intl.NumberFormat(locale);
  const date = dateOf(locale);
  const searching = props.email !== '';
  return (
    <AdminLayout ctx={ctx} title={searching ? 'Customers: search' : 'Customers'} errors={props.errors ?? []}>
      <div class="admin-head">
        <h1>
          Customers <span class="admin-head__count tabular">{searching ? null : n.format(list.total)}</span>
        </h1>
        <p>Everyone with an account, newest first. Names and addresses are masked; open a customer to see their orders and details.</p>
      </div>
      <form method="get" action="/admin/customers" class="admin-filters" role="search">
        <div class="field">
          <label class="field__label" for="email">
            Find by e-mail address
          </label>
          <p class="field__hint" id="email-hint">
            The whole address, like jane@example.com. Addresses are stored encrypted, so part of one cannot be searched.
          </p>
          <input class="field__input" id="email" name="email" type="email" value={props.email} maxLength={254} autocomplete="off" spellcheck={false} aria-describedby="email-hint" />
        </div>
        <button class="button button--secondary" type="submit">
          Find
        </button>
        {searching ? <a href="/admin/customers">Show all customers</a> : null}
      </form>
      {list.items.length === 0 ? (
        <div class="admin-empty">
          {searching ? (
            <p>No account has this address. Check the spelling, or ask the customer which address they signed up with.</p>
          ) : (
            <p>No customers yet. Everyone who creates an account in the shop appears here.</p>
          )}
        </div>
      ) : (
        <>
          <div class="table-wrap">
            <table class="admin-table">
              <caption class="visually-hidden">Customers, newest first, personal data masked</caption>
              <thead>
                <tr>
                  <th scope="col">E-mail</th>
                  <th scope="col">Name</th>
                  <th scope="col">Joined</th>
                  <th scope="col">E-mail verified</th>
                  <th scope="col" class="num">
                    Addresses
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <a href={`/admin/customers/${c.id}`}>
                        <Masked>{c.email}</Masked>
                      </a>
                    </td>
                    <td>{c.name === null ? <span class="muted">Not given</span> : <Masked>{c.name}</Masked>}</td>
                    <td class="nowrap">{date.format(c.createdAt)}</td>
                    <td>{c.emailVerified ? <span class="badge badge--ok">Verified</span> : <span class="badge">Not verified</span>}</td>
                    <td class="num tabular">{n.format(c.addressCount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ListPager label="Pages of customers" locale={locale} page={props.page} pageSize={props.pageSize} shown={list.items.length} total={list.total} hrefOf={(page) => listHref({ email: props.email, page })} />
        </>
      )}
    </AdminLayout>
  );
}

export interface CustomerDetailProps {
  ctx: AdminContext;
  locale: string;
  customer: CustomerView;
  canReveal: boolean;
  orders?: { items: CustomerOrderLine[]; total: number } | undefined;
}

/** One customer for support: account facts, contact details and addresses (masked until revealed), orders. */
export function CustomerDetailPage(props: CustomerDetailProps): VNode {
  const { ctx, locale, customer: c } = props;
  const date = dateOf(locale);
  const time = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  const region = new Intl.DisplayNames([locale], { type: 'region' });
  const pd = (value: string) => (c.revealed ? value : <Masked>{value}</Masked>);
  return (
    <AdminLayout ctx={ctx} title={c.revealed ? 'Customer (revealed)' : 'Customer'}>
      <p>
        <a href="/admin/customers">← Customers</a>
      </p>
      <div class="admin-head">
        <h1>{pd(c.email)}</h1>
        <p>Customer since {date.format(c.createdAt)}</p>
      </div>
      {c.revealed ? (
        <Notice>Personal data shown in clear, this once. The reveal is in the audit trail under your name; reload the page to mask it again.</Notice>
      ) : null}
      <div class="admin-columns admin-columns--form">
        <div>
          <section class="admin-card" aria-labelledby="contact-title">
            <h2 id="contact-title">Contact details</h2>
            <dl class="summary-list">
              <div>
                <dt>E-mail</dt>
                <dd>
                  {pd(c.email)} {c.emailVerified ? <span class="badge badge--ok">Verified</span> : <span class="badge">Not verified</span>}
                </dd>
              </div>
              <div>
                <dt>Name</dt>
                <dd>{c.name === null ? <span class="muted">Not given</span> : pd(c.name)}</dd>
              </div>
              <div>
                <dt>Phone</dt>
                <dd>{c.phone === null ? <span class="muted">Not given</span> : pd(c.phone)}</dd>
              </div>
              <div>
                <dt>News and offers</dt>
                <dd>{c.marketingOptIn ? 'Subscribed' : 'Not subscribed'}</dd>
              </div>
              <div>
                <dt>Two-step verification</dt>
                <dd>{c.mfaEnabled ? 'On' : 'Off'}</dd>
              </div>
            </dl>
          </section>
          <section class="admin-card" aria-labelledby="addresses-title">
            <h2 id="addresses-title">Saved addresses</h2>
            {c.addresses.length === 0 ? (
              <p class="muted">No saved addresses.</p>
            ) : (
              <ul class="admin-address-list">
                {c.addresses.map((a) => (
                  <li key={a.id}>
                    <p class="admin-address-list__badges">
                      {a.label ? <strong>{a.label}</strong> : null}
                      {a.isDefaultShipping ? <span class="badge">Default delivery</span> : null}
                      {a.isDefaultBilling ? <span class="badge">Default billing</span> : null}
                    </p>
                    <address>
                      {pd(a.name)}
                      <br />
                      {a.lines.map((line, i) => (
                        <span key={i}>
                          {pd(line)}
                          <br />
                        </span>
                      ))}
                      {region.of(a.country) ?? a.country}
                      {a.phone ? (
                        <>
                          <br />
                          Phone {pd(a.phone)}
                        </>
                      ) : null}
                    </address>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {props.orders ? (
            <section class="admin-card" aria-labelledby="orders-title">
              <h2 id="orders-title">Orders</h2>
              {props.orders.items.length === 0 ? (
                <p class="muted">No orders yet.</p>
              ) : (
                <div class="table-wrap">
                  <table class="admin-table">
                    <caption class="visually-hidden">This customer's latest orders</caption>
                    <thead>
                      <tr>
                        <th scope="col">Order</th>
                        <th scope="col">Placed</th>
                        <th scope="col">Status</th>
                        <th scope="col" class="num">
                          Total
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {props.orders.items.map((o) => (
                        <tr key={o.number}>
                          <td>
                            <a href={`/admin/orders/${o.number}`}>{o.number}</a>
                          </td>
                          <td class="nowrap">{time.format(o.placedAt)}</td>
                          <td>{o.status}</td>
                          <td class="num tabular">{formatMoney(o.total, locale)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {props.orders.total > props.orders.items.length ? (
                <p class="muted">
                  The latest {props.orders.items.length} of {props.orders.total} orders.
                </p>
              ) : null}
            </section>
          ) : null}
        </div>
        <aside>
          <section class="admin-card" aria-labelledby="reveal-title">
            <h2 id="reveal-title">Personal data</h2>
            {c.revealed ? (
              <p>Shown in clear on this page only. Leave or reload it to mask the data again.</p>
            ) : props.canReveal ? (
              <>
                <p>Masked to protect the customer. Reveal it only when the customer asks you to check their details.</p>
                <p class="muted">The e-mail, name, phone and addresses are shown once, and the reveal is recorded in the audit trail with your name.</p>
                <PostForm action={`/admin/customers/${c.id}/reveal`} csrf={ctx.csrf}>
                  <button class="button button--secondary" type="submit">
                    Reveal personal data
                  </button>
                </PostForm>
              </>
            ) : (
              <p>Masked. Your role can look customers up but not reveal their personal data.</p>
            )}
          </section>
        </aside>
      </div>
    </AdminLayout>
  );
}
