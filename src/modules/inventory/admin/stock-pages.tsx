import type { VNode } from 'preact';
import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { FieldFrame, Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import type { Level, Movement } from '../inventory.service.js';
import type { StockFilter, StockRow } from '../inventory.stock-admin.js';

const statusBadge: Record<Level['level'], VNode> = {
  in_stock: <span class="badge badge--ok">In stock</span>,
  low_stock: <span class="badge badge--low">Low stock</span>,
  sold_out: <span class="badge badge--sold-out">Sold out</span>,
};

const kindLabels: Record<Movement['kind'], string> = {
  adjustment: 'Adjustment',
  sale: 'Sale',
  return: 'Return',
  reservation: 'Reservation',
  release: 'Release',
};

export interface StockListProps {
  ctx: AdminContext;
  locale: string;
  items: StockRow[];
  total: number;
  counts: { low: number; soldOut: number };
  filter: StockFilter;
  q: string;
  productId: string;
  page: number;
  pageSize: number;
  canWrite: boolean;
}

function listHref(p: { filter: StockFilter; q: string; productId: string; page?: number }): string {
  const params = new URLSearchParams();
  if (p.filter !== 'all') params.set('filter', p.filter);
  if (p.q) params.set('q', p.q);
  if (p.productId) params.set('product', p.productId);
  if (p.page && p.page > 1) params.set('page', String(p.page));
  const s = params.toString();
  return `/admin/inventory${s ? `?${s}` : ''}`;
}

/**
 * Stock per variant, least available first: tabs for low stock and sold out, a search by SKU or product
 * name, each row leading to the variant's ledger and adjustment form.
 */
export function StockListPage(props: StockListProps): VNode {
  const { ctx, locale } = props;
  const n = new Intl.NumberFormat(locale);
  const tabs: { filter: StockFilter; label: string; count?: number }[] = [
    { filter: 'all', label: 'All' },
    { filter: 'low', label: 'Low stock', count: props.counts.low },
    { filter: 'sold_out', label: 'Sold out', count: props.counts.soldOut },
  ];
  const first = (props.page - 1) * props.pageSize + 1;
  const last = first + props.items.length - 1;
  const searching = props.q !== '' || props.productId !== '';
  return (
    <AdminLayout ctx={ctx} title="Inventory">
      <div class="admin-head">
        <h1>
          Inventory <span class="admin-head__count tabular">{n.format(props.total)}</span>
        </h1>
        <p>Stock of every variant. Available is on hand minus what is reserved for orders; a variant at or below its threshold shows "Only N left" in the shop.</p>
      </div>
      <nav class="admin-tabs" aria-label="Stock status">
        <ul>
          {tabs.map((t) => (
            <li key={t.filter}>
              <a href={listHref({ filter: t.filter, q: props.q, productId: props.productId })} {...(t.filter === props.filter ? { 'aria-current': 'page' as const } : {})}>
                {t.label}
                {t.count !== undefined ? <span class="tabular"> ({n.format(t.count)})</span> : null}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/admin/inventory" class="admin-filters" role="search">
        {props.filter !== 'all' ? <input type="hidden" name="filter" value={props.filter} /> : null}
        {props.productId ? <input type="hidden" name="product" value={props.productId} /> : null}
        <div class="field">
          <label class="field__label" for="q">
            Search by SKU or product name
          </label>
          <input class="field__input" id="q" name="q" type="search" value={props.q} maxLength={120} autocomplete="off" spellcheck={false} />
        </div>
        <button class="button button--secondary" type="submit">
          Search
        </button>
        {searching ? (
          <a href={listHref({ filter: props.filter, q: '', productId: '' })}>Clear search</a>
        ) : null}
      </form>
      {props.items.length === 0 ? (
        <p class="empty">
          {searching
            ? 'No variant matches this search. Check the SKU, or search for part of the product name.'
            : props.filter === 'low'
              ? 'Nothing is running low. Variants at or below their threshold appear here.'
              : props.filter === 'sold_out'
                ? 'Nothing is sold out.'
                : 'No stock yet. Stock appears here when products with variants are added.'}
        </p>
      ) : (
        <>
          <div class="table-wrap">
            <table class="admin-table">
              <caption class="visually-hidden">Stock per variant, least available first</caption>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">SKU</th>
                  <th scope="col" class="num">
                    On hand
                  </th>
                  <th scope="col" class="num">
                    Reserved
                  </th>
                  <th scope="col" class="num">
                    Available
                  </th>
                  <th scope="col" class="num">
                    Threshold
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {props.items.map((row) => (
                  <tr key={row.variantId}>
                    <td>
                      <a href={`/admin/inventory/${row.variantId}`}>{row.variant?.productName ?? 'Unknown product'}</a>
                      {row.variant && row.variant.title !== row.variant.productName ? <span class="muted"> · {row.variant.title}</span> : null}
                    </td>
                    <td>
                      <code>{row.variant?.sku ?? '—'}</code>
                    </td>
                    <td class="num tabular">{n.format(row.onHand)}</td>
                    <td class="num tabular">{n.format(row.reserved)}</td>
                    <td class="num tabular">{n.format(row.available)}</td>
                    <td class="num tabular">{n.format(row.lowStockThreshold)}</td>
                    <td>{statusBadge[row.level]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="audit-pager" aria-label="Pages of stock">
            <p class="audit-pager__range tabular">
              {n.format(first)}–{n.format(last)} of {n.format(props.total)}
            </p>
            <ul>
              {props.page > 1 ? (
                <li>
                  <a class="button button--secondary button--small" rel="prev" href={listHref({ ...props, page: props.page - 1 })}>
                    Previous
                  </a>
                </li>
              ) : null}
              {last < props.total ? (
                <li>
                  <a class="button button--secondary button--small" rel="next" href={listHref({ ...props, page: props.page + 1 })}>
                    Next
                  </a>
                </li>
              ) : null}
            </ul>
          </nav>
        </>
      )}
      {props.canWrite ? null : <p class="muted">Your role can read stock but not change it.</p>}
    </AdminLayout>
  );
}

export interface VariantStockProps {
  ctx: AdminContext;
  locale: string;
  row: StockRow;
  movements: Movement[];
  total: number;
  canWrite: boolean;
  notice?: string | undefined;
  errors?: FormError[];
  form?: { direction?: string | undefined; quantity?: string | undefined; reason?: string | undefined; threshold?: string | undefined };
}

/** One variant's stock: the figures, an adjustment form (a reason is required), its threshold, and its ledger. */
export function VariantStockPage(props: VariantStockProps): VNode {
  const { ctx, row, locale } = props;
  const n = new Intl.NumberFormat(locale);
  const signed = new Intl.NumberFormat(locale, { signDisplay: 'exceptZero' });
  const time = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  const name = row.variant ? `${row.variant.productName}${row.variant.title !== row.variant.productName ? ` · ${row.variant.title}` : ''}` : 'Unknown variant';
  const errors = props.errors ?? [];
  const direction = props.form?.direction === 'remove' ? 'remove' : 'add';
  return (
    <AdminLayout ctx={ctx} title={`Stock of ${name}`} errors={errors}>
      <p>
        <a href={row.variant ? `/admin/inventory?product=${row.productId}` : '/admin/inventory'}>← Inventory</a>
      </p>
      <div class="admin-head">
        <h1>{name}</h1>
        <p>
          SKU <code>{row.variant?.sku ?? '—'}</code> · {statusBadge[row.level]}
        </p>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <dl class="kpis">
        {(
          [
            ['On hand', row.onHand],
            ['Reserved', row.reserved],
            ['Available', row.available],
            ['Low-stock threshold', row.lowStockThreshold],
          ] as const
        ).map(([label, value]) => (
          <div class="kpi" key={label}>
            <dt class="kpi__label">{label}</dt>
            <dd class="kpi__value tabular">{n.format(value)}</dd>
          </div>
        ))}
      </dl>
      {props.canWrite ? (
        <div class="admin-columns">
          <section class="admin-card" aria-labelledby="adjust-title">
            <h2 id="adjust-title">Adjust stock</h2>
            <PostForm action={`/admin/inventory/${row.variantId}/adjust`} csrf={ctx.csrf} novalidate>
              <fieldset class="fieldset">
                <legend class="field__label">Change</legend>
                <div class="checkbox">
                  <input class="checkbox__input" type="radio" id="direction-add" name="direction" value="add" checked={direction === 'add'} />
                  <label class="checkbox__label" for="direction-add">
                    Add units (received, found in a count)
                  </label>
                </div>
                <div class="checkbox">
                  <input class="checkbox__input" type="radio" id="direction-remove" name="direction" value="remove" checked={direction === 'remove'} />
                  <label class="checkbox__label" for="direction-remove">
                    Remove units (damaged, lost, missing in a count)
                  </label>
                </div>
              </fieldset>
              <FieldFrame
                id="quantity"
                label="Quantity"
                hint={`Whole units. At most ${n.format(row.available)} can be removed: reserved units belong to orders.`}
                errors={errors}
                control={(aria) => <input class="field__input field__input--code" id="quantity" name="quantity" type="text" inputMode="numeric" autocomplete="off" value={props.form?.quantity ?? ''} {...aria} />}
              />
              <FieldFrame
                id="reason"
                label="Reason"
                hint="Kept in the ledger and the audit trail, e.g. “Stock count 3 March” or “Damaged in storage”."
                errors={errors}
                control={(aria) => <input class="field__input" id="reason" name="reason" type="text" maxLength={200} autocomplete="off" value={props.form?.reason ?? ''} {...aria} />}
              />
              <button class="button" type="submit">
                Save adjustment
              </button>
            </PostForm>
          </section>
          <section class="admin-card" aria-labelledby="threshold-title">
            <h2 id="threshold-title">Low-stock threshold</h2>
            <PostForm action={`/admin/inventory/${row.variantId}/threshold`} csrf={ctx.csrf} novalidate>
              <FieldFrame
                id="threshold"
                label="Show “Only N left” at or below"
                errors={errors}
                control={(aria) => (
                  <input class="field__input field__input--code" id="threshold" name="threshold" type="text" inputMode="numeric" autocomplete="off" value={props.form?.threshold ?? String(row.lowStockThreshold)} {...aria} />
                )}
              />
              <button class="button button--secondary" type="submit">
                Save threshold
              </button>
            </PostForm>
          </section>
        </div>
      ) : null}
      <section class="admin-section" aria-labelledby="ledger-title">
        <h2 id="ledger-title">
          Ledger <span class="admin-head__count tabular">{n.format(props.total)}</span>
        </h2>
        <p class="muted">Every change of this variant's stock, newest first. The figures above are the sum of these movements.</p>
        {props.movements.length === 0 ? (
          <p class="empty">No movements yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="admin-table">
              <caption class="visually-hidden">Stock movements, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When (UTC)</th>
                  <th scope="col">Kind</th>
                  <th scope="col" class="num">
                    On hand
                  </th>
                  <th scope="col" class="num">
                    Reserved
                  </th>
                  <th scope="col" class="num">
                    On hand after
                  </th>
                  <th scope="col" class="num">
                    Reserved after
                  </th>
                  <th scope="col">Reason</th>
                  <th scope="col">Reference</th>
                </tr>
              </thead>
              <tbody>
                {props.movements.map((m) => (
                  <tr key={m.id}>
                    <td class="nowrap">{time.format(m.createdAt)}</td>
                    <td>{kindLabels[m.kind]}</td>
                    <td class="num tabular">{m.onHandDelta === 0 ? '—' : signed.format(m.onHandDelta)}</td>
                    <td class="num tabular">{m.reservedDelta === 0 ? '—' : signed.format(m.reservedDelta)}</td>
                    <td class="num tabular">{n.format(m.onHandAfter)}</td>
                    <td class="num tabular">{n.format(m.reservedAfter)}</td>
                    <td>{m.reason || <span class="muted">—</span>}</td>
                    <td>{m.reference ? <code>{m.reference}</code> : <span class="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </AdminLayout>
  );
}
