import type { ComponentChildren } from 'preact';
import type { PostalAddressFields } from '../../../kernel/address.js';
import { countryOptions } from '../../../kernel/countries.js';
import type { Money } from '../../../kernel/money.js';
import { CheckoutLayout } from '../../../web/checkout-layout.js';
import { Checkbox, Radios, SelectField } from '../../../web/forms/choices.js';
import { Field, PostForm, type FormError } from '../../../web/forms/fields.js';
import { formatMoney } from '../../../web/format.js';
import type { PageContext } from '../../../web/page-context.js';
import type { CompletedOrder, PaymentProvider, Quote } from '../checkout.ports.js';
import type { CompletionState, Step } from '../checkout.service.js';

const stepLabels: Record<Step, { label: string; href: string }> = {
  contact: { label: 'Details', href: '/checkout' },
  shipping: { label: 'Delivery', href: '/checkout/shipping' },
  payment: { label: 'Payment', href: '/checkout/payment' },
  review: { label: 'Review', href: '/checkout/review' },
};
const order: Step[] = ['contact', 'shipping', 'payment', 'review'];

/**
 * Where the shopper is: an ordered list in a labelled nav, the current step marked `aria-current="step"`,
 * steps already done as links back (with "Completed" for screen readers), later ones plain text.
 */
