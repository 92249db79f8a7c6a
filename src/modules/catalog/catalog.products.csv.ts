import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/database.js';
import { can, type StaffPrincipal } from '../../kernel/permissions.js';
import type { RequestContext } from '../../kernel/request-context.js';
import { AppError } from '../../kernel/errors.js';
import { minorDigits, minorText } from '../../kernel/money-text.js';
import { importInvalid, type FieldProblem, type ImportProblem } from './catalog.errors.js';
import * as repo from './catalog.products.repository.js';
import type { ProductDraft, ProductWriteService, VariantDraft } from './catalog.products.service.js';
import { effectiveOptions, productStatuses, slugPattern } from './catalog.products.validation.js';
import type { ProductOption, ProductStatus } from './catalog.tables.js';

/**
 * CSV import and export of products, one row per variant. Product-level cells (name, status, category,
 * tags, description) are read from a product's first row; later rows may repeat them or leave them empty.
 */
export const csvColumns = [
  'slug', 'name', 'status', 'category', 'tags',
  'option1_name', 'option1_value', 'option2_name', 'option2_value', 'option3_name', 'option3_value',
  'sku', 'price', 'compare_at', 'weight_grams', 'barcode', 'description',
] as const;
type Column = (typeof csvColumns)[number];
const required: readonly Column[] = ['slug', 'sku', 'price'];

export const importLimits = { bytes: 2 * 1024 * 1024, rows: 5_000 } as const;

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (CSV injection), so the export
 * puts a single quote in front of it; the import takes that quote off again.
 */
const formulaStart = /^[=+\-@\t\r]/;
export const escapeCell = (value: string): string => (formulaStart.test(value) ? `'${value}` : value);
const unescapeCell = (value: string): string => (value.startsWith("'") && formulaStart.test(value.slice(1)) ? value.slice(1) : value);

/** "24.5" → 2450 for a two-digit currency, without floating point; undefined when it is not a plain amount. */
export function parseAmount(text: string, digits: number): number | undefined {
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(text);
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}


export interface ImportReport {
  created: number;
  updated: number;
  variants: number;
}

interface Row {
  number: number;
  cells: Record<Column, string>;
}

/** Where a service problem about a product's field is shown in the file. */
const columnOf: Record<string, Column> = {
  name: 'name', slug: 'slug', description: 'description', categoryId: 'category', status: 'status', tags: 'tags', options: 'option1_value',
  sku: 'sku', price: 'price', compareAt: 'compare_at', weightGrams: 'weight_grams', barcode: 'barcode', variants: 'sku', id: 'sku', initialStock: 'sku',
};

export interface ProductCsv {
  export(query: Pick<repo.AdminProductQuery, 'q' | 'status' | 'categoryId'>): Promise<string>;
  /** Validates every row, then writes everything in one transaction, or nothing (throws CATALOG_IMPORT_INVALID with every problem). */
  import(actor: StaffPrincipal, csv: string, context: RequestContext): Promise<ImportReport>;
}

