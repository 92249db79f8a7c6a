import type { SettingsReader } from '../../kernel/settings.js';

/** How the shop states its prices and where it estimates tax and delivery before a shopper says. */
export interface PricingSettings {
  /** PRICES_INCLUDE_TAX: catalog prices hold the tax (the UK and EU way) or tax is added at checkout. */
  pricesIncludeTax: boolean;
  /** PRICING_DEFAULT_COUNTRY: the destination of a cart's estimate until the shopper picks a country. */
  defaultCountry: string;
}

/** PRICES_INCLUDE_TAX (true|false, default true), PRICING_DEFAULT_COUNTRY (default GB). */
export function readPricingSettings(read: SettingsReader): PricingSettings {
  return {
    pricesIncludeTax: read.oneOf('PRICES_INCLUDE_TAX', ['true', 'false'] as const, 'true') === 'true',
    defaultCountry: read.pattern('PRICING_DEFAULT_COUNTRY', 'GB', /^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as GB'),
  };
}
