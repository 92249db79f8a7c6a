import { formatMoney } from '../../../web/format.js';
import { ErrorSummary, type FormError } from '../../../web/forms/fields.js';
import { CsrfField } from '../../../web/forms/csrf-field.js';
import { Layout } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';
import type { Money } from '../../../kernel/money.js';
import type { CartLineView, CartView } from '../cart.service.js';

/** A sentence the page shows after a redirect: a change done (success) or a reason to look again (warning). */
export interface CartNotice {
  text: string;
  tone: 'success' | 'warning';
}

export interface CartPageProps {
  ctx: PageContext;
  view: CartView;
  csrf: string;
  /** The countries delivered to, for the estimate's select, and the one shown. */
  countries: { code: string; name: string }[];
  country: string;
  notice?: CartNotice | undefined;
  errors?: FormError[];
  /** The discount field's value after a refusal (kept, as GOV.UK forms keep values). */
  codeValue?: string;
  maxLineQuantity: number;
  scripts?: readonly string[];
}

const stateText: Record<Exclude<CartLineView['state'], 'ok'>, string> = {
  unknown: 'No longer available',
  archived: 'No longer sold',
  sold_out: 'Sold out',
  insufficient_stock: 'Not enough in stock',
};

/**
 * The cart: each line with its quantity form and a remove button, what changed since it was added (price,
 * stock, availability) said in words, and beside it the summary: subtotal, the code behind a disclosure,
 * delivery estimated for a country, tax and the total, then "Check out". Every form is a plain POST.
 */