export function createProductCsv(deps: { db: Db; products: ProductWriteService; currency: string }): ProductCsv {
  const { db, products, currency } = deps;
  const digits = minorDigits(currency);

  const readRows = (csv: string): { rows: Row[]; problems: ImportProblem[] } => {
    const problems: ImportProblem[] = [];
    let records: string[][];
    try {
      records = parse(csv, { bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 64 * 1024, to: importLimits.rows + 1 });
    } catch (err) {
      const line = (err as { lines?: number }).lines;
      return { rows: [], problems: [{ row: line ?? 1, column: '', message: `The file is not valid CSV: ${(err as Error).message.slice(0, 200)}` }] };
    }
    const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
    if (records.length === 0) return { rows: [], problems: [{ row: 1, column: '', message: 'The file is empty' }] };
    for (const [i, h] of header.entries()) if (!(csvColumns as readonly string[]).includes(h)) problems.push({ row: 1, column: h || `column ${i + 1}`, message: `Unknown column "${h.slice(0, 40)}"; the columns are ${csvColumns.join(', ')}` });
    for (const c of required) if (!header.includes(c)) problems.push({ row: 1, column: c, message: `The column ${c} is missing` });
    if (records.length - 1 > importLimits.rows) problems.push({ row: importLimits.rows + 2, column: '', message: `Import at most ${importLimits.rows.toLocaleString('en-GB')} rows at a time` });
    if (records.length === 1) problems.push({ row: 2, column: '', message: 'The file has a header but no rows' });
    const rows = records.slice(1, importLimits.rows + 1).map((record, i) => {
      const cells = Object.fromEntries(csvColumns.map((c) => [c, ''])) as Record<Column, string>;
      header.forEach((h, j) => {
        if ((csvColumns as readonly string[]).includes(h)) cells[h as Column] = unescapeCell((record[j] ?? '').trim());
      });
      return { number: i + 2, cells };
    });
    return { rows, problems };
  };

  const optionPairs = (cells: Record<Column, string>): [string, string][] =>
    ([1, 2, 3] as const).map((n) => [cells[`option${n}_name`], cells[`option${n}_value`]] as [string, string]).filter(([name, value]) => name !== '' || value !== '');

  return {
    async export(query) {
      const rows = await repo.findProductsForExport(db, query);
      const variants = await repo.findVariantsOfProducts(db, rows.map((r) => r.id));
      const byProduct = new Map<string, typeof variants>();
      for (const v of variants) byProduct.set(v.product_id, [...(byProduct.get(v.product_id) ?? []), v]);
      const lines: string[][] = [];
      for (const p of rows) {
        const base = { slug: p.slug, name: p.name, status: p.status, category: p.category_slug, tags: p.tags.join(', '), description: p.description };
        const own = byProduct.get(p.id) ?? [];
        const cellsOf = (v: (typeof own)[number] | undefined): string[] => {
          const options = effectiveOptions(p.options, own).slice(0, 3);
          const record: Record<Column, string> = {
            ...base,
            option1_name: options[0]?.name ?? '', option1_value: v && options[0] ? (v.options[options[0].name] ?? '') : '',
            option2_name: options[1]?.name ?? '', option2_value: v && options[1] ? (v.options[options[1].name] ?? '') : '',
            option3_name: options[2]?.name ?? '', option3_value: v && options[2] ? (v.options[options[2].name] ?? '') : '',
            sku: v?.sku ?? '',
            price: v ? minorText(v.price_amount, digits) : '',
            compare_at: v && v.compare_at_amount !== null ? minorText(v.compare_at_amount, digits) : '',
            weight_grams: v && v.weight_grams !== null ? String(v.weight_grams) : '',
            barcode: v?.barcode ?? '',
          };
          return csvColumns.map((c) => escapeCell(record[c]));
        };
        if (own.length === 0) lines.push(cellsOf(undefined));
        for (const v of own) lines.push(cellsOf(v));
      }
      return stringify([[...csvColumns], ...lines], { quoted_match: /[\s",']/, record_delimiter: '\r\n' });
    },

    async import(actor, csv, context) {
      const { rows, problems } = readRows(csv);
      if (problems.length > 0) throw importInvalid(problems);
      const add = (row: number, column: string, message: string) => problems.push({ row, column, message });

      const categories = new Map((await repo.findCategoryChoices(db)).map((c) => [c.slug, c.id]));
      const groups = new Map<string, Row[]>();
      const skuRows = new Map<string, number>();
      for (const row of rows) {
        const c = row.cells;
        if (!slugPattern.test(c.slug)) add(row.number, 'slug', c.slug === '' ? 'Enter a slug' : 'Slug must be lower-case letters, numbers and single hyphens');
        if (c.sku === '') add(row.number, 'sku', 'Enter a SKU');
        else if (skuRows.has(c.sku.toUpperCase())) add(row.number, 'sku', `SKU ${c.sku} is also on row ${skuRows.get(c.sku.toUpperCase())}`);
        else skuRows.set(c.sku.toUpperCase(), row.number);
        if (parseAmount(c.price, digits) === undefined) add(row.number, 'price', c.price === '' ? 'Enter a price, such as 24.00' : `Price "${c.price.slice(0, 20)}" is not an amount such as 24.00`);
        if (c.compare_at !== '' && parseAmount(c.compare_at, digits) === undefined) add(row.number, 'compare_at', `Compare-at price "${c.compare_at.slice(0, 20)}" is not an amount such as 30.00`);
        if (c.weight_grams !== '' && !/^\d{1,7}$/.test(c.weight_grams)) add(row.number, 'weight_grams', 'Weight must be a whole number of grams');
        if (c.status !== '' && !productStatuses.includes(c.status as ProductStatus)) add(row.number, 'status', 'Status must be active, draft or archived');
        if (c.category !== '' && !categories.has(c.category)) add(row.number, 'category', `There is no category with the slug "${c.category.slice(0, 60)}"`);
        for (const [name, value] of optionPairs(c)) if (name === '' || value === '') add(row.number, name === '' ? 'option1_name' : 'option1_value', 'Give each option both a name and a value');
        groups.set(c.slug, [...(groups.get(c.slug) ?? []), row]);
      }
      // Product-level cells on later rows must agree with the first row's.
      for (const group of groups.values()) {
        const first = group[0]!;
        for (const row of group.slice(1)) {
          for (const column of ['name', 'status', 'category', 'tags', 'description'] as const) {
            if (row.cells[column] !== '' && row.cells[column] !== first.cells[column]) add(row.number, column, `${column} differs from row ${first.number} of the same product`);
          }
          const names = optionPairs(row.cells).map(([n]) => n).join('|');
          if (names !== optionPairs(first.cells).map(([n]) => n).join('|')) add(row.number, 'option1_name', `The option names differ from row ${first.number} of the same product`);
        }
      }
      if (problems.length > 0) throw importInvalid(problems);

      const existingIds = new Map<string, string>();
      for (const slug of groups.keys()) {
        const id = await repo.findProductIdBySlug(db, slug);
        if (id !== undefined) existingIds.set(slug, id);
      }
      const mayPrice = can(actor.role, 'catalog.prices');
      const report: ImportReport = { created: 0, updated: 0, variants: 0 };

      await db.transaction().execute(async (trx) => {
        for (const [slug, group] of groups) {
          const first = group[0]!.cells;
          const variantOf = (row: Row): VariantDraft => ({
            sku: row.cells.sku,
            options: Object.fromEntries(optionPairs(row.cells)),
            price: parseAmount(row.cells.price, digits)!,
            compareAt: row.cells.compare_at === '' ? null : parseAmount(row.cells.compare_at, digits)!,
            weightGrams: row.cells.weight_grams === '' ? null : Number(row.cells.weight_grams),
            barcode: row.cells.barcode === '' ? null : row.cells.barcode,
          });
          const fromRows = group.map(variantOf);
          const rowOfVariant: number[] = [];
          const existingId = existingIds.get(slug);
          try {
            if (existingId === undefined) {
              if (first.name === '') add(group[0]!.number, 'name', 'Enter a name for a new product');
              if (first.category === '') add(group[0]!.number, 'category', 'Enter a category slug for a new product');
              if (first.name === '' || first.category === '') continue;
              if (!mayPrice) {
                for (const row of group) add(row.number, 'price', 'Your role may not set prices, so it cannot create products with variants');
                continue;
              }
              const options = mergeOptions([], fromRows);
              group.forEach((row) => rowOfVariant.push(row.number));
              const draft: ProductDraft = {
                name: first.name, slug, description: first.description, categoryId: categories.get(first.category)!, status: (first.status || 'draft') as ProductStatus,
                featured: false, tags: splitTags(first.tags), seoTitle: '', seoDescription: '', options, variants: fromRows,
              };
              await products.createIn(trx, actor, draft, context);
              report.created += 1;
            } else {
              const current = await products.getIn(trx, existingId);
              const bySku = new Map(fromRows.map((v, i) => [v.sku.toUpperCase(), { v, row: group[i]!.number }]));
              if (!mayPrice) {
                for (const [i, v] of fromRows.entries()) {
                  const before = current.variants.find((e) => e.sku.toUpperCase() === v.sku.toUpperCase());
                  if (before === undefined || before.price !== v.price) add(group[i]!.number, 'price', before === undefined ? 'Your role may not set prices, so it cannot add variants' : 'Your role may not change prices');
                  else if (before.compareAt !== v.compareAt) add(group[i]!.number, 'compare_at', 'Your role may not change prices');
                }
                if (problems.length > 0) continue;
              }
              // Variants the file does not mention are kept as they are; the file's rows update or add.
              const kept: VariantDraft[] = current.variants.map((e) => {
                const fromFile = bySku.get(e.sku.toUpperCase());
                rowOfVariant.push(fromFile?.row ?? group[0]!.number);
                return fromFile ? { ...fromFile.v, id: e.id } : { id: e.id, sku: e.sku, options: e.options, price: e.price, compareAt: e.compareAt, weightGrams: e.weightGrams, barcode: e.barcode };
              });
              const added = fromRows.filter((v) => !current.variants.some((e) => e.sku.toUpperCase() === v.sku.toUpperCase()));
              for (const v of added) rowOfVariant.push(bySku.get(v.sku.toUpperCase())!.row);
              const variants = [...kept, ...added];
              await products.updateIn(trx, actor, existingId, {
                ...(first.name !== '' ? { name: first.name } : {}),
                ...(first.status !== '' ? { status: first.status as ProductStatus } : {}),
                ...(first.category !== '' ? { categoryId: categories.get(first.category)! } : {}),
                ...(first.tags !== '' ? { tags: splitTags(first.tags) } : {}),
                ...(first.description !== '' ? { description: first.description } : {}),
                options: mergeOptions(current.options, variants),
                variants,
              }, context);
              report.updated += 1;
            }
            report.variants += fromRows.length;
          } catch (err) {
            // A refusal before anything was written for this product: report it on its rows and go on, so
            // the report lists every problem; a database error ends the import.
            if (!(err instanceof AppError) || err.category === 'internal' || err.category === 'unavailable') throw err;
            const fieldProblems = (err.details?.problems as FieldProblem[] | undefined) ?? [{ field: typeof err.details?.field === 'string' ? err.details.field : '', message: err.message }];
            for (const p of fieldProblems) {
              const [head, index, leaf] = p.field.split('.');
              const row = head === 'variants' && index !== undefined ? (rowOfVariant[Number(index)] ?? group[0]!.number) : group[0]!.number;
              add(row, columnOf[leaf ?? head ?? ''] ?? '', p.message);
            }
          }
        }
        // Nothing half-imported: any problem undoes every product written before it.
        if (problems.length > 0) throw importInvalid(problems.sort((a, b) => a.row - b.row));
      });
      return report;
    },
  };
}

const splitTags = (cell: string): string[] => cell.split(',').map((t) => t.trim()).filter((t) => t !== '');

/** The product's options followed by any new names or values the variants bring, in first-seen order. */
function mergeOptions(current: readonly ProductOption[], variants: readonly VariantDraft[]): ProductOption[] {
  const merged = current.map((o) => ({ name: o.name, values: [...o.values] }));
  for (const v of variants) {
    for (const [name, value] of Object.entries(v.options)) {
      let option = merged.find((o) => o.name === name);
      if (option === undefined) {
        option = { name, values: [] };
        merged.push(option);
      }
      if (!option.values.includes(value)) option.values.push(value);
    }
  }
  return merged;
}
