import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { stripeJsUrl } from '../../adapters/payments/stripe.js';
import { TestCardInvalidError, type TestGatewayPayment } from '../../adapters/payments/test-gateway.js';
import type { Csrf } from '../../http/csrf.js';
import { AppError } from '../../kernel/errors.js';
import { formatMoney } from '../../web/format.js';
import { sendPrivatePage } from '../../web/html-reply.js';
import type { PageContext } from '../../web/page-context.js';
import { StripePaymentPage, TestCardPage, TestChallengePage, TestClosedPage, type CardValues } from './pages/payment-pages.js';
import type { Payments } from './payments.setup.js';

/**
 * The pages a payment provider's flow needs on our side. The PCI engineer's CSP and script inventory
 * use these patterns: each page's CSP allows exactly its provider's origins (src/http/payment-origins.ts).
 */
export const paymentPagePaths = {
  test: ['/pay/test/:token', '/pay/test/:token/challenge'],
  stripe: ['/pay/stripe/:paymentId'],
} as const;

export interface PaymentsPluginOptions {
  payments: Payments;
  csrf: Csrf;
  pageContext: (path: string) => Promise<PageContext>;
  /** Hashed URL of src/web/scripts/stripe-payment.js (the Payment Element's mount). */
  stripeScript?: string;
}

const webhookBodyLimit = 256 * 1024;
const ProviderParams = Type.Object({ provider: Type.Union([Type.Literal('test'), Type.Literal('stripe'), Type.Literal('paypal')]) });
const TokenParams = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) });
const IdParams = Type.Object({ paymentId: Type.String({ format: 'uuid' }) });
// The page token rides in the query string, which the request log leaves out (src/http/logger.ts).
const PageQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 100 })) });
const text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const CardForm = Type.Object({ number: text(40), expiry: text(20), cvc: text(10), name: text(200) }, { additionalProperties: false });
const ChallengeForm = Type.Object({ answer: Type.Union([Type.Literal('complete'), Type.Literal('fail')]) }, { additionalProperties: false });

/**
 * `POST /webhooks/:provider` and the payment pages. The webhook scope reads every body as raw bytes (its
 * own content-type parser, in its own encapsulated scope), because a signature is over the exact bytes
 * sent: a parsed-and-reserialised body would not verify. Webhooks are exempt from CSRF by path
 * (src/http/csrf.ts): they are signed server-to-server calls, not browser posts.
 */
