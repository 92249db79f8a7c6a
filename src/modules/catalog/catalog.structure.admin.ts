import type { AdminContribution } from '../../backoffice/index.js';
import { registerCategoryRoutes } from './catalog.categories.routes.js';
import type { CategoriesService } from './catalog.categories.service.js';
import { registerCollectionRoutes } from './catalog.collections.routes.js';
import type { CollectionsService } from './catalog.collections.service.js';

/** The category tree in the back office: its pages, its staff API and its place in the sidebar. */
export function categoriesAdmin(deps: { categories: CategoriesService; locale: string }): AdminContribution {
  return {
    name: 'categories',
    navigation: [{ href: '/admin/categories', label: 'Categories', permission: 'catalog.read', order: 24 }],
    register(app, shell) {
      registerCategoryRoutes(app, shell, deps);
    },
  };
}

/** Collections in the back office: list, new, edit and delete pages, the staff API, the sidebar entry. */
export function collectionsAdmin(deps: { collections: CollectionsService; categories: CategoriesService; locale: string }): AdminContribution {
  return {
    name: 'collections',
    navigation: [{ href: '/admin/collections', label: 'Collections', permission: 'catalog.read', order: 22 }],
    register(app, shell) {
      registerCollectionRoutes(app, shell, deps);
    },
  };
}
