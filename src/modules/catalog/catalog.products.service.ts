import type { Db } from '../../db/database.js';
import { can, type StaffPrincipal } from '../../kernel/permissions.js';
import type { RequestContext } from '../../kernel/request-context.js';
import type { AuditService } from '../audit/index.js';
import type { InventoryService } from '../inventory/index.js';
import type { CatalogChangeListener } from './catalog.changes.js';
import { categoryUnknown, pricePermissionRequired, productInvalid, productNotFound, skuTaken, slugTaken, type FieldProblem } from './catalog.errors.js';
import { renderMarkdown } from './catalog.markdown.js';
import * as repo from './catalog.products.repository.js';
import { effectiveOptions, normaliseDraft, slugify, variantTitle, type ProductDraft, type VariantDraft } from './catalog.products.validation.js';
import { dropRedirect, findRedirectTarget, recordSlugChange } from './catalog.redirects.js';
import type { ProductOption, ProductRow, ProductStatus, ProductVariantRow } from './catalog.tables.js';

export type { ProductDraft, VariantDraft };

/** A product as the back office and the staff API show it. */
export interface ProductView {
  id: string;
  slug: string;
  name: string;
  description: string;
  descriptionHtml: string;
  categoryId: string;
  status: ProductStatus;
  featured: boolean;
  tags: string[];
  seoTitle: string;
  seoDescription: string;
  options: ProductOption[];
  variants: (Required<Omit<VariantDraft, 'initialStock'>> & { title: string; currency: string })[];
  createdAt: Date;
  updatedAt: Date;
}

export type ProductPatch = Partial<ProductDraft>;

export interface ProductListPage {
  items: repo.AdminProductRow[];
  total: number;
  counts: Record<ProductStatus | 'all', number>;
  limit: number;
  offset: number;
}

/** The product write side: every change checked, audited and announced in the transaction that makes it. */
export interface ProductWriteService {
  list(query: repo.AdminProductQuery): Promise<ProductListPage>;
  get(id: string): Promise<ProductView>;
  /** A product as the caller's transaction sees it. */
  getIn(trx: Db, id: string): Promise<ProductView>;
  categories(): Promise<{ id: string; slug: string; name: string }[]>;
  create(actor: StaffPrincipal, draft: ProductDraft, context: RequestContext): Promise<ProductView>;
  update(actor: StaffPrincipal, id: string, patch: ProductPatch, context: RequestContext): Promise<ProductView>;
  archive(actor: StaffPrincipal, id: string, context: RequestContext): Promise<ProductView>;
  /** Sets the status of several products at once; unknown ids are reported, not changed. */
  setStatus(actor: StaffPrincipal, ids: readonly string[], status: ProductStatus, context: RequestContext): Promise<{ changed: string[]; unchanged: string[]; unknown: string[] }>;
  /** The same writes inside a caller's transaction (the CSV import runs many in one). */
  createIn(trx: Db, actor: StaffPrincipal, draft: ProductDraft, context: RequestContext): Promise<ProductView>;
  updateIn(trx: Db, actor: StaffPrincipal, id: string, patch: ProductPatch, context: RequestContext): Promise<ProductView>;
  /** The current slug of an active product an old slug redirects to, if any (for 301 answers). */
  currentSlugFor(oldSlug: string): Promise<string | undefined>;
}

export interface ProductWriteDeps {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  inventory: Pick<InventoryService, 'openLevels'>;
  onChange: CatalogChangeListener;
  currency: string;
  now?: () => Date;
}

const actorOf = (p: StaffPrincipal) => ({ type: 'staff' as const, id: p.userId, role: p.role });

