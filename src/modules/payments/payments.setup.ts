import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import type { BusinessMetrics } from '../../adapters/metrics/business-metrics.js';
import type { PaymentGateway, PaymentProvider } from '../../adapters/payments/payment-gateway.js';
import type { PaymentSettings } from '../../adapters/payments/payment-settings.js';
import { createPayPalGateway } from '../../adapters/payments/paypal.js';
import { createStripeGateway } from '../../adapters/payments/stripe.js';
import { createTestGateway, testSignatureHeader, type TestGateway, type TestWebhook } from '../../adapters/payments/test-gateway.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { OutboxService, RecurringJobs } from '../outbox/index.js';
import { createPaymentsMetrics } from './payments.metrics.js';
import { createPaymentRules } from './payments.service.js';
import type { PaymentEvents, PaymentsService } from './payments.types.js';
import { createTestGatewayStore } from './test-gateway.store.js';

export const testWebhookJob = 'payments.test-webhook';
export const reconcileJob = 'payments.reconcile';

/** The payments module as app.ts holds it: the service, and what its plugin and scheduling need. */
export interface Payments extends PaymentsService {
  /** The providers taken (PAYMENTS), in the order a shopper is offered them. */
  providers: readonly PaymentProvider[];
  /** The built-in gateway, for its hosted card page; absent unless PAYMENTS includes `test`. */
  testGateway: TestGateway | undefined;
  /** Stripe's publishable key for the payment page; absent unless PAYMENTS includes `stripe`. */
  stripePublishableKey: string | undefined;
}

export interface PaymentsDeps {
  db: Db;
  settings: PaymentSettings;
  /** The order's owner; app.ts binds it lazily to the orders module. */
  events: PaymentEvents;
  audit: AuditService;
  outbox: Pick<OutboxService, 'enqueue' | 'handle'> & Pick<RecurringJobs, 'every'>;
  log: FastifyBaseLogger;
  registry: Registry;
  business: BusinessMetrics;
  now: () => Date;
  /** HMAC-SHA256 of a payment id under a sealed key (FieldEncryption.blindIndex): its page's token. */
  pageMac: (paymentId: string) => Promise<Buffer>;
  /** Tests replace a provider's gateway (never the rules). */
  gateways?: Partial<Record<PaymentProvider, PaymentGateway>>;
  /** The HTTP client the test gateway's webhook job posts with (default: global fetch). */
  fetch?: typeof fetch;
}

/**
 * Builds the payments module: one gateway per provider in PAYMENTS (test, Stripe, PayPal), the rules
 * over them, and two outbox jobs: the test gateway's webhook delivery (a real HTTP POST to the app's
 * own `/webhooks/test`) and the recurring reconciliation run.
 */
export function createPaymentsService(deps: PaymentsDeps): Payments {
  const { settings, outbox, now, db } = deps;
  const gateways: Partial<Record<PaymentProvider, PaymentGateway>> = {};
  let testGateway: TestGateway | undefined;
  if (settings.test !== undefined) {
    const store = createTestGatewayStore({
      db,
      now,
      enqueueWebhook: async (trx, webhook: TestWebhook) => void (await outbox.enqueue(trx, { type: testWebhookJob, key: `${testWebhookJob}:${webhook.id}`, payload: webhook })),
    });
    testGateway = createTestGateway({ store, webhookSecret: settings.test.webhookSecret, toleranceSeconds: settings.webhookToleranceSeconds, now });
    gateways.test = testGateway;
  }
  if (settings.stripe !== undefined) gateways.stripe = createStripeGateway({ settings: settings.stripe, toleranceSeconds: settings.webhookToleranceSeconds });
  if (settings.paypal !== undefined) gateways.paypal = createPayPalGateway({ settings: settings.paypal, toleranceSeconds: settings.webhookToleranceSeconds, now });
  Object.assign(gateways, deps.gateways ?? {});

  const rules = createPaymentRules({
    db, gateways, events: deps.events, audit: deps.audit, log: deps.log, now, reconcileAfterMs: settings.reconcileAfterMs, pageMac: deps.pageMac,
    metrics: createPaymentsMetrics({ registry: deps.registry, business: deps.business }),
  });

  if (testGateway !== undefined && settings.test !== undefined) {
    const gateway = testGateway;
    const url = settings.test.webhookUrl;
    const post = deps.fetch ?? fetch;
    // Signed when sent, not when written, so a retried delivery carries a fresh timestamp.
    outbox.handle<TestWebhook>(testWebhookJob, async (webhook) => {
      const signature = await gateway.sign(webhook.body, now());
      const response = await post(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [testSignatureHeader]: signature },
        body: webhook.body,
        redirect: 'error',
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`test webhook answered ${response.status}`);
    });
  }

  outbox.every(reconcileJob, settings.reconcileEveryMs, async () => void (await rules.reconcile()));

  return {
    ...rules,
    providers: settings.providers,
    testGateway,
    stripePublishableKey: settings.stripe?.publishableKey,
  };
}
