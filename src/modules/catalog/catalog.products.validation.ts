import type { FieldProblem } from './catalog.errors.js';
import type { ProductOption, ProductStatus } from './catalog.tables.js';

/** A variant as staff write it: one value per option, prices in minor units of the shop's currency. */
export interface VariantDraft {
  /** An existing variant of the product being edited; absent for a new one. */
  id?: string | undefined;
  sku: string;
  options: Record<string, string>;
  price: number;
  compareAt: number | null;
  weightGrams: number | null;
  barcode: string | null;
  /** Units on hand when a new variant opens its inventory level; ignored for existing variants. */
  initialStock?: number | undefined;
}

/** A whole product as staff write it. An empty or absent slug is made from the name. */
export interface ProductDraft {
  name: string;
  slug?: string | undefined;
  description: string;
  categoryId: string;
  status: ProductStatus;
  featured: boolean;
  tags: string[];
  seoTitle: string;
  seoDescription: string;
  options: ProductOption[];
  variants: VariantDraft[];
}

export const productStatuses: readonly ProductStatus[] = ['active', 'draft', 'archived'];
export const slugPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const skuPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const barcodePattern = /^[A-Za-z0-9-]{1,48}$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const limits = { name: 200, slug: 120, description: 20_000, tags: 30, tag: 50, seoTitle: 70, seoDescription: 320, options: 3, optionName: 40, values: 50, value: 60, variants: 100, price: 100_000_000, weight: 1_000_000, stock: 1_000_000 } as const;

/** A slug made from a name: lower case ASCII words joined by hyphens, e.g. "Café Mug №2" → "cafe-mug-2". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
}

/** A variant's title from its option values in option order, e.g. "Sage / M"; "Default" without options. */
export function variantTitle(options: readonly ProductOption[], values: Record<string, string>): string {
  const parts = options.map((o) => values[o.name]).filter((v): v is string => v !== undefined);
  return parts.length > 0 ? parts.join(' / ') : 'Default';
}

