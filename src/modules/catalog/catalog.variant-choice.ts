import type { ImageRef, ProductVariant } from './catalog.types.js';

/** An option and its values in display order, e.g. { name: 'Size', values: ['S', 'M', 'L'] }. */
export interface VariantOption {
  name: string;
  values: string[];
}

/** How a value of one option stands, given the values chosen for the other options. */
export type ValueState = 'available' | 'sold_out' | 'unavailable';

/** What the shopper asked for in the URL: `?variant=<id>`, or option values by name (`?Colour=Sage&Size=M`). */
export interface VariantRequest {
  variant?: string | undefined;
  values: Record<string, string>;
}

export interface VariantChoice {
  variant: ProductVariant;
  /** The value chosen for each option (the chosen variant's own values). */
  selected: Record<string, string>;
  /** Set when the request named a variant or combination that does not exist, so another was chosen. */
  fallback: boolean;
}

/**
 * The product's options: its declared list where it has one, otherwise gathered from the variants in
 * their order (a variant's own option map carries no order: jsonb sorts its keys).
 */
export function optionsOf(declared: readonly VariantOption[] | undefined, variants: readonly ProductVariant[]): VariantOption[] {
  const options = new Map<string, string[]>();
  for (const option of declared ?? []) options.set(option.name, [...option.values]);
  for (const variant of variants) {
    for (const [name, value] of Object.entries(variant.options)) {
      const values = options.get(name) ?? [];
      if (!values.includes(value)) values.push(value);
      options.set(name, values);
    }
  }
  return [...options].map(([name, values]) => ({ name, values }));
}

const isAvailable = (v: ProductVariant) => v.stock !== 'sold_out';

/** The first variant still for sale, else the first one. */
function defaultVariant(variants: readonly ProductVariant[]): ProductVariant | undefined {
  return variants.find(isAvailable) ?? variants[0];
}

/**
 * Picks the variant the URL asks for. An exact combination (or id) is honoured even when sold out, so the
 * page can say so; a partial one picks the first match still for sale; anything unknown or impossible
 * falls back to the first variant for sale and says so.
 */
export function chooseVariant(options: readonly VariantOption[], variants: readonly ProductVariant[], request: VariantRequest): VariantChoice | undefined {
  const first = defaultVariant(variants);
  if (!first) return undefined;
  const choice = (variant: ProductVariant, fallback: boolean): VariantChoice => ({ variant, selected: { ...variant.options }, fallback });

  if (request.variant !== undefined) {
    const byId = variants.find((v) => v.id === request.variant);
    return byId ? choice(byId, false) : choice(first, true);
  }
  const asked = options.filter((o) => request.values[o.name] !== undefined).map((o) => [o.name, request.values[o.name]!] as const);
  if (asked.length === 0) return choice(first, false);
  const matching = variants.filter((v) => asked.every(([name, value]) => v.options[name] === value));
  const best = matching.find(isAvailable) ?? matching[0];
  return best ? choice(best, false) : choice(first, true);
}

/**
 * For each option value, whether picking it (keeping the other options as selected) leads to a variant
 * for sale, a sold-out one, or none at all. This is what the picker marks on its pills.
 */
export function valueStates(options: readonly VariantOption[], variants: readonly ProductVariant[], selected: Record<string, string>): Map<string, Map<string, ValueState>> {
  const states = new Map<string, Map<string, ValueState>>();
  for (const option of options) {
    const byValue = new Map<string, ValueState>();
    for (const value of option.values) {
      const wanted = { ...selected, [option.name]: value };
      const matches = variants.filter((v) => options.every((o) => wanted[o.name] === undefined || v.options[o.name] === wanted[o.name]));
      byValue.set(value, matches.length === 0 ? 'unavailable' : matches.some(isAvailable) ? 'available' : 'sold_out');
    }
    states.set(option.name, byValue);
  }
  return states;
}

/**
 * The image that shows a variant: the first whose alt text names one of its option values as a word
 * ("Ridge mug in sage" for Colour Sage), the convention merchants already follow when they describe a
 * photo; undefined when none does, so the page keeps the image it shows.
 */
export function variantImageIndex(images: readonly Pick<ImageRef, 'alt'>[], variant: ProductVariant): number | undefined {
  const values = Object.values(variant.options).map((v) => v.toLowerCase());
  const index = images.findIndex((image) => {
    const words = ` ${image.alt.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
    return values.some((value) => words.includes(` ${value.replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `));
  });
  return index === -1 ? undefined : index;
}
