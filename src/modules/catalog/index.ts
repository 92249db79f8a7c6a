/** The catalog module's public face: what other modules, the back office and app.ts may use. */
export { catalogAdmin, type CatalogAdminDeps } from './catalog.admin.js';
export { withReadCache } from './catalog.cache.js';
export type { CatalogChange, CatalogChangeListener } from './catalog.changes.js';
export { catalogPlugin } from './catalog.plugin.js';
export { createCatalogSitemap } from './catalog.sitemap.js';
export { SlugParams } from './catalog.schemas.js';
export { createCatalogService, type CatalogService } from './catalog.service.js';
export { createVariantDirectory } from './catalog.variants.js';
export { createCategoriesService, type CategoriesService, type CategoryNode } from './catalog.categories.service.js';
/** `collections.collectionDefinitions()`: every collection's kind, rules and hand-picked products, for the search indexer. */
export { createCollectionsService, type CollectionDefinition, type CollectionsService } from './catalog.collections.service.js';
export type { CollectionRule, CollectionRules } from './catalog.tables.js';
export { categoriesAdmin, collectionsAdmin } from './catalog.structure.admin.js';
export type { ProductDraft, ProductView, ProductWriteService } from './catalog.products.service.js';
export { seedDemoCatalog, type SeedResult } from './demo/seed-demo.js';
export { productImagesAdmin } from './catalog.images.admin.js';
export { createProductImagesService, type ProductImagesService } from './catalog.images.service.js';
export { seedGeneratedCatalog, type GeneratedSeedResult } from './demo/seed-generated.js';
export { listingSorts, type CatalogBrowse, type ListingFacets, type ListingFilters, type ListingQuery, type ListingResult, type ListingSort, type PriceBand } from './catalog.browse.js';
export { categoryPath, createCatalogIndexSource, type CatalogIndexSource, type IndexCategory, type IndexProduct } from './catalog.index-source.js';
export type { ProductStatus } from './catalog.tables.js';
export type { ProductSummary, StockLevel } from './catalog.types.js';
export { formatTotal, Listing, listingScripts, type ListingView } from './pages/listing.js';
export { listingPurchase, type CardPurchase, type CardPurchaseSlot, type ListingPurchase } from './pages/product-card.js';
export { listingFilters, listingHref, listingPageSize, parseListingParams, type ListingParams } from './pages/listing-params.js';
export { ListingQueryFields, optionsOf, ProductSummary as ProductSummarySchema, type ListingQueryString } from './catalog.schemas.js';
export { PageQuery } from './catalog.schemas.js';
/** Pricing's and the cart's read of variants: price, weight, status and a thumbnail, archived ones included. */
export { createVariantPrices, type PricedVariant, type StockSql, type VariantPrices } from './catalog.variant-prices.js';
