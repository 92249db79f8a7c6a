import { AppError } from '../../kernel/errors.js';

export const searchCategoryNotFound = (slug: string): AppError =>
  new AppError('SEARCH_CATEGORY_NOT_FOUND', 'not_found', `No category matches "${slug.slice(0, 80)}".`);

export const searchCollectionNotFound = (slug: string): AppError =>
  new AppError('SEARCH_COLLECTION_NOT_FOUND', 'not_found', `No collection matches "${slug.slice(0, 80)}".`);
