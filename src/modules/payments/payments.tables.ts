import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../../db/columns.js';

/** The payments module's tables, by name; db/schema.ts composes every module's. */
export interface PaymentsTables {
  payment: PaymentTable;
  payment_refund: PaymentRefundTable;
  payment_webhook_event: PaymentWebhookEventTable;
  payment_webhook_rejection: PaymentWebhookRejectionTable;
  test_gateway_payment: TestGatewayPaymentTable;
  test_gateway_refund: TestGatewayRefundTable;
  test_gateway_secret: TestGatewaySecretTable;
}

export type PaymentStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'cancelled';

/** One attempt to take an order's money at one provider. Amounts in minor units of `currency`. */
export interface PaymentTable {
  id: string;
  order_id: string;
  order_number: string;
  provider: 'test' | 'stripe' | 'paypal';
  status: PaymentStatus;
  amount: number;
  currency: string;
  captured: Generated<number>;
  refunded: Generated<number>;
  /** Refunds asked of the gateway and not yet settled: counted against the refundable amount. */
  refund_reserved: Generated<number>;
  provider_reference: string | null;
  idempotency_key: string;
  return_url: string;
  cancel_url: string;
  failure_reason: string | null;
  /** What a success said it took when that differed from the expected amount (JSON), for staff to resolve. */
  mismatch: ColumnType<unknown, string | null | undefined, string | null> | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface PaymentRefundTable {
  id: string;
  payment_id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  reason: string;
  provider_reference: string | null;
  failure_reason: string | null;
  actor_type: string;
  actor_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Each provider event processed once: the unique (provider, event_id) is the guard. */
export interface PaymentWebhookEventTable {
  id: Generated<string>;
  provider: string;
  event_id: string;
  type: string;
  /** applied, ignored, unmatched, mismatch (a success whose amount or currency differed) */
  outcome: string;
  payment_id: string | null;
  received_at: CreatedAt;
}

/** Webhooks refused (bad or old signature), counted per provider and hour: bounded, whatever an attacker sends. */
export interface PaymentWebhookRejectionTable {
  provider: string;
  hour: Date;
  count: number;
}

/** The built-in test gateway's own state, as a real provider keeps its own. */
export interface TestGatewayPaymentTable {
  reference: string;
  token: string;
  idempotency_key: string;
  amount: number;
  currency: string;
  order_number: string;
  return_url: string;
  cancel_url: string;
  status: 'requires_payment' | 'requires_action' | 'succeeded' | 'failed' | 'cancelled';
  reason: string | null;
  refunded: Generated<number>;
  card_last4: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TestGatewayRefundTable {
  reference: string;
  payment_reference: string;
  amount: number;
  idempotency_key: string;
  created_at: CreatedAt;
}

export interface TestGatewaySecretTable {
  id: number;
  secret: string;
}

export type PaymentRow = Selectable<PaymentTable>;
export type PaymentRefundRow = Selectable<PaymentRefundTable>;
export type TestGatewayPaymentRow = Selectable<TestGatewayPaymentTable>;