const isMinor = (n: unknown, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;

/**
 * Tidies a draft (trims, drops empty tags, removes duplicates) and lists every problem with it, each
 * named by its field, so a form can show them all at once. Rules that need the database (a category
 * that exists, a slug or SKU nobody else uses) are checked by the service.
 */
export function normaliseDraft(input: ProductDraft): { draft: ProductDraft; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  const name = input.name.trim();
  if (name === '') add('name', 'Enter a product name');
  else if (name.length > limits.name) add('name', `Product name must be ${limits.name} characters or fewer`);

  const slug = (input.slug ?? '').trim();
  if (slug !== '' && (!slugPattern.test(slug) || slug.length > limits.slug)) add('slug', 'Slug must be lower-case letters, numbers and single hyphens, like linen-shirt');

  if (input.description.length > limits.description) add('description', `Description must be ${limits.description.toLocaleString('en-GB')} characters or fewer`);
  if (!uuidPattern.test(input.categoryId)) add('categoryId', 'Choose a category');
  if (!productStatuses.includes(input.status)) add('status', 'Choose a status');

  const tags = [...new Set(input.tags.map((t) => t.trim()).filter((t) => t !== ''))];
  if (tags.length > limits.tags) add('tags', `Use at most ${limits.tags} tags`);
  if (tags.some((t) => t.length > limits.tag)) add('tags', `Each tag must be ${limits.tag} characters or fewer`);

  const seoTitle = input.seoTitle.trim();
  const seoDescription = input.seoDescription.trim();
  if (seoTitle.length > limits.seoTitle) add('seoTitle', `SEO title must be ${limits.seoTitle} characters or fewer`);
  if (seoDescription.length > limits.seoDescription) add('seoDescription', `SEO description must be ${limits.seoDescription} characters or fewer`);

  const options: ProductOption[] = input.options.map((o) => ({ name: o.name.trim(), values: [...new Set(o.values.map((v) => v.trim()).filter((v) => v !== ''))] }));
  if (options.length > limits.options) add('options', `Use at most ${limits.options} options`);
  const optionNames = new Set<string>();
  options.forEach((o, i) => {
    if (o.name === '') add(`options.${i}.name`, `Enter a name for option ${i + 1}`);
    else if (o.name.length > limits.optionName) add(`options.${i}.name`, `Option name must be ${limits.optionName} characters or fewer`);
    else if (optionNames.has(o.name.toLowerCase())) add(`options.${i}.name`, `Option "${o.name}" is listed twice`);
    optionNames.add(o.name.toLowerCase());
    if (o.values.length === 0) add(`options.${i}.values`, `Enter at least one value for ${o.name || `option ${i + 1}`}`);
    else if (o.values.length > limits.values) add(`options.${i}.values`, `Use at most ${limits.values} values for ${o.name}`);
    else if (o.values.some((v) => v.length > limits.value)) add(`options.${i}.values`, `Each value must be ${limits.value} characters or fewer`);
  });

  const variants: VariantDraft[] = input.variants.map((v) => ({
    ...v,
    sku: v.sku.trim(),
    barcode: v.barcode === null || v.barcode.trim() === '' ? null : v.barcode.trim(),
    options: Object.fromEntries(Object.entries(v.options).map(([k, val]) => [k.trim(), val.trim()])),
  }));
  if (variants.length > limits.variants) add('variants', `Use at most ${limits.variants} variants`);
  if (options.length === 0 && variants.length > 1) add('variants', 'Add an option (such as Size) to offer more than one variant');
  if (input.status === 'active' && variants.length === 0) add('variants', 'Add at least one variant before making the product active');

  const skus = new Set<string>();
  const combinations = new Set<string>();
  variants.forEach((v, i) => {
    const n = i + 1;
    if (v.sku === '') add(`variants.${i}.sku`, `Enter a SKU for variant ${n}`);
    else if (!skuPattern.test(v.sku)) add(`variants.${i}.sku`, `SKU of variant ${n} must be letters, numbers, dots, hyphens or underscores (64 at most)`);
    else if (skus.has(v.sku.toUpperCase())) add(`variants.${i}.sku`, `SKU ${v.sku} is used by two variants`);
    skus.add(v.sku.toUpperCase());
    if (!isMinor(v.price, limits.price)) add(`variants.${i}.price`, `Enter a price for variant ${n}, such as 24.00`);
    if (v.compareAt !== null && (!isMinor(v.compareAt, limits.price) || !isMinor(v.price, limits.price) || v.compareAt <= v.price))
      add(`variants.${i}.compareAt`, `Compare-at price of variant ${n} must be more than its price, or left empty`);
    if (v.weightGrams !== null && !isMinor(v.weightGrams, limits.weight)) add(`variants.${i}.weightGrams`, `Weight of variant ${n} must be a whole number of grams`);
    if (v.barcode !== null && !barcodePattern.test(v.barcode)) add(`variants.${i}.barcode`, `Barcode of variant ${n} must be letters, numbers or hyphens (48 at most)`);
    if (v.initialStock !== undefined && !isMinor(v.initialStock, limits.stock)) add(`variants.${i}.initialStock`, `Stock of variant ${n} must be a whole number, 0 or more`);
    const keys = Object.keys(v.options);
    const complete = options.every((o) => o.values.includes(v.options[o.name] ?? '')) && keys.length === options.length;
    if (!complete) add(`variants.${i}.options`, `Variant ${n} must have one value of each option (${options.map((o) => o.name).join(', ') || 'none'})`);
    else {
      const key = options.map((o) => v.options[o.name]).join('\u0000');
      if (combinations.has(key)) add(`variants.${i}.options`, `Variant ${n} repeats the values of another variant`);
      combinations.add(key);
    }
  });

  return { draft: { ...input, name, slug, tags, seoTitle, seoDescription, options, variants }, problems };
}

/**
 * A product's options, or, for a product written before options were stored on it, the ones its
 * variants name (in the order they first appear), so every product can be edited and exported.
 */
export function effectiveOptions(options: readonly ProductOption[], variants: readonly { options: Record<string, string> }[]): ProductOption[] {
  if (options.length > 0 || variants.every((v) => Object.keys(v.options).length === 0)) return [...options];
  const derived: ProductOption[] = [];
  for (const v of variants) {
    for (const [name, value] of Object.entries(v.options)) {
      let option = derived.find((o) => o.name === name);
      if (option === undefined) derived.push((option = { name, values: [] }));
      if (!option.values.includes(value)) option.values.push(value);
    }
  }
  return derived;
}
