import { AppError } from '../../kernel/errors.js';

/** Errors of the catalog's structure (categories and collections), each with a stable code. */

export const categoryIdNotFound = (): AppError => new AppError('CATALOG_CATEGORY_NOT_FOUND', 'not_found', 'There is no such category.');

export const categorySlugTaken = (slug: string): AppError =>
  new AppError('CATALOG_CATEGORY_SLUG_TAKEN', 'conflict', `Another category already uses the address "${slug}". Choose another.`, { slug });

export const categoryCycle = (): AppError => new AppError('CATALOG_CATEGORY_CYCLE', 'conflict', 'A category cannot be moved under itself or under one of its own subcategories.');

export const categoryTooDeep = (maxDepth: number): AppError =>
  new AppError('CATALOG_CATEGORY_TOO_DEEP', 'conflict', `Categories nest at most ${maxDepth} levels deep; this move would go deeper.`, { maxDepth });

export const categoryHasProducts = (count: number): AppError =>
  new AppError('CATALOG_CATEGORY_HAS_PRODUCTS', 'conflict', `This category still holds ${count} product${count === 1 ? '' : 's'}. Move ${count === 1 ? 'it' : 'them'} to another category first.`, { products: count });

export const categoryHasChildren = (count: number): AppError =>
  new AppError('CATALOG_CATEGORY_HAS_CHILDREN', 'conflict', `This category has ${count} subcategor${count === 1 ? 'y' : 'ies'}. Move or delete ${count === 1 ? 'it' : 'them'} first.`, { children: count });

export const categoryOrderMismatch = (): AppError =>
  new AppError('CATALOG_CATEGORY_ORDER_MISMATCH', 'invalid_data', 'The new order must list every category under that parent exactly once.');

export const invalidSlug = (): AppError =>
  new AppError('CATALOG_INVALID_SLUG', 'invalid_data', 'Use lowercase letters, digits and single hyphens for the address, like "summer-linen".');

export const nameRequired = (): AppError => new AppError('CATALOG_NAME_REQUIRED', 'invalid_data', 'Enter a name.');

export const collectionNotFound = (ref: string): AppError => new AppError('CATALOG_COLLECTION_NOT_FOUND', 'not_found', `No collection matches "${ref.slice(0, 80)}".`);

export const collectionSlugTaken = (slug: string): AppError =>
  new AppError('CATALOG_COLLECTION_SLUG_TAKEN', 'conflict', `Another collection already uses the address "${slug}". Choose another.`, { slug });

export const invalidRules = (why: string): AppError => new AppError('CATALOG_COLLECTION_INVALID_RULES', 'invalid_data', why);

export const unknownProducts = (refs: string[]): AppError =>
  new AppError('CATALOG_COLLECTION_UNKNOWN_PRODUCTS', 'invalid_data', `No product matches ${refs.slice(0, 5).map((r) => `"${r.slice(0, 60)}"`).join(', ')}${refs.length > 5 ? ` and ${refs.length - 5} more` : ''}.`, {
    refs: refs.slice(0, 50),
  });
