import { h, type ComponentChildren, type VNode } from 'preact';
import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { countryOptions } from '../../../kernel/countries.js';
import { FieldFrame, Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import { minorDigits, minorText } from '../../../kernel/money-text.js';
import { dayOf, formatBands, formatPercent, lastDayOf, type FormValues } from '../pricing.admin.forms.js';
import type { DiscountCodeRow, ShippingMethodRow, TaxRateRow } from '../pricing.tables.js';

interface Shared {
  ctx: AdminContext;
  locale: string;
  currency: string;
}

/** Money for display: the minor units as a decimal string, so no float rounds it. */
function money(locale: string, currency: string, minor: number): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minorText(minor, digits) as `${number}`);
}

function countryName(locale: string): (code: string) => string {
  const names = new Intl.DisplayNames([locale], { type: 'region' });
  return (code) => names.of(code) ?? code;
}

function TextField(props: { id: string; label: string; hint?: string; value: string; errors: FormError[]; short?: boolean; inputMode?: 'numeric' | 'decimal'; type?: 'text' | 'date'; maxLength?: number }) {
  return (
    <FieldFrame
      id={props.id}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
      control={(aria) =>
        // Attributes assembled as data: preact's JSX types, keyed by input type, cannot follow a chosen type.
        h('input', {
          class: props.short ? 'field__input field__input--code' : 'field__input',
          id: props.id,
          name: props.id,
          type: props.type ?? 'text',
          autocomplete: 'off',
          value: props.value,
          ...(props.inputMode ? { inputMode: props.inputMode } : {}),
          ...(props.maxLength ? { maxLength: props.maxLength } : {}),
          ...aria,
        })
      }
    />
  );
}