export async function paymentsPlugin(app: FastifyInstance, options: PaymentsPluginOptions): Promise<void> {
  const { payments, csrf, pageContext } = options;

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: webhookBodyLimit }, (_request, body, done) => done(null, body));
    scope.post<{ Params: { provider: 'test' | 'stripe' | 'paypal' } }>(
      '/webhooks/:provider',
      { schema: { hide: true, params: ProviderParams } },
      async (request, reply) => {
        const { provider } = request.params;
        if (!payments.providers.includes(provider)) throw new AppError('PAYMENT_WEBHOOK_UNKNOWN_PROVIDER', 'not_found', 'This shop takes no payments with that provider.');
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const { duplicate } = await payments.handleWebhook(provider, body, request.headers);
        return reply.code(200).send({ received: true, duplicate });
      },
    );
  });

  const test = payments.testGateway;
  if (test !== undefined) {
    const ctxOf = (request: FastifyRequest) => pageContext(request.url.split('?')[0] ?? '/');
    const afterResult = (reply: FastifyReply, p: TestGatewayPayment) =>
      p.status === 'requires_action' ? reply.redirect(`/pay/test/${p.token}/challenge`, 303) : reply.redirect(p.returnUrl, 303);
    const closed = async (request: FastifyRequest, reply: FastifyReply, p: TestGatewayPayment) =>
      sendPrivatePage(reply.code(409), <TestClosedPage ctx={await ctxOf(request)} payment={p} />);

    app.get<{ Params: { token: string } }>('/pay/test/:token', { schema: { hide: true, params: TokenParams }, config: { secretInPath: true } }, async (request, reply) => {
      const p = await test.page(request.params.token);
      if (p.status === 'requires_action') return reply.redirect(`/pay/test/${p.token}/challenge`, 303);
      if (p.status !== 'requires_payment') return sendPrivatePage(reply, <TestClosedPage ctx={await ctxOf(request)} payment={p} />);
      return sendPrivatePage(reply, <TestCardPage ctx={await ctxOf(request)} payment={p} csrf={csrf.token(request)} />);
    });

    app.post<{ Params: { token: string }; Body: Partial<CardValues> }>(
      '/pay/test/:token',
      { schema: { hide: true, params: TokenParams, body: CardForm }, config: { secretInPath: true } },
      async (request, reply) => {
        const values: CardValues = { number: request.body.number ?? '', expiry: request.body.expiry ?? '', cvc: request.body.cvc ?? '', name: request.body.name ?? '' };
        const p = await test.page(request.params.token);
        if (p.status !== 'requires_payment') return closed(request, reply, p);
        try {
          return afterResult(reply, await test.pay(p, values));
        } catch (err) {
          if (!(err instanceof TestCardInvalidError)) throw err;
          // The card number is never echoed back into the page: a mistyped real number stays out of HTML.
          const kept = { ...values, number: '', cvc: '' };
          const errors = err.fields.map((f) => ({ field: f.field, message: f.message }));
          reply.code(400);
          return sendPrivatePage(reply, <TestCardPage ctx={await ctxOf(request)} payment={p} csrf={csrf.token(request)} values={kept} errors={errors} />);
        }
      },
    );

    app.get<{ Params: { token: string } }>('/pay/test/:token/challenge', { schema: { hide: true, params: TokenParams }, config: { secretInPath: true } }, async (request, reply) => {
      const p = await test.page(request.params.token);
      if (p.status === 'requires_payment') return reply.redirect(`/pay/test/${p.token}`, 303);
      if (p.status !== 'requires_action') return sendPrivatePage(reply, <TestClosedPage ctx={await ctxOf(request)} payment={p} />);
      return sendPrivatePage(reply, <TestChallengePage ctx={await ctxOf(request)} payment={p} csrf={csrf.token(request)} />);
    });

    app.post<{ Params: { token: string }; Body: { answer: 'complete' | 'fail' } }>(
      '/pay/test/:token/challenge',
      { schema: { hide: true, params: TokenParams, body: ChallengeForm }, config: { secretInPath: true } },
      async (request, reply) => {
        const p = await test.page(request.params.token);
        if (p.status !== 'requires_action') return closed(request, reply, p);
        return afterResult(reply, await test.challenge(p, request.body.answer));
      },
    );
  }

  if (payments.providers.includes('stripe') && options.stripeScript !== undefined) {
    const scripts = [stripeJsUrl, options.stripeScript];
    app.get<{ Params: { paymentId: string }; Querystring: { token?: string } }>(
      '/pay/stripe/:paymentId',
      { schema: { hide: true, params: IdParams, querystring: PageQuery }, config: { csp: { payments: ['stripe'] } } },
      async (request, reply) => {
        const page = await payments.paymentPage(request.params.paymentId, request.query.token);
        if (page === undefined || page.payment.provider !== 'stripe' || page.action.type !== 'stripe') return reply.callNotFound();
        if (page.payment.status !== 'pending' && page.payment.status !== 'requires_action') return reply.redirect(page.returnUrl, 303);
        const ctx = await pageContext(`/pay/stripe/${page.payment.id}`);
        return sendPrivatePage(
          reply,
          <StripePaymentPage
            ctx={ctx}
            amount={formatMoney(page.payment.amount, ctx.locale)}
            orderNumber={page.orderNumber}
            clientSecret={page.action.clientSecret}
            publishableKey={page.action.publishableKey}
            returnUrl={page.returnUrl}
            cancelUrl={page.cancelUrl}
            scripts={scripts}
          />,
        );
      },
    );
  }
}
