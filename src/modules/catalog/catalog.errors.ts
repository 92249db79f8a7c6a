import { AppError } from '../../kernel/errors.js';

export const productNotFound = (ref: string): AppError =>
  new AppError('CATALOG_PRODUCT_NOT_FOUND', 'not_found', `No product matches "${ref.slice(0, 80)}".`);

export const categoryNotFound = (slug: string): AppError =>
  new AppError('CATALOG_CATEGORY_NOT_FOUND', 'not_found', `No category matches "${slug.slice(0, 80)}".`);

/** One problem with a product's fields, named by the field (e.g. `variants.2.sku`) a form shows it beside. */
export interface FieldProblem {
  field: string;
  message: string;
}

export const productInvalid = (problems: FieldProblem[]): AppError =>
  new AppError('CATALOG_PRODUCT_INVALID', 'invalid_data', problems.map((p) => p.message).join(' '), { problems });

export const pricePermissionRequired = (): AppError =>
  new AppError('CATALOG_PRICE_PERMISSION_REQUIRED', 'forbidden', 'Your role may not set or change prices. Nothing was saved; ask a catalog manager to change the price.');

export const slugTaken = (slug: string): AppError =>
  new AppError('CATALOG_SLUG_TAKEN', 'conflict', `Another product already uses the slug "${slug.slice(0, 120)}".`, { field: 'slug' });

export const skuTaken = (sku: string): AppError =>
  new AppError('CATALOG_SKU_TAKEN', 'conflict', `Another variant already uses the SKU "${sku.slice(0, 80)}".`, { field: 'sku' });

export const categoryUnknown = (): AppError => new AppError('CATALOG_CATEGORY_UNKNOWN', 'invalid_data', 'Choose a category that exists.', { field: 'categoryId' });

/** One cell of an import that cannot be used, by its row in the file (the header is row 1) and column. */
export interface ImportProblem {
  row: number;
  column: string;
  message: string;
}

export const importInvalid = (problems: ImportProblem[]): AppError =>
  new AppError('CATALOG_IMPORT_INVALID', 'invalid_data', `The file has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was imported.`, { problems });