export function StepIndicator({ current, next }: { current: Step; next: Step }) {
  const reachable = order.indexOf(next);
  return (
    <nav class="checkout-steps" aria-label="Checkout progress">
      <ol>
        {order.map((step, i) => {
          const { label, href } = stepLabels[step];
          const isCurrent = step === current;
          const done = i < reachable && !isCurrent;
          return (
            <li key={step} class={isCurrent ? 'checkout-steps__item is-current' : done ? 'checkout-steps__item is-done' : 'checkout-steps__item'} {...(isCurrent ? { 'aria-current': 'step' } : {})}>
              <span class="checkout-steps__number" aria-hidden="true">
                {i + 1}
              </span>
              {done ? (
                <a href={href}>
                  <span class="visually-hidden">Completed: </span>
                  {label}
                </a>
              ) : (
                <span>
                  {isCurrent ? <span class="visually-hidden">Current: </span> : null}
                  {label}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

const money = (ctx: PageContext, m: Money) => formatMoney(m, ctx.locale);
const countryName = (ctx: PageContext, code: string) => new Intl.DisplayNames([ctx.locale], { type: 'region' }).of(code) ?? code;

/** The order summary beside every step: lines, then the server's totals (shipping once chosen). */
export function OrderSummary({ ctx, quote }: { ctx: PageContext; quote: Quote }) {
  const count = quote.lines.reduce((n, l) => n + l.quantity, 0);
  return (
    <aside class="order-summary" aria-labelledby="order-summary-title">
      <h2 id="order-summary-title" class="order-summary__title">
        Order summary <span class="order-summary__count">({count} {count === 1 ? 'item' : 'items'})</span>
      </h2>
      <ul class="order-summary__lines">
        {quote.lines.map((l) => (
          <li class="summary-line" key={l.variantId}>
            {l.imageUrl ? <img class="summary-line__image" src={l.imageUrl} alt="" width={64} height={64} loading="lazy" /> : <span class="summary-line__image" aria-hidden="true" />}
            <span class="summary-line__text">
              <span class="summary-line__name">{l.productName}</span>
              {l.variantTitle && l.variantTitle !== 'Default' ? <span class="summary-line__variant">{l.variantTitle}</span> : null}
              <span class="summary-line__qty">Quantity: {l.quantity}</span>
            </span>
            <span class="summary-line__price tabular">{money(ctx, l.subtotal)}</span>
          </li>
        ))}
      </ul>
      <Totals ctx={ctx} quote={quote} />
    </aside>
  );
}

function Totals({ ctx, quote }: { ctx: PageContext; quote: Quote }) {
  return (
    <>
    <dl class="totals">
      <div>
        <dt>Subtotal</dt>
        <dd class="tabular">{money(ctx, quote.subtotal)}</dd>
      </div>
      {quote.discount.amount > 0 ? (
        <div class="totals__discount">
          <dt>Discount{quote.appliedDiscount ? ` (${quote.appliedDiscount.code})` : ''}</dt>
          <dd class="tabular">−{money(ctx, quote.discount)}</dd>
        </div>
      ) : null}
      <div>
        <dt>Delivery</dt>
        <dd class="tabular">{quote.shippingMethod ? (quote.shipping.amount === 0 ? 'Free' : money(ctx, quote.shipping)) : 'Chosen at the next step'}</dd>
      </div>
      {quote.taxInclusive ? null : (
        <div>
          <dt>Tax</dt>
          <dd class="tabular">{money(ctx, quote.tax)}</dd>
        </div>
      )}
      <div class="totals__total">
        <dt>Total</dt>
        <dd class="tabular">{money(ctx, quote.total)}</dd>
      </div>
    </dl>
    {quote.taxInclusive && quote.tax.amount > 0 ? <p class="totals__note">Including {money(ctx, quote.tax)} tax</p> : null}
    </>
  );
}

/** A step page: progress, the form on the left, the summary on the right (below it on a phone). */
function StepPage(props: { ctx: PageContext; title: string; step: Step; next: Step; errors?: FormError[] | undefined; quote: Quote; notice?: string | undefined; children: ComponentChildren }) {
  return (
    <CheckoutLayout ctx={props.ctx} title={props.title} errors={props.errors}>
      <StepIndicator current={props.step} next={props.next} />
      <div class="checkout-grid">
        <div class="checkout-grid__main">
          {props.notice ? (
            <div class="notice notice--warning" role="status">
              {props.notice}
            </div>
          ) : null}
          <h1 class="checkout-title">{props.title}</h1>
          {props.children}
        </div>
        <OrderSummary ctx={props.ctx} quote={props.quote} />
      </div>
    </CheckoutLayout>
  );
}

/** The contact step's form values: what was stored, or what was just typed (kept on an error). */
export interface ContactValues {
  email: string;
  ship: Partial<Record<keyof PostalAddressFields, string | null>>;
  billingSame: boolean;
  bill: Partial<Record<keyof PostalAddressFields, string | null>>;
  saveAddress: boolean;
  savedAddress: string;
}

export interface SavedAddress extends PostalAddressFields {
  id: string;
  label: string | null;
  isDefaultShipping: boolean;
}

function AddressFields({ ctx, prefix, values, errors }: { ctx: PageContext; prefix: 'ship' | 'bill'; values: ContactValues['ship']; errors: FormError[] | undefined }) {
  const v = (s: string | null | undefined) => s ?? '';
  const n = (k: string) => `${prefix}${k}`;
  const section = prefix === 'ship' ? 'shipping' : 'billing';
  const defaultCountry = new Intl.Locale(ctx.locale).region ?? '';
  const countries = countryOptions(ctx.locale).map((c) => ({ value: c.code, label: c.name }));
  return (
    <>
      <Field name={n('Name')} label="Full name" autocomplete={`${section} name`} spellcheck={false} maxLength={100} value={v(values.name)} errors={errors} />
      <SelectField name={n('Country')} label="Country" autocomplete={`${section} country`} value={v(values.country ?? defaultCountry)} placeholder="Select a country" options={countries} errors={errors} />
      <Field name={n('Line1')} label="Address line 1" autocomplete={`${section} address-line1`} maxLength={200} value={v(values.line1)} errors={errors} />
      <Field name={n('Line2')} label="Address line 2 (optional)" autocomplete={`${section} address-line2`} maxLength={200} value={v(values.line2)} errors={errors} />
      <div class="field-row">
        <Field name={n('City')} label="Town or city" autocomplete={`${section} address-level2`} maxLength={100} value={v(values.city)} errors={errors} />
        <Field name={n('PostalCode')} label="Postcode or ZIP code" autocomplete={`${section} postal-code`} spellcheck={false} maxLength={20} value={v(values.postalCode)} errors={errors} />
      </div>
      <Field name={n('Region')} label="County, state or region (optional)" hint="For the US and Canada, the two-letter code, like CA." autocomplete={`${section} address-level1`} maxLength={100} value={v(values.region)} errors={errors} />
      {prefix === 'ship' ? (
        <Field name={n('Phone')} label="Phone number (optional)" hint="Only for the courier, if they need to reach you." type="tel" inputMode="tel" autocomplete={`${section} tel`} maxLength={30} value={v(values.phone)} errors={errors} />
      ) : null}
    </>
  );
}

const addressLine = (ctx: PageContext, a: PostalAddressFields) =>
  [a.name, a.line1, a.line2, a.city, a.region, a.postalCode, countryName(ctx, a.country)].filter((l) => l !== null && l !== '').join(', ');

export function ContactPage(props: {
  ctx: PageContext;
  csrf: string;
  quote: Quote;
  next: Step;
  values: ContactValues;
  /** A signed-in customer's saved addresses (none for a guest). */
  saved: SavedAddress[];
  signedIn: boolean;
  errors?: FormError[] | undefined;
  notice?: string | undefined;
}) {
  const { ctx, values, errors } = props;
  return (
    <StepPage ctx={ctx} title="Your details" step="contact" next={props.next} quote={props.quote} errors={errors} notice={props.notice}>
      {props.signedIn ? null : (
        <p class="checkout-lede">
          Checking out as a guest. <a href="/account/sign-in?next=/checkout">Sign in</a> to use your saved addresses.
        </p>
      )}
      <PostForm action="/checkout" csrf={props.csrf} novalidate>
        <h2 class="form-subhead">Contact</h2>
        <Field name="email" label="E-mail address" hint="For your order confirmation and delivery updates." type="email" inputMode="email" autocomplete="email" spellcheck={false} autoCapitalize="none" maxLength={254} value={values.email} errors={errors} />
        <h2 class="form-subhead">Delivery address</h2>
        {props.saved.length > 0 ? (
          <div class="saved-choice">
            <Radios
              name="savedAddress"
              legend="Deliver to"
              value={values.savedAddress}
              options={[...props.saved.map((a) => ({ value: a.id, label: a.label ?? a.name, hint: addressLine(ctx, a) })), { value: 'new', label: 'A new address' }]}
              errors={errors}
            />
            <div class="saved-choice__new">
              <AddressFields ctx={ctx} prefix="ship" values={values.ship} errors={errors} />
            </div>
          </div>
        ) : (
          <AddressFields ctx={ctx} prefix="ship" values={values.ship} errors={errors} />
        )}
        <div class="billing-choice">
          <Radios
            name="billing"
            legend="Billing address"
            value={values.billingSame ? 'same' : 'different'}
            options={[
              { value: 'same', label: 'Same as the delivery address' },
              { value: 'different', label: 'Use a different billing address' },
            ]}
            errors={errors}
          />
          <div class="billing-choice__fields">
            <AddressFields ctx={ctx} prefix="bill" values={values.bill} errors={errors} />
          </div>
        </div>
        {props.signedIn ? <Checkbox name="saveAddress" label="Save this address to my account" hint="Only a new address is saved, once the order is placed." checked={values.saveAddress} /> : null}
        <button class="button button--wide" type="submit">
          Continue to delivery
        </button>
      </PostForm>
    </StepPage>
  );
}

export function ShippingPage(props: { ctx: PageContext; csrf: string; quote: Quote; next: Step; chosen: string | null; shipTo: PostalAddressFields; errors?: FormError[] | undefined }) {
  const { ctx, quote } = props;
  return (
    <StepPage ctx={ctx} title="Delivery" step="shipping" next={props.next} quote={quote} errors={props.errors}>
      <ChangeList ctx={ctx} rows={[{ label: 'Deliver to', value: addressLine(ctx, props.shipTo), href: '/checkout', what: 'delivery address' }]} />
      {quote.shippingOptions.length === 0 ? (
        <div class="notice notice--warning" role="status">
          We do not deliver to {countryName(ctx, props.shipTo.country)} yet. <a href="/checkout">Change the address</a>.
        </div>
      ) : (
        <PostForm action="/checkout/shipping" csrf={props.csrf} novalidate>
          <Radios
            name="shippingMethodId"
            legend="Choose a delivery option"
            value={props.chosen ?? (quote.shippingOptions.length === 1 ? quote.shippingOptions[0]!.id : null)}
            options={quote.shippingOptions.map((o) => ({ value: o.id, label: o.name, aside: o.price.amount === 0 ? 'Free' : money(ctx, o.price) }))}
            errors={props.errors}
          />
          <button class="button button--wide" type="submit">
            Continue to payment
          </button>
        </PostForm>
      )}
    </StepPage>
  );
}

export const providerLabels: Record<PaymentProvider, { label: string; hint: string }> = {
  test: { label: 'Card (test payments)', hint: 'A test card on our test gateway: no card is charged.' },
  stripe: { label: 'Card', hint: 'Visa, Mastercard or American Express, through Stripe.' },
  paypal: { label: 'PayPal', hint: 'You will approve the payment on PayPal’s site.' },
};

export function PaymentPage(props: { ctx: PageContext; csrf: string; quote: Quote; next: Step; providers: readonly PaymentProvider[]; chosen: string | null; errors?: FormError[] | undefined }) {
  return (
    <StepPage ctx={props.ctx} title="Payment" step="payment" next={props.next} quote={props.quote} errors={props.errors}>
      <PostForm action="/checkout/payment" csrf={props.csrf} novalidate>
        <Radios
          name="provider"
          legend="How would you like to pay?"
          hint="You enter your payment details after reviewing your order."
          value={props.chosen ?? (props.providers.length === 1 ? props.providers[0]! : null)}
          options={props.providers.map((p) => ({ value: p, label: providerLabels[p].label, hint: providerLabels[p].hint }))}
          errors={props.errors}
        />
        <button class="button button--wide" type="submit">
          Continue to review
        </button>
      </PostForm>
    </StepPage>
  );
}

function ChangeList({ rows }: { ctx: PageContext; rows: { label: string; value: string; href: string; what: string }[] }) {
  return (
    <dl class="change-list">
      {rows.map((r) => (
        <div key={r.label}>
          <dt>{r.label}</dt>
          <dd>{r.value}</dd>
          <dd class="change-list__action">
            <a href={r.href}>
              Change<span class="visually-hidden"> {r.what}</span>
            </a>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function ReviewPage(props: {
  ctx: PageContext;
  csrf: string;
  quote: Quote;
  email: string;
  shipTo: PostalAddressFields;
  billTo: PostalAddressFields | null;
  provider: PaymentProvider;
  attemptKey: string;
  discountCode: string | null;
  errors?: FormError[] | undefined;
  notice?: string | undefined;
}) {
  const { ctx, quote } = props;
  return (
    <StepPage ctx={ctx} title="Review your order" step="review" next="review" quote={quote} errors={props.errors} notice={props.notice}>
      <ChangeList
        ctx={ctx}
        rows={[
          { label: 'Contact', value: props.email, href: '/checkout', what: 'e-mail address' },
          { label: 'Deliver to', value: addressLine(ctx, props.shipTo), href: '/checkout', what: 'delivery address' },
          { label: 'Billing address', value: props.billTo ? addressLine(ctx, props.billTo) : 'Same as the delivery address', href: '/checkout', what: 'billing address' },
          { label: 'Delivery', value: quote.shippingMethod ? `${quote.shippingMethod.name}, ${quote.shipping.amount === 0 ? 'free' : money(ctx, quote.shipping)}` : '', href: '/checkout/shipping', what: 'delivery option' },
          { label: 'Payment', value: providerLabels[props.provider].label, href: '/checkout/payment', what: 'payment method' },
        ]}
      />
      <details class="disclosure discount-form" open={props.discountCode !== null || (props.errors ?? []).some((e) => e.field === 'discountCode')}>
        <summary>{props.discountCode ? `Discount code ${props.discountCode} applied` : 'Have a discount code?'}</summary>
        <PostForm action="/checkout/discount" csrf={props.csrf} novalidate>
          <div class="inline-form">
            <Field name="discountCode" label="Discount code" autocomplete="off" spellcheck={false} autoCapitalize="none" maxLength={64} value={props.discountCode ?? ''} errors={props.errors} />
            <button class="button button--secondary" type="submit">
              Apply
            </button>
          </div>
        </PostForm>
        {props.discountCode ? (
          <PostForm action="/checkout/discount" csrf={props.csrf}>
            <input type="hidden" name="discountCode" value="" />
            <button class="link-button" type="submit">
              Remove the code
            </button>
          </PostForm>
        ) : null}
      </details>
      <PostForm action="/checkout/place" csrf={props.csrf}>
        <input type="hidden" name="attempt" value={props.attemptKey} />
        <p class="checkout-terms">By placing your order you agree to our terms and returns policy. You pay on the next page.</p>
        <button class="button button--wide button--place" type="submit">
          Place order · {money(ctx, quote.total)}
        </button>
      </PostForm>
    </StepPage>
  );
}

const completionTitles: Record<CompletionState, string> = {
  paid: 'Thank you for your order',
  pending: 'Waiting for payment confirmation',
  failed: 'Payment failed',
};

export function CompletePage(props: { ctx: PageContext; order: CompletedOrder; orderPath: string; state: CompletionState }) {
  const { ctx, order, state } = props;
  const t = order.totals;
  return (
    <CheckoutLayout ctx={ctx} title={completionTitles[state]} {...(state === 'pending' ? { refreshSeconds: 5 } : {})}>
      <div class="checkout-grid">
        <div class="checkout-grid__main">
          <div class={`completion completion--${state}`}>
            <h1 class="checkout-title">{completionTitles[state]}</h1>
            {state === 'paid' ? (
              <>
                <p class="completion__lede">
                  Your order <strong>{order.number}</strong> is confirmed. We have sent a confirmation to <strong>{order.email}</strong>.
                </p>
                <p>We will e-mail you again when it is on its way, usually within two working days.</p>
              </>
            ) : state === 'pending' ? (
              <div role="status">
                <p class="completion__lede">
                  Order <strong>{order.number}</strong> is placed, and we are waiting for your payment provider to confirm the payment.
                </p>
                <p>This page checks again every few seconds. You can also close it: we e-mail {order.email} as soon as the payment is confirmed.</p>
                <p>
                  <a href={`/checkout/complete/${encodeURIComponent(order.number)}`}>Check now</a>
                </p>
              </div>
            ) : (
              <>
                <p class="completion__lede">
                  The payment for order <strong>{order.number}</strong> did not go through, and you have not been charged. Your items are back in your cart.
                </p>
                <p class="button-row">
                  <a class="button" href="/cart">
                    Return to your cart
                  </a>
                </p>
              </>
            )}
          </div>
          {state === 'paid' ? (
            <p class="button-row">
              <a class="button" href={props.orderPath}>
                View your order
              </a>
              <a class="button button--secondary" href="/">
                Continue shopping
              </a>
            </p>
          ) : null}
        </div>
        <aside class="order-summary" aria-labelledby="order-summary-title">
          <h2 id="order-summary-title" class="order-summary__title">
            Order {order.number}
          </h2>
          <ul class="order-summary__lines">
            {order.lines.map((l, i) => (
              <li class="summary-line summary-line--plain" key={i}>
                <span class="summary-line__text">
                  <span class="summary-line__name">{l.productName}</span>
                  {l.variantTitle && l.variantTitle !== 'Default' ? <span class="summary-line__variant">{l.variantTitle}</span> : null}
                  <span class="summary-line__qty">Quantity: {l.quantity}</span>
                </span>
                <span class="summary-line__price tabular">{money(ctx, l.total)}</span>
              </li>
            ))}
          </ul>
          <dl class="totals">
            <div>
              <dt>Subtotal</dt>
              <dd class="tabular">{money(ctx, t.subtotal)}</dd>
            </div>
            {t.discount.amount > 0 ? (
              <div class="totals__discount">
                <dt>Discount</dt>
                <dd class="tabular">−{money(ctx, t.discount)}</dd>
              </div>
            ) : null}
            <div>
              <dt>Delivery</dt>
              <dd class="tabular">{t.shipping.amount === 0 ? 'Free' : money(ctx, t.shipping)}</dd>
            </div>
            {t.taxInclusive ? null : (
              <div>
                <dt>Tax</dt>
                <dd class="tabular">{money(ctx, t.tax)}</dd>
              </div>
            )}
            <div class="totals__total">
              <dt>Total</dt>
              <dd class="tabular">{money(ctx, t.total)}</dd>
            </div>
          </dl>
          {t.taxInclusive && t.tax.amount > 0 ? <p class="totals__note">Including {money(ctx, t.tax)} tax</p> : null}
        </aside>
      </div>
    </CheckoutLayout>
  );
}
