import { AppError } from '../../kernel/errors.js';

export const productNotFound = (ref: string): AppError =>
  new AppError('CATALOG_PRODUCT_NOT_FOUND', 'not_found', `No product matches "${ref.slice(0, 80)}".`);

export const categoryNotFound = (slug: string): AppError =>
  new AppError('CATALOG_CATEGORY_NOT_FOUND', 'not_found', `No category matches "${slug.slice(0, 80)}".`);
