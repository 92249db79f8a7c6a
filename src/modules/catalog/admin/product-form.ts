import type { FormError } from '../../../web/forms/fields.js';
import { minorText } from '../../../kernel/money-text.js';
import { parseAmount } from '../catalog.products.csv.js';
import type { ProductDraft, ProductView, VariantDraft } from '../catalog.products.service.js';
import type { ProductStatus } from '../catalog.tables.js';

/** The product form as typed: strings, so a refused form comes back exactly as it was sent. */
export interface ProductFormValues {
  name: string;
  slug: string;
  description: string;
  categoryId: string;
  status: string;
  featured: boolean;
  tags: string;
  seoTitle: string;
  seoDescription: string;
  options: { name: string; values: string }[];
  variants: VariantFormRow[];
}

export interface VariantFormRow {
  id: string;
  sku: string;
  price: string;
  compareAt: string;
  weight: string;
  barcode: string;
  stock: string;
  values: string[];
  remove: boolean;
}

export const optionRows = 3;
/** Empty rows under the variants, for adding variants without JavaScript. */
export const blankVariantRows = 3;

const blankVariant = (): VariantFormRow => ({ id: '', sku: '', price: '', compareAt: '', weight: '', barcode: '', stock: '0', values: Array.from({ length: optionRows }, () => ''), remove: false });

const padOptions = (options: { name: string; values: string }[]) => [...options, ...Array.from({ length: Math.max(0, optionRows - options.length) }, () => ({ name: '', values: '' }))].slice(0, optionRows);

export function emptyForm(categoryId: string): ProductFormValues {
  return { name: '', slug: '', description: '', categoryId, status: 'draft', featured: false, tags: '', seoTitle: '', seoDescription: '', options: padOptions([]), variants: Array.from({ length: blankVariantRows }, blankVariant) };
}

export function formOf(p: ProductView, digits: number): ProductFormValues {
  return {
    name: p.name,
    slug: p.slug,
    description: p.description,
    categoryId: p.categoryId,
    status: p.status,
    featured: p.featured,
    tags: p.tags.join(', '),
    seoTitle: p.seoTitle,
    seoDescription: p.seoDescription,
    options: padOptions(p.options.map((o) => ({ name: o.name, values: o.values.join(', ') }))),
    variants: [
      ...p.variants.map((v) => ({
        id: v.id,
        sku: v.sku,
        price: minorText(v.price, digits),
        compareAt: v.compareAt === null ? '' : minorText(v.compareAt, digits),
        weight: v.weightGrams === null ? '' : String(v.weightGrams),
        barcode: v.barcode ?? '',
        stock: '',
        values: Array.from({ length: optionRows }, (_, i) => (p.options[i] ? (v.options[p.options[i].name] ?? '') : '')),
        remove: false,
      })),
      ...Array.from({ length: blankVariantRows }, blankVariant),
    ],
  };
}

/** The form body's field names: flat, so a plain urlencoded POST carries them. */
export const formFieldPattern = '^(name|slug|description|categoryId|status|featured|tags|seoTitle|seoDescription|o\\.[0-2]\\.(name|values)|v\\.[0-9]{1,3}\\.(id|sku|price|compareAt|weight|barcode|stock|o[0-2]|remove))$';

export function formFromBody(body: Record<string, string>): ProductFormValues {
  const get = (k: string) => body[k] ?? '';
  const rows = new Set(Object.keys(body).map((k) => /^v\.(\d+)\./.exec(k)?.[1]).filter((x): x is string => x !== undefined).map(Number));
  const count = Math.min(200, rows.size === 0 ? 0 : Math.max(...rows) + 1);
  return {
    name: get('name'),
    slug: get('slug'),
    description: get('description'),
    categoryId: get('categoryId'),
    status: get('status'),
    featured: body.featured !== undefined,
    tags: get('tags'),
    seoTitle: get('seoTitle'),
    seoDescription: get('seoDescription'),
    options: Array.from({ length: optionRows }, (_, i) => ({ name: get(`o.${i}.name`), values: get(`o.${i}.values`) })),
    variants: Array.from({ length: count }, (_, i) => ({
      id: get(`v.${i}.id`),
      sku: get(`v.${i}.sku`),
      price: get(`v.${i}.price`),
      compareAt: get(`v.${i}.compareAt`),
      weight: get(`v.${i}.weight`),
      barcode: get(`v.${i}.barcode`),
      stock: get(`v.${i}.stock`),
      values: Array.from({ length: optionRows }, (_, j) => get(`v.${i}.o${j}`)),
      remove: body[`v.${i}.remove`] !== undefined,
    })),
  };
}

