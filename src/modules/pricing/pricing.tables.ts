import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../../db/columns.js';

/** The pricing module's tables, by name; db/schema.ts composes every module's. */
export interface PricingTables {
  tax_rate: TaxRateTable;
  shipping_method: ShippingMethodTable;
  discount_code: DiscountCodeTable;
  discount_redemption: DiscountRedemptionTable;
}

export interface TaxRateTable {
  id: Generated<string>;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** '' for the whole country, else the subdivision's own code (QC of CA-QC). */
  region: Generated<string>;
  name: string;
  /** Basis points: 2000 is 20%. */
  rate_bp: number;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A weight band: parcels up to `maxGrams` cost `amount` (minor units). */
export interface WeightBand {
  maxGrams: number;
  amount: number;
}

export type ShippingKind = 'flat' | 'weight';

export interface ShippingMethodTable {
  id: Generated<string>;
  name: string;
  countries: ColumnType<string[], string[], string[]>;
  currency: string;
  kind: ShippingKind;
  price_amount: Generated<number>;
  bands: ColumnType<WeightBand[], string | undefined, string>;
  free_over_amount: number | null;
  active: Generated<boolean>;
  position: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type DiscountKind = 'percentage' | 'fixed';

export interface DiscountCodeTable {
  id: Generated<string>;
  code: string;
  kind: DiscountKind;
  percent_bp: number | null;
  amount: number | null;
  currency: string;
  min_subtotal: Generated<number>;
  starts_at: Date | null;
  ends_at: Date | null;
  usage_limit: number | null;
  per_customer_limit: number | null;
  used_count: Generated<number>;
  combinable: Generated<boolean>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DiscountRedemptionTable {
  id: Generated<string>;
  discount_id: string;
  order_id: string;
  customer_id: string | null;
  email_hash: Buffer | null;
  released_at: Date | null;
  created_at: CreatedAt;
}

export type TaxRateRow = Selectable<TaxRateTable>;
export type ShippingMethodRow = Selectable<ShippingMethodTable>;
export type DiscountCodeRow = Selectable<DiscountCodeTable>;
