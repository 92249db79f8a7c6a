import { testCards, type TestGatewayPayment } from '../../../adapters/payments/test-gateway.js';
import { formatMoney } from '../../../web/format.js';
import { ErrorSummary, Field, PostForm, type FormError } from '../../../web/forms/fields.js';
import { Layout } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';

function TestBanner() {
  return (
    <p class="notice notice--warning pay-test-banner">
      <strong>Test payments.</strong> This is the shop’s built-in test gateway: no card is charged and no money moves.
    </p>
  );
}

function OrderLine({ ctx, payment }: { ctx: PageContext; payment: TestGatewayPayment }) {
  return (
    <dl class="pay-summary">
      <div>
        <dt>Pay</dt>
        <dd>{ctx.shopName}</dd>
      </div>
      <div>
        <dt>Order</dt>
        <dd>{payment.orderNumber}</dd>
      </div>
      <div class="pay-summary__total">
        <dt>Amount</dt>
        <dd>{formatMoney(payment.amount, ctx.locale)}</dd>
      </div>
    </dl>
  );
}

export interface CardValues {
  number: string;
  expiry: string;
  cvc: string;
  name: string;
}

/** The hosted card page of the test gateway: a card form, the test numbers, a way back to the shop. */
export function TestCardPage(props: { ctx: PageContext; payment: TestGatewayPayment; csrf: string; values?: CardValues; errors?: FormError[] }) {
  const { ctx, payment } = props;
  const errors = props.errors ?? [];
  const values = props.values ?? { number: '', expiry: '', cvc: '', name: '' };
  const amount = formatMoney(payment.amount, ctx.locale);
  return (
    <Layout ctx={ctx} title={`${errors.length > 0 ? 'Error: ' : ''}Pay ${amount}`}>
      <div class="container section pay-page">
        <ErrorSummary errors={errors} />
        <TestBanner />
        <h1>Pay {amount}</h1>
        <OrderLine ctx={ctx} payment={payment} />
        <section class="pay-card" aria-labelledby="card-title">
          <h2 id="card-title">Card details</h2>
          <PostForm action={`/pay/test/${payment.token}`} csrf={props.csrf} novalidate>
            <Field name="number" label="Card number" hint="Use a test card number from the list below" autocomplete="cc-number" inputMode="numeric" maxLength={23} spellcheck={false} value={values.number} errors={errors} />
            <div class="pay-card__row">
              <Field name="expiry" label="Expiry date" hint="MM / YY" autocomplete="cc-exp" inputMode="numeric" maxLength={7} value={values.expiry} errors={errors} />
              <Field name="cvc" label="Security code" hint="3 or 4 digits" autocomplete="cc-csc" inputMode="numeric" maxLength={4} value={values.cvc} errors={errors} />
            </div>
            <Field name="name" label="Name on card" autocomplete="cc-name" maxLength={100} value={values.name} errors={errors} />
            <button type="submit" class="button pay-card__submit">
              Pay {amount}
            </button>
          </PostForm>
        </section>
        <section class="pay-test-cards" aria-labelledby="test-cards-title">
          <h2 id="test-cards-title">Test card numbers</h2>
          <p>Any future expiry date, any 3-digit security code and any name will do.</p>
          <table class="pay-test-cards__table">
            <thead>
              <tr>
                <th scope="col">Card number</th>
                <th scope="col">What happens</th>
              </tr>
            </thead>
            <tbody>
              {testCards.map((card) => (
                <tr key={card.number}>
                  <td class="pay-test-cards__number">{card.number}</td>
                  <td>{card.label}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <p class="pay-back">
          <a href={payment.cancelUrl}>Cancel and return to {ctx.shopName}</a>
        </p>
      </div>
    </Layout>
  );
}

/** The 3-D Secure step of the test gateway: the bank's challenge, answered with one of two buttons. */
export function TestChallengePage(props: { ctx: PageContext; payment: TestGatewayPayment; csrf: string }) {
  const { ctx, payment } = props;
  const amount = formatMoney(payment.amount, ctx.locale);
  return (
    <Layout ctx={ctx} title="Confirm your payment">
      <div class="container section pay-page">
        <TestBanner />
        <h1>Confirm your payment</h1>
        <p>
          Your bank asks you to confirm a payment of <strong>{amount}</strong> to {ctx.shopName} with the card ending {payment.cardLast4 ?? '••••'}. This
          is a test 3-D Secure challenge: choose what the bank should answer.
        </p>
        <OrderLine ctx={ctx} payment={payment} />
        <div class="button-row">
          <PostForm action={`/pay/test/${payment.token}/challenge`} csrf={props.csrf}>
            <input type="hidden" name="answer" value="complete" />
            <button type="submit" class="button">
              Complete
            </button>
          </PostForm>
          <PostForm action={`/pay/test/${payment.token}/challenge`} csrf={props.csrf}>
            <input type="hidden" name="answer" value="fail" />
            <button type="submit" class="button button--danger">
              Fail
            </button>
          </PostForm>
        </div>
      </div>
    </Layout>
  );
}

/** A finished test payment opened again: say so and link back, never offer to pay twice. */
export function TestClosedPage(props: { ctx: PageContext; payment: TestGatewayPayment }) {
  const { ctx, payment } = props;
  const done = payment.status === 'succeeded';
  return (
    <Layout ctx={ctx} title={done ? 'Payment received' : 'Payment closed'}>
      <div class="container section pay-page">
        <TestBanner />
        <h1>{done ? 'Payment received' : 'This payment is closed'}</h1>
        <OrderLine ctx={ctx} payment={payment} />
        <p class="button-row">
          <a class="button" href={payment.returnUrl}>
            Return to {ctx.shopName}
          </a>
        </p>
      </div>
    </Layout>
  );
}

/** Stripe's Payment Element: mounted by /assets/stripe-payment.js from the data attributes; no inline script. */
export function StripePaymentPage(props: { ctx: PageContext; amount: string; orderNumber: string; clientSecret: string; publishableKey: string; returnUrl: string; cancelUrl: string; scripts: readonly string[] }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={`Pay ${props.amount}`} scripts={props.scripts}>
      <div class="container section pay-page">
        <h1>Pay {props.amount}</h1>
        <dl class="pay-summary">
          <div>
            <dt>Order</dt>
            <dd>{props.orderNumber}</dd>
          </div>
        </dl>
        <form
          id="stripe-payment"
          class="pay-card"
          data-publishable-key={props.publishableKey}
          data-client-secret={props.clientSecret}
          data-return-url={props.returnUrl}
        >
          <div id="payment-element" class="pay-card__element">
            <noscript>
              <p class="notice notice--warning">Card payments with Stripe need JavaScript. Turn it on, or go back and choose another way to pay.</p>
            </noscript>
          </div>
          <p id="payment-message" class="field__error" role="alert" hidden></p>
          <button type="submit" class="button pay-card__submit" id="payment-submit">
            Pay {props.amount}
          </button>
        </form>
        <p class="pay-back">
          <a href={props.cancelUrl}>Cancel and return to {ctx.shopName}</a>
        </p>
      </div>
    </Layout>
  );
}