const isBlank = (v: VariantFormRow) => v.id === '' && v.sku.trim() === '' && v.price.trim() === '' && v.compareAt.trim() === '' && v.barcode.trim() === '' && v.weight.trim() === '' && v.values.every((x) => x.trim() === '');

/**
 * The draft a form describes, with the problems only the form can have (an amount that is not a number);
 * `rowOf` maps the draft's variant positions back to the form's rows, for errors beside the right field.
 */
export function draftFromForm(form: ProductFormValues, digits: number): { draft: ProductDraft; problems: FormError[]; rowOf: number[] } {
  const problems: FormError[] = [];
  const options = form.options.filter((o) => o.name.trim() !== '' || o.values.trim() !== '');
  const optionIndexes = form.options.map((o, i) => (o.name.trim() !== '' || o.values.trim() !== '' ? i : -1)).filter((i) => i >= 0);
  const rowOf: number[] = [];
  const variants: VariantDraft[] = [];
  form.variants.forEach((v, row) => {
    if (v.remove || isBlank(v)) return;
    const amount = (text: string, field: string, label: string, optional: boolean): number | null => {
      const t = text.trim().replace(/^[£$€]/, '').replaceAll(',', '');
      if (t === '' && optional) return null;
      const parsed = parseAmount(t, digits);
      if (parsed === undefined) {
        problems.push({ field: `v.${row}.${field}`, message: `${label} of variant ${row + 1} must be an amount, such as 24.00` });
        return null;
      }
      return parsed;
    };
    const price = amount(v.price, 'price', 'Price', false);
    const compareAt = amount(v.compareAt, 'compareAt', 'Compare-at price', true);
    const weight = v.weight.trim() === '' ? null : /^\d{1,7}$/.test(v.weight.trim()) ? Number(v.weight.trim()) : NaN;
    const stock = v.stock.trim() === '' ? 0 : /^\d{1,7}$/.test(v.stock.trim()) ? Number(v.stock.trim()) : NaN;
    rowOf.push(row);
    variants.push({
      ...(v.id !== '' ? { id: v.id } : {}),
      sku: v.sku,
      options: Object.fromEntries(optionIndexes.map((i) => [form.options[i]!.name.trim(), v.values[i] ?? ''])),
      price: price ?? -1,
      compareAt,
      weightGrams: weight,
      barcode: v.barcode,
      ...(v.id === '' ? { initialStock: stock } : {}),
    });
  });
  const draft: ProductDraft = {
    name: form.name,
    slug: form.slug,
    description: form.description,
    categoryId: form.categoryId,
    status: form.status as ProductStatus,
    featured: form.featured,
    tags: form.tags.split(',').map((t) => t.trim()).filter((t) => t !== ''),
    seoTitle: form.seoTitle,
    seoDescription: form.seoDescription,
    options: options.map((o) => ({ name: o.name, values: o.values.split(',').map((x) => x.trim()).filter((x) => x !== '') })),
    variants,
  };
  return { draft, problems, rowOf };
}

/** A service problem's field (`variants.2.price`) as the form's field id (`v.5.price`). */
export function formFieldOf(field: string, rowOf: number[], optionIndexes: number[]): string {
  const [head, index, leaf] = field.split('.');
  if (head === 'variants') {
    if (index === undefined) return 'v.0.sku';
    const row = rowOf[Number(index)] ?? 0;
    const map: Record<string, string> = { sku: 'sku', price: 'price', compareAt: 'compareAt', weightGrams: 'weight', barcode: 'barcode', initialStock: 'stock', options: 'o0', id: 'sku' };
    return `v.${row}.${map[leaf ?? 'sku'] ?? 'sku'}`;
  }
  if (head === 'options') return index === undefined ? 'o.0.name' : `o.${optionIndexes[Number(index)] ?? 0}.${leaf ?? 'name'}`;
  return head ?? '';
}