export function CartPage(props: CartPageProps) {
  const { ctx, view, csrf } = props;
  const { quote } = view;
  const money = (m: Money) => formatMoney(m, ctx.locale);
  const errors = props.errors ?? [];
  const title = view.lines.length === 0 ? 'Your cart is empty' : 'Your cart';
  const purchasable = view.lines.length > 0 && view.lines.every((l) => l.state === 'ok') && quote.shippingOptions.length > 0;
  const discountProblem = quote.problems.find((p) => p.code.startsWith('DISCOUNT_'));
  return (
    <Layout ctx={ctx} title={errors.length > 0 ? `Error: ${title}` : title} scripts={props.scripts}>
      <div class="container cart">
        <ErrorSummary errors={errors} />
        {props.notice ? (
          <div class={`notice notice--${props.notice.tone}`} role="status">
            {props.notice.text}
          </div>
        ) : null}
        {view.lines.length === 0 ? (
          <div class="empty">
            <h1>Your cart is empty</h1>
            <p>Add something you love, and it will wait here for you.</p>
            <a class="button" href="/">
              Continue shopping
            </a>
          </div>
        ) : (
          <>
            <div class="page-head">
              <h1>Your cart</h1>
              <p>
                {view.itemCount} {view.itemCount === 1 ? 'item' : 'items'}
              </p>
            </div>
            <div class="cart__grid">
              <section aria-labelledby="cart-items-title">
                <h2 id="cart-items-title" class="visually-hidden">
                  Items
                </h2>
                <ul class="cart-lines">
                  {view.lines.map((line, i) => (
                    <CartLine key={line.lineId} line={line} index={i} csrf={csrf} money={money} max={props.maxLineQuantity} errors={errors} />
                  ))}
                </ul>
                <p>
                  <a class="link-arrow" href="/">
                    Continue shopping
                  </a>
                </p>
              </section>
              <aside class="cart-summary" aria-labelledby="cart-summary-title">
                <h2 id="cart-summary-title" class="cart-summary__title">
                  Order summary
                </h2>
                <dl class="cart-totals">
                  <div>
                    <dt>Subtotal</dt>
                    <dd>{money(quote.subtotal)}</dd>
                  </div>
                  {quote.appliedDiscount ? (
                    <div>
                      <dt>Discount ({quote.appliedDiscount.code})</dt>
                      <dd>−{money(quote.discount)}</dd>
                    </div>
                  ) : null}
                  <div>
                    <dt>Delivery{quote.shippingMethod ? ` (${quote.shippingMethod.name})` : ''}</dt>
                    <dd>{quote.shippingMethod ? (quote.shipping.amount === 0 ? 'Free' : money(quote.shipping)) : 'Not available'}</dd>
                  </div>
                  {quote.taxInclusive ? null : (
                    <div>
                      <dt>Tax</dt>
                      <dd>{money(quote.tax)}</dd>
                    </div>
                  )}
                  <div class="cart-totals__total">
                    <dt>Total</dt>
                    <dd>{money(quote.total)}</dd>
                  </div>
                </dl>
                {quote.taxInclusive && quote.tax.amount > 0 ? <p class="cart-summary__note">Including {money(quote.tax)} tax</p> : null}
                <form class="cart-estimate" method="get" action="/cart">
                  <label class="field__label" for="estimate-country">
                    Estimate delivery to
                  </label>
                  <div class="cart-estimate__row">
                    <select class="field__select" id="estimate-country" name="country" autocomplete="country">
                      {props.countries.map((c) => (
                        <option key={c.code} value={c.code} selected={c.code === props.country}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="button button--secondary">
                      Update
                    </button>
                  </div>
                </form>
                {quote.shippingOptions.length === 0 ? (
                  <p class="notice notice--warning">We do not deliver to this country yet.</p>
                ) : null}
                <details class="disclosure cart-discount" open={view.discountCode !== undefined || errors.some((e) => e.field === 'discount-code')}>
                  <summary>Discount code</summary>
                  {view.discountCode !== undefined ? (
                    <div class="cart-discount__applied">
                      <p>
                        <strong>{view.discountCode}</strong> {quote.appliedDiscount ? 'applied' : `: ${discountProblem?.message ?? 'not valid'}`}
                      </p>
                      <form method="post" action="/cart/discount/remove">
                        <CsrfField token={csrf} />
                        <button type="submit" class="button button--secondary button--small">
                          Remove<span class="visually-hidden"> discount code {view.discountCode}</span>
                        </button>
                      </form>
                    </div>
                  ) : (
                    <DiscountForm csrf={csrf} value={props.codeValue} error={errors.find((e) => e.field === 'discount-code')} />
                  )}
                </details>
                {purchasable ? (
                  <a class="button cart-summary__checkout" href="/checkout">
                    Check out
                  </a>
                ) : (
                  <p class="notice notice--warning">
                    {quote.shippingOptions.length === 0 ? 'Choose a country we deliver to before checking out.' : 'Change or remove the items marked above to check out.'}
                  </p>
                )}
              </aside>
            </div>
          </>
        )}
      </div>
    </Layout>
  );
}

function CartLine({ line, index, csrf, money, max, errors }: { line: CartLineView; index: number; csrf: string; money: (m: Money) => string; max: number; errors: FormError[] }) {
  const id = `quantity-${index}`;
  const error = errors.find((e) => e.field === id);
  const name = line.productName;
  return (
    <li class="cart-line">
      <div class="cart-line__media">
        {line.imageUrl ? <img src={line.imageUrl} alt="" width={96} height={96} loading="lazy" decoding="async" /> : null}
      </div>
      <div class="cart-line__body">
        <h3 class="cart-line__name">{line.productSlug && line.state !== 'unknown' && line.state !== 'archived' ? <a href={`/p/${line.productSlug}`}>{name}</a> : name}</h3>
        {line.variantTitle ? <p class="cart-line__variant">{line.variantTitle}</p> : null}
        {line.state !== 'unknown' ? <p class="cart-line__unit">{money(line.unitPrice)} each</p> : null}
        {line.priceChanged ? (
          <p class="cart-line__flag cart-line__flag--warning">
            Price changed from {money(line.addedUnitPrice)} to {money(line.unitPrice)}
          </p>
        ) : null}
        {line.state !== 'ok' ? (
          <p class="cart-line__flag cart-line__flag--danger">
            {stateText[line.state]}
            {line.state === 'insufficient_stock' ? `: only ${line.available} left` : ''}
          </p>
        ) : null}
        <div class="cart-line__actions">
          {line.state === 'unknown' || line.state === 'archived' || line.state === 'sold_out' ? null : (
            <form class="cart-line__quantity" method="post" action={`/cart/items/${line.lineId}`}>
              <CsrfField token={csrf} />
              <label for={id}>
                Quantity<span class="visually-hidden"> of {name}</span>
              </label>
              <input
                class={error ? 'field__input field__input--error' : 'field__input'}
                id={id}
                name="quantity"
                type="number"
                inputMode="numeric"
                min={0}
                max={max}
                value={String(line.quantity)}
                {...(error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {})}
              />
              <button type="submit" class="button button--secondary button--small">
                Update<span class="visually-hidden"> quantity of {name}</span>
              </button>
              {error ? (
                <p class="field__error" id={`${id}-error`}>
                  <span class="visually-hidden">Error:</span> {error.message}
                </p>
              ) : null}
            </form>
          )}
          <form method="post" action={`/cart/items/${line.lineId}/remove`}>
            <CsrfField token={csrf} />
            <button type="submit" class="button-link">
              Remove<span class="visually-hidden"> {name}</span>
            </button>
          </form>
        </div>
      </div>
      <p class="cart-line__total">
        {line.state === 'unknown' ? null : line.state === 'ok' ? money(line.subtotal) : <s>{money(line.subtotal)}</s>}
        {line.state === 'ok' && line.quantity > 1 ? <span class="visually-hidden"> for {line.quantity}</span> : null}
      </p>
    </li>
  );
}

function DiscountForm({ csrf, value, error }: { csrf: string; value: string | undefined; error: FormError | undefined }) {
  return (
    <form method="post" action="/cart/discount" class="cart-discount__form">
      <CsrfField token={csrf} />
      <label class="field__label" for="discount-code">
        Discount code
      </label>
      {error ? (
        <p class="field__error" id="discount-code-error">
          <span class="visually-hidden">Error:</span> {error.message}
        </p>
      ) : null}
      <div class="cart-estimate__row">
        <input
          class={error ? 'field__input field__input--error' : 'field__input'}
          id="discount-code"
          name="code"
          type="text"
          autocomplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          maxLength={32}
          value={value ?? ''}
          {...(error ? { 'aria-invalid': 'true', 'aria-describedby': 'discount-code-error' } : {})}
        />
        <button type="submit" class="button button--secondary">
          Apply
        </button>
      </div>
    </form>
  );
}