function toView(row: ProductRow, variants: ProductVariantRow[]): ProductView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    descriptionHtml: row.description_html,
    categoryId: row.category_id,
    status: row.status,
    featured: row.featured,
    tags: row.tags,
    seoTitle: row.seo_title,
    seoDescription: row.seo_description,
    options: effectiveOptions(row.options, variants),
    variants: variants.map((v) => ({
      id: v.id,
      sku: v.sku,
      title: v.title,
      options: v.options,
      price: v.price_amount,
      compareAt: v.compare_at_amount,
      currency: v.currency,
      weightGrams: v.weight_grams,
      barcode: v.barcode,
    })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const draftOf = (view: ProductView): ProductDraft => ({
  name: view.name,
  slug: view.slug,
  description: view.description,
  categoryId: view.categoryId,
  status: view.status,
  featured: view.featured,
  tags: view.tags,
  seoTitle: view.seoTitle,
  seoDescription: view.seoDescription,
  options: view.options,
  variants: view.variants.map((v) => ({ id: v.id, sku: v.sku, options: v.options, price: v.price, compareAt: v.compareAt, weightGrams: v.weightGrams, barcode: v.barcode })),
});

/** What the audit trail records of a product: the fields staff change, prices included, without row ids. */
function auditShape(view: ProductView): Record<string, unknown> {
  const { variants, ...fields } = draftOf(view);
  return { ...fields, variants: variants.map(({ id: _id, ...variant }) => variant) };
}

const unique = <T>(items: T[]): T[] => [...new Set(items)];

export function createProductWriteService(deps: ProductWriteDeps): ProductWriteService {
  const { db, audit, inventory, onChange, currency } = deps;
  const now = deps.now ?? (() => new Date());

  const load = async (trx: Db, id: string): Promise<ProductView> => {
    const row = await repo.findProduct(trx, id);
    if (!row) throw productNotFound(id);
    return toView(row, await repo.findVariantsOf(trx, id));
  };

  /** A free slug from the name: the name's own, or it with -2, -3… (old slugs that still redirect count as taken). */
  const freeSlug = async (trx: Db, name: string, current?: string): Promise<string> => {
    const base = slugify(name) || 'product';
    if (base === current) return base;
    const candidates = [base, ...Array.from({ length: 20 }, (_, i) => `${base}-${i + 2}`)];
    const used = await repo.findUsedSlugs(trx, candidates);
    return candidates.find((c) => !used.has(c) || c === current) ?? `${base}-${Date.now().toString(36)}`;
  };

  /** The slug a write ends with; an explicit one may take an old slug back from a redirect, never a live one. */
  const settleSlug = async (trx: Db, draft: ProductDraft, productId: string | undefined, current: string | undefined): Promise<string> => {
    const wanted = draft.slug ?? '';
    if (wanted === '') return freeSlug(trx, draft.name, current);
    if (wanted === current) return wanted;
    const owner = await repo.findProductIdBySlug(trx, wanted);
    if (owner !== undefined && owner !== productId) throw slugTaken(wanted);
    return wanted;
  };

  const checkReferences = async (trx: Db, draft: ProductDraft, productId: string | undefined): Promise<void> => {
    const categories = await repo.findCategorySlugs(trx, [draft.categoryId]);
    if (!categories.has(draft.categoryId)) throw categoryUnknown();
    const owners = await repo.findSkuOwners(trx, draft.variants.map((v) => v.sku));
    const clash = owners.find((o) => o.product_id !== productId);
    if (clash) {
      const index = draft.variants.findIndex((v) => v.sku === clash.sku);
      throw productInvalid([{ field: `variants.${index}.sku`, message: skuTaken(clash.sku).message }]);
    }
  };

  /** Refuses a write that sets or changes any price when the role may not (before anything is written). */
  const checkPrices = (actor: StaffPrincipal, variants: VariantDraft[], existing: Map<string, ProductView['variants'][number]>): void => {
    if (can(actor.role, 'catalog.prices')) return;
    const optionKey = (options: Record<string, string>): string => JSON.stringify(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)));
    const changes = variants.some((v) => {
      const before = v.id !== undefined ? existing.get(v.id) : undefined;
      if (before === undefined || before.price !== v.price || before.compareAt !== v.compareAt) return true;
      // A variant that takes over another's options or SKU (a swap, or a rename after a removal) sells
      // that choice at its own price: a price change for the customer, whatever the ids say.
      return [...existing.values()].some((other) => other.id !== v.id && (optionKey(other.options) === optionKey(v.options) || other.sku.toUpperCase() === v.sku.toUpperCase()) && (other.price !== v.price || other.compareAt !== v.compareAt));
    });
    if (changes) throw pricePermissionRequired();
  };

  const announce = async (trx: Db, before: ProductView | undefined, after: ProductView): Promise<void> => {
    await onChange(trx, {
      productIds: [after.id],
      categoryIds: unique([before?.categoryId, after.categoryId].filter((c): c is string => c !== undefined)),
      collectionIds: [],
      paths: unique([before ? `/p/${before.slug}` : undefined, `/p/${after.slug}`].filter((p): p is string => p !== undefined)),
    });
  };

  /** Writes the variants of a draft: removed ones deleted, kept ones updated, new ones inserted with their stock. */
  const writeVariants = async (trx: Db, actor: StaffPrincipal, productId: string, draft: ProductDraft, existing: ProductView['variants']): Promise<void> => {
    const kept = new Set(draft.variants.map((v) => v.id).filter((id): id is string => id !== undefined));
    await repo.deleteVariants(trx, existing.filter((v) => !kept.has(v.id)).map((v) => v.id));
    const renamed = draft.variants.filter((v) => v.id !== undefined && existing.find((e) => e.id === v.id)?.sku !== v.sku).map((v) => v.id!);
    await repo.parkSkus(trx, renamed);
    const opening: { variantId: string; productId: string; onHand: number }[] = [];
    for (const [position, v] of draft.variants.entries()) {
      const row = {
        sku: v.sku,
        title: variantTitle(draft.options, v.options),
        options: JSON.stringify(v.options),
        price_amount: v.price,
        compare_at_amount: v.compareAt,
        weight_grams: v.weightGrams,
        barcode: v.barcode,
        position,
      };
      if (v.id !== undefined) await repo.updateVariant(trx, v.id, row);
      else {
        const inserted = await repo.insertVariant(trx, { ...row, product_id: productId, currency });
        opening.push({ variantId: inserted.id, productId, onHand: v.initialStock ?? 0 });
      }
    }
    await inventory.openLevels(trx, opening, 'Opening balance', actor.userId);
  };

  /** Matches a draft's variants to the product's: by id, else by SKU; ids of another product are refused. */
  const matchVariants = (variants: VariantDraft[], existing: ProductView['variants']): VariantDraft[] => {
    const problems: FieldProblem[] = [];
    const matched = variants.map((v, i) => {
      if (v.id !== undefined) {
        if (!existing.some((e) => e.id === v.id)) problems.push({ field: `variants.${i}.id`, message: `Variant ${i + 1} is not a variant of this product` });
        return v;
      }
      const bySku = existing.find((e) => e.sku.toUpperCase() === v.sku.trim().toUpperCase());
      return bySku ? { ...v, id: bySku.id } : v;
    });
    if (problems.length > 0) throw productInvalid(problems);
    return matched;
  };

  const createIn: ProductWriteService['createIn'] = async (trx, actor, input, context) => {
    const { draft, problems } = normaliseDraft({ ...input, variants: input.variants.map(({ id: _id, ...v }) => v) });
    if (problems.length > 0) throw productInvalid(problems);
    checkPrices(actor, draft.variants, new Map());
    await checkReferences(trx, draft, undefined);
    const slug = await settleSlug(trx, draft, undefined, undefined);
    const at = now();
    const row = await repo.insertProduct(trx, {
      slug,
      name: draft.name,
      description: draft.description,
      description_html: renderMarkdown(draft.description),
      category_id: draft.categoryId,
      status: draft.status,
      featured: draft.featured,
      tags: draft.tags,
      options: JSON.stringify(draft.options),
      seo_title: draft.seoTitle,
      seo_description: draft.seoDescription,
      created_at: at,
      updated_at: at,
    });
    await dropRedirect(trx, 'product', slug);
    await writeVariants(trx, actor, row.id, draft, []);
    const after = await load(trx, row.id);
    await audit.record(trx, { actor: actorOf(actor), action: 'product.create', target: { type: 'product', id: row.id }, before: null, after: auditShape(after), ...context });
    await announce(trx, undefined, after);
    return after;
  };

  const updateIn: ProductWriteService['updateIn'] = async (trx, actor, id, patch, context) => {
    const locked = await repo.lockProduct(trx, id);
    if (!locked) throw productNotFound(id);
    const before = toView(locked, await repo.findVariantsOf(trx, id));
    const merged: ProductDraft = { ...draftOf(before), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    if (patch.variants !== undefined) merged.variants = matchVariants(patch.variants, before.variants);
    const { draft, problems } = normaliseDraft(merged);
    if (problems.length > 0) throw productInvalid(problems);
    checkPrices(actor, draft.variants, new Map(before.variants.map((v) => [v.id, v])));
    await checkReferences(trx, draft, id);
    const slug = await settleSlug(trx, draft, id, before.slug);
    await repo.updateProduct(trx, id, {
      slug,
      name: draft.name,
      description: draft.description,
      description_html: draft.description === before.description && locked.description_html !== '' ? locked.description_html : renderMarkdown(draft.description),
      category_id: draft.categoryId,
      status: draft.status,
      featured: draft.featured,
      tags: draft.tags,
      options: JSON.stringify(draft.options),
      seo_title: draft.seoTitle,
      seo_description: draft.seoDescription,
      updated_at: now(),
    });
    if (slug !== before.slug) {
      await recordSlugChange(trx, 'product', before.slug, id);
      await dropRedirect(trx, 'product', slug);
    }
    await writeVariants(trx, actor, id, draft, before.variants);
    const after = await load(trx, id);
    await audit.record(trx, { actor: actorOf(actor), action: 'product.update', target: { type: 'product', id }, before: auditShape(before), after: auditShape(after), ...context });
    await announce(trx, before, after);
    return after;
  };

  const service: ProductWriteService = {
    async list(query) {
      const [items, total, counts] = await Promise.all([
        repo.findAdminProducts(db, query),
        repo.countAdminProducts(db, query),
        repo.countByStatus(db, { ...(query.q !== undefined ? { q: query.q } : {}), ...(query.categoryId !== undefined ? { categoryId: query.categoryId } : {}) }),
      ]);
      return { items, total, counts: { ...counts, all: counts.active + counts.draft + counts.archived }, limit: query.limit, offset: query.offset };
    },

    get: (id) => load(db, id),
    getIn: load,

    categories: () => repo.findCategoryChoices(db),

    create: (actor, draft, context) => db.transaction().execute((trx) => createIn(trx, actor, draft, context)),

    update: (actor, id, patch, context) => db.transaction().execute((trx) => updateIn(trx, actor, id, patch, context)),

    archive: (actor, id, context) =>
      db.transaction().execute(async (trx) => {
        const locked = await repo.lockProduct(trx, id);
        if (!locked) throw productNotFound(id);
        const before = toView(locked, await repo.findVariantsOf(trx, id));
        if (before.status === 'archived') return before;
        await repo.updateStatuses(trx, [id], 'archived', now());
        const after = await load(trx, id);
        await audit.record(trx, { actor: actorOf(actor), action: 'product.archive', target: { type: 'product', id }, before: { status: before.status }, after: { status: after.status }, ...context });
        await announce(trx, before, after);
        return after;
      }),

    setStatus: (actor, ids, status, context) =>
      db.transaction().execute(async (trx) => {
        const rows = await repo.lockProducts(trx, unique([...ids]));
        const found = new Set(rows.map((r) => r.id));
        const changing = rows.filter((r) => r.status !== status);
        if (status === 'active') {
          const empty: FieldProblem[] = [];
          for (const r of changing) if ((await repo.findVariantsOf(trx, r.id)).length === 0) empty.push({ field: 'ids', message: `${r.name} has no variants yet, so it cannot be made active` });
          if (empty.length > 0) throw productInvalid(empty);
        }
        await repo.updateStatuses(trx, changing.map((r) => r.id), status, now());
        for (const r of changing) {
          await audit.record(trx, { actor: actorOf(actor), action: 'product.status_change', target: { type: 'product', id: r.id }, before: { status: r.status }, after: { status }, ...context });
        }
        if (changing.length > 0) {
          await onChange(trx, { productIds: changing.map((r) => r.id), categoryIds: unique(changing.map((r) => r.category_id)), collectionIds: [], paths: changing.map((r) => `/p/${r.slug}`) });
        }
        return {
          changed: changing.map((r) => r.id),
          unchanged: rows.filter((r) => r.status === status).map((r) => r.id),
          unknown: ids.filter((id) => !found.has(id)),
        };
      }),

    createIn,
    updateIn,

    async currentSlugFor(oldSlug) {
      const target = await findRedirectTarget(db, 'product', oldSlug);
      if (target === undefined) return undefined;
      const row = await repo.findProduct(db, target);
      return row !== undefined && row.status === 'active' && row.slug !== oldSlug ? row.slug : undefined;
    },
  };
  return service;
}