function Radios(props: { name: string; legend: string; value: string; options: readonly { value: string; label: string }[]; errors: FormError[] }) {
  const error = props.errors.find((e) => e.field === `${props.name}-${props.options[0]!.value}`);
  return (
    <fieldset class={error ? 'fieldset field--error' : 'fieldset'}>
      <legend class="field__label">{props.legend}</legend>
      {error ? (
        <p class="field__error">
          <span class="visually-hidden">Error: </span>
          {error.message}
        </p>
      ) : null}
      {props.options.map((o) => (
        <div class={choiceRow} key={o.value}>
          <input class="checkbox__input" type="radio" id={`${props.name}-${o.value}`} name={props.name} value={o.value} checked={props.value === o.value} />
          <label class="checkbox__label" for={`${props.name}-${o.value}`}>
            {o.label}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

function Head(props: { title: string; intro: string; count?: number; action?: { href: string; label: string } }) {
  return (
    <div class="admin-head">
      <h1>
        {props.title} {props.count !== undefined ? <span class="admin-head__count tabular">{props.count}</span> : null}
      </h1>
      <p>{props.intro}</p>
      {props.action ? (
        <p>
          <a class="button" href={props.action.href}>
            {props.action.label}
          </a>
        </p>
      ) : null}
    </div>
  );
}

function Table(props: { caption: string; head: readonly (string | { label: string; num: true })[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table class="admin-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map((h) =>
              typeof h === 'string' ? (
                <th scope="col" key={h}>
                  {h}
                </th>
              ) : (
                <th scope="col" class="num" key={h.label}>
                  {h.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

// The admin stylesheet sizes `.checkbox` as a bare table checkbox (1.25rem wide), which squeezes a labelled
// choice row to one word a line; a flex row of the same spacing keeps the label beside its control.
const choiceRow = 'save-bar';

const activeBadge = (active: boolean) => (active ? <span class="badge badge--ok">Active</span> : <span class="badge badge--sold-out">Inactive</span>);

// --- Tax rates -----------------------------------------------------------------------------------------

export function TaxRatesPage(props: Shared & { rates: TaxRateRow[]; canWrite: boolean; notice?: string | undefined }): VNode {
  const name = countryName(props.locale);
  return (
    <AdminLayout ctx={props.ctx} title="Tax rates">
      <Head
        title="Tax rates"
        count={props.rates.length}
        intro="The rate charged on goods and shipping delivered to a country. A region's rate (a US state, a Canadian province) replaces the country's for addresses there. Where no rate is set, no tax is charged."
        {...(props.canWrite ? { action: { href: '/admin/pricing/tax-rates/new', label: 'Add a tax rate' } } : {})}
      />
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.rates.length === 0 ? (
        <p class="empty">No tax rates yet: orders are charged no tax.</p>
      ) : (
        <Table caption="Tax rates by country and region" head={['Country', 'Region', 'Name', { label: 'Rate', num: true }]}>
          {props.rates.map((r) => (
            <tr key={r.id}>
              <td>{props.canWrite ? <a href={`/admin/pricing/tax-rates/${r.id}`}>{name(r.country)}</a> : name(r.country)}</td>
              <td>{r.region === '' ? <span class="muted">Whole country</span> : <code>{`${r.country}-${r.region}`}</code>}</td>
              <td>{r.name}</td>
              <td class="num tabular">{formatPercent(r.rate_bp)}%</td>
            </tr>
          ))}
        </Table>
      )}
      {props.canWrite ? null : <p class="muted">Your role can read tax rates but not change them.</p>}
    </AdminLayout>
  );
}

export function TaxRateFormPage(props: Shared & { rate?: TaxRateRow | undefined; form?: FormValues | undefined; errors?: FormError[] | undefined; notice?: string | undefined }): VNode {
  const { rate } = props;
  const errors = props.errors ?? [];
  const value = (name: string, fallback: string) => props.form?.[name] ?? fallback;
  const title = rate ? `Tax rate: ${countryName(props.locale)(rate.country)}${rate.region ? ` (${rate.region})` : ''}` : 'Add a tax rate';
  const country = value('country', rate?.country ?? '');
  return (
    <AdminLayout ctx={props.ctx} title={title} errors={errors}>
      <p>
        <a href="/admin/pricing/tax-rates">← Tax rates</a>
      </p>
      <div class="admin-head">
        <h1>{title}</h1>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <div class="admin-columns">
        <section class="admin-card" aria-label="Rate">
          <PostForm action={rate ? `/admin/pricing/tax-rates/${rate.id}` : '/admin/pricing/tax-rates'} csrf={props.ctx.csrf} novalidate>
            <FieldFrame
              id="country"
              label="Country"
              errors={errors}
              control={(aria) => (
                <select class="field__select" id="country" name="country" {...aria}>
                  <option value="" selected={country === ''}>
                    Choose a country
                  </option>
                  {countryOptions(props.locale).map((c) => (
                    <option key={c.code} value={c.code} selected={c.code === country}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            />
            <TextField id="region" label="Region (optional)" hint="The subdivision's code, like CA for California or QC for Quebec. Empty: the whole country." value={value('region', rate?.region ?? '')} errors={errors} short maxLength={3} />
            <TextField id="name" label="Name" hint="Shown on receipts, like VAT or Sales tax." value={value('name', rate?.name ?? '')} errors={errors} maxLength={60} />
            <TextField id="rate" label="Rate (%)" hint="From 0 to 100, up to 2 decimals, like 20 or 7.25." value={value('rate', rate ? formatPercent(rate.rate_bp) : '')} errors={errors} short inputMode="decimal" />
            <button class="button" type="submit">
              {rate ? 'Save tax rate' : 'Add tax rate'}
            </button>
          </PostForm>
        </section>
        {rate ? (
          <section class="admin-card" aria-labelledby="delete-title">
            <h2 id="delete-title">Delete this rate</h2>
            <p>Orders already placed keep the tax they were charged. New orders to this place are charged {rate.region ? "the country's rate" : 'no tax'}.</p>
            <PostForm action={`/admin/pricing/tax-rates/${rate.id}/delete`} csrf={props.ctx.csrf}>
              <button class="button button--danger" type="submit">
                Delete tax rate
              </button>
            </PostForm>
          </section>
        ) : null}
      </div>
    </AdminLayout>
  );
}

// --- Shipping methods ----------------------------------------------------------------------------------

export function ShippingListPage(props: Shared & { methods: ShippingMethodRow[]; canWrite: boolean; notice?: string | undefined }): VNode {
  const price = (m: ShippingMethodRow) =>
    m.kind === 'flat' ? money(props.locale, m.currency, m.price_amount) : `By weight, ${m.bands.length} ${m.bands.length === 1 ? 'band' : 'bands'} from ${money(props.locale, m.currency, m.bands[0]?.amount ?? 0)}`;
  return (
    <AdminLayout ctx={props.ctx} title="Shipping">
      <Head
        title="Shipping methods"
        count={props.methods.length}
        intro="What customers choose from at checkout, in this order, for the countries each method delivers to."
        {...(props.canWrite ? { action: { href: '/admin/pricing/shipping/new', label: 'Add a shipping method' } } : {})}
      />
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.methods.length === 0 ? (
        <p class="empty">No shipping methods yet: customers cannot check out until one delivers to them.</p>
      ) : (
        <Table caption="Shipping methods in checkout order" head={['Name', 'Countries', 'Price', { label: 'Free from', num: true }, { label: 'Position', num: true }, 'Status']}>
          {props.methods.map((m) => (
            <tr key={m.id}>
              <td>{props.canWrite ? <a href={`/admin/pricing/shipping/${m.id}`}>{m.name}</a> : m.name}</td>
              <td>{m.countries.join(', ')}</td>
              <td>{price(m)}</td>
              <td class="num tabular">{m.free_over_amount === null ? '—' : money(props.locale, m.currency, m.free_over_amount)}</td>
              <td class="num tabular">{m.position}</td>
              <td class="nowrap">{activeBadge(m.active)}</td>
            </tr>
          ))}
        </Table>
      )}
      {props.canWrite ? null : <p class="muted">Your role can read shipping methods but not change them.</p>}
    </AdminLayout>
  );
}

export function ShippingFormPage(props: Shared & { method?: ShippingMethodRow | undefined; form?: FormValues | undefined; errors?: FormError[] | undefined; notice?: string | undefined }): VNode {
  const { method, currency } = props;
  const digits = minorDigits(currency);
  const errors = props.errors ?? [];
  const value = (name: string, fallback: string) => props.form?.[name] ?? fallback;
  const title = method ? `Shipping: ${method.name}` : 'Add a shipping method';
  return (
    <AdminLayout ctx={props.ctx} title={title} errors={errors}>
      <p>
        <a href="/admin/pricing/shipping">← Shipping methods</a>
      </p>
      <div class="admin-head">
        <h1>{title}</h1>
        {method ? <p>{activeBadge(method.active)}</p> : null}
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <div class="admin-columns">
        <section class="admin-card" aria-label="Method">
          <PostForm action={method ? `/admin/pricing/shipping/${method.id}` : '/admin/pricing/shipping'} csrf={props.ctx.csrf} novalidate>
            <TextField id="name" label="Name" hint="What customers see at checkout, like Standard delivery (3–5 working days)." value={value('name', method?.name ?? '')} errors={errors} maxLength={80} />
            <TextField id="countries" label="Countries" hint="Two-letter codes separated by commas, like GB, IE, FR." value={value('countries', method?.countries.join(', ') ?? '')} errors={errors} />
            <Radios
              name="kind"
              legend="Price"
              value={value('kind', method?.kind ?? 'flat')}
              errors={errors}
              options={[
                { value: 'flat', label: 'The same price for every parcel' },
                { value: 'weight', label: 'By the weight of the parcel' },
              ]}
            />
            <TextField id="price" label={`Price (${currency})`} hint="For the same price for every parcel." value={value('price', method && method.kind === 'flat' ? minorText(method.price_amount, digits) : '')} errors={errors} short inputMode="decimal" />
            <FieldFrame
              id="bands"
              label="Weight bands"
              hint={`For a price by weight: one band a line, the largest weight in grams and its price, like 1000 = ${minorText(995, digits)}. Heavier parcels than the last band cannot use this method.`}
              errors={errors}
              control={(aria) => (
                <textarea class="field__input" id="bands" name="bands" rows={4} spellcheck={false} {...aria}>
                  {value('bands', method ? formatBands(method.bands, digits) : '')}
                </textarea>
              )}
            />
            <TextField id="freeOver" label={`Free from (${currency}, optional)`} hint="Delivery is free when the goods come to at least this much. Empty: never free." value={value('freeOver', typeof method?.free_over_amount === 'number' ? minorText(method.free_over_amount, digits) : '')} errors={errors} short inputMode="decimal" />
            <TextField id="position" label="Position" hint="Lower numbers come first at checkout." value={value('position', String(method?.position ?? 0))} errors={errors} short inputMode="numeric" />
            <button class="button" type="submit">
              {method ? 'Save shipping method' : 'Add shipping method'}
            </button>
          </PostForm>
        </section>
        {method ? (
          <section class="admin-card" aria-labelledby="active-title">
            <h2 id="active-title">{method.active ? 'Stop offering this method' : 'Offer this method again'}</h2>
            <p>{method.active ? 'Customers no longer see it at checkout. Orders already placed keep it.' : 'Customers in its countries see it at checkout again.'}</p>
            <PostForm action={`/admin/pricing/shipping/${method.id}/active`} csrf={props.ctx.csrf}>
              <input type="hidden" name="active" value={method.active ? 'no' : 'yes'} />
              <button class={method.active ? 'button button--danger' : 'button button--secondary'} type="submit">
                {method.active ? 'Deactivate' : 'Activate'}
              </button>
            </PostForm>
          </section>
        ) : null}
      </div>
    </AdminLayout>
  );
}

// --- Discount codes ------------------------------------------------------------------------------------

export function DiscountListPage(props: Shared & { discounts: DiscountCodeRow[]; notice?: string | undefined }): VNode {
  const day = new Intl.DateTimeFormat(props.locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const off = (d: DiscountCodeRow) => (d.kind === 'percentage' ? `${formatPercent(d.percent_bp ?? 0)}%` : money(props.locale, d.currency, d.amount ?? 0));
  const dates = (d: DiscountCodeRow) =>
    d.starts_at === null && d.ends_at === null
      ? 'Always'
      : `${d.starts_at ? day.format(d.starts_at) : 'Now'} – ${d.ends_at ? day.format(new Date(d.ends_at.getTime() - 86_400_000)) : 'no end'}`;
  return (
    <AdminLayout ctx={props.ctx} title="Discounts">
      <Head title="Discount codes" count={props.discounts.length} intro="Codes customers type at checkout. Uses count orders holding the code; an order cancelled before payment gives its use back." action={{ href: '/admin/pricing/discounts/new', label: 'Add a discount code' }} />
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.discounts.length === 0 ? (
        <p class="empty">No discount codes yet.</p>
      ) : (
        <Table caption="Discount codes" head={['Code', { label: 'Off', num: true }, { label: 'Minimum order', num: true }, 'Dates (UTC)', { label: 'Used', num: true }, 'Status']}>
          {props.discounts.map((d) => (
            <tr key={d.id}>
              <td>
                <a href={`/admin/pricing/discounts/${d.id}`}>
                  <code>{d.code}</code>
                </a>
              </td>
              <td class="num tabular">{off(d)}</td>
              <td class="num tabular">{d.min_subtotal === 0 ? '—' : money(props.locale, d.currency, d.min_subtotal)}</td>
              <td>{dates(d)}</td>
              <td class="num tabular">
                {d.used_count}
                {d.usage_limit !== null ? ` of ${d.usage_limit}` : ''}
              </td>
              <td class="nowrap">{activeBadge(d.active)}</td>
            </tr>
          ))}
        </Table>
      )}
    </AdminLayout>
  );
}

export function DiscountFormPage(props: Shared & { discount?: DiscountCodeRow | undefined; form?: FormValues | undefined; errors?: FormError[] | undefined; notice?: string | undefined }): VNode {
  const { discount: d, currency } = props;
  const digits = minorDigits(currency);
  const errors = props.errors ?? [];
  const value = (name: string, fallback: string) => props.form?.[name] ?? fallback;
  const title = d ? `Discount code ${d.code}` : 'Add a discount code';
  const combinable = props.form ? props.form.combinable === 'yes' : (d?.combinable ?? false);
  return (
    <AdminLayout ctx={props.ctx} title={title} errors={errors}>
      <p>
        <a href="/admin/pricing/discounts">← Discount codes</a>
      </p>
      <div class="admin-head">
        <h1>{title}</h1>
        {d ? (
          <p>
            {activeBadge(d.active)} · used <span class="tabular">{d.used_count}</span> {d.used_count === 1 ? 'time' : 'times'}
          </p>
        ) : null}
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <div class="admin-columns">
        <section class="admin-card" aria-label="Discount">
          <PostForm action={d ? `/admin/pricing/discounts/${d.id}` : '/admin/pricing/discounts'} csrf={props.ctx.csrf} novalidate>
            <TextField id="code" label="Code" hint="3 to 32 letters, digits, - or _. Customers can type it in any case." value={value('code', d?.code ?? '')} errors={errors} maxLength={32} />
            <Radios
              name="kind"
              legend="Discount"
              value={value('kind', d?.kind ?? 'percentage')}
              errors={errors}
              options={[
                { value: 'percentage', label: 'A percentage off the goods' },
                { value: 'fixed', label: 'A fixed amount off the goods' },
              ]}
            />
            <TextField id="percent" label="Percentage off (%)" hint="For a percentage: more than 0, at most 100, like 10." value={value('percent', typeof d?.percent_bp === 'number' ? formatPercent(d.percent_bp) : '')} errors={errors} short inputMode="decimal" />
            <TextField id="amount" label={`Amount off (${currency})`} hint="For a fixed amount, never more than the goods cost." value={value('amount', typeof d?.amount === 'number' ? minorText(d.amount, digits) : '')} errors={errors} short inputMode="decimal" />
            <TextField id="minSubtotal" label={`Minimum order (${currency}, optional)`} hint="The goods must come to at least this much." value={value('minSubtotal', d && d.min_subtotal > 0 ? minorText(d.min_subtotal, digits) : '')} errors={errors} short inputMode="decimal" />
            <TextField id="startsOn" label="First day (optional)" hint="From midnight UTC. Empty: from now." type="date" value={value('startsOn', dayOf(d?.starts_at ?? null))} errors={errors} />
            <TextField id="endsOn" label="Last day (optional)" hint="Until midnight UTC at the end of that day. Empty: no end." type="date" value={value('endsOn', lastDayOf(d?.ends_at ?? null))} errors={errors} />
            <TextField id="usageLimit" label="Uses in all (optional)" hint="Empty: no limit." value={value('usageLimit', typeof d?.usage_limit === 'number' ? String(d.usage_limit) : '')} errors={errors} short inputMode="numeric" />
            <TextField id="perCustomerLimit" label="Uses per customer (optional)" hint="Counted by account or e-mail address. Empty: no limit." value={value('perCustomerLimit', typeof d?.per_customer_limit === 'number' ? String(d.per_customer_limit) : '')} errors={errors} short inputMode="numeric" />
            <div class={choiceRow}>
              <input class="checkbox__input" type="checkbox" id="combinable" name="combinable" value="yes" checked={combinable} />
              <label class="checkbox__label" for="combinable">
                Combinable with free delivery (its threshold counts the goods before this discount)
              </label>
            </div>
            <button class="button" type="submit">
              {d ? 'Save discount code' : 'Add discount code'}
            </button>
          </PostForm>
        </section>
        {d ? (
          <section class="admin-card" aria-labelledby="active-title">
            <h2 id="active-title">{d.active ? 'Stop this code' : 'Start this code again'}</h2>
            <p>{d.active ? 'Customers can no longer use it. Orders already placed keep their discount.' : 'Customers can use it again within its dates and limits.'}</p>
            <PostForm action={`/admin/pricing/discounts/${d.id}/active`} csrf={props.ctx.csrf}>
              <input type="hidden" name="active" value={d.active ? 'no' : 'yes'} />
              <button class={d.active ? 'button button--danger' : 'button button--secondary'} type="submit">
                {d.active ? 'Deactivate' : 'Activate'}
              </button>
            </PostForm>
          </section>
        ) : null}
      </div>
    </AdminLayout>
  );
}
