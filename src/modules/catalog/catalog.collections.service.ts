import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import { slugOf, type ChangedBy } from './catalog.categories.service.js';
import type { CatalogChangeListener } from './catalog.changes.js';
import { renderMarkdown } from './catalog.markdown.js';
import { dropRedirect, findRedirectTarget, recordSlugChange } from './catalog.redirects.js';
import * as repo from './catalog.collections.repository.js';
import { collectionNotFound, collectionSlugTaken, invalidRules, nameRequired, unknownProducts } from './catalog.structure.errors.js';
import type { CollectionRule, CollectionRules } from './catalog.tables.js';

export type CollectionKind = 'manual' | 'rule';

/** A collection as staff edit it. */
export interface Collection {
  id: string;
  slug: string;
  title: string;
  /** Markdown source, and the sanitised HTML made from it on write. */
  description: string;
  descriptionHtml: string;
  kind: CollectionKind;
  rules: CollectionRules;
  published: boolean;
  seoTitle: string;
  seoDescription: string;
  /** Hand-picked products in order (empty for a rule-based collection). */
  products: { id: string; slug: string; name: string; status: string }[];
  productCount: number;
  updatedAt: Date;
}

/** What the public API shows of a published collection: its definition, not its products. */
export interface PublicCollection {
  slug: string;
  title: string;
  descriptionHtml: string;
  seoTitle: string;
  seoDescription: string;
}

/**
 * What the search indexer needs to compute membership: a manual collection's products in order, or a
 * rule collection's rules (category rules name a category id and match products in it or below it;
 * price rules compare the cheapest variant's price in minor units; on_sale means a compare-at price above
 * the price).
 */
export interface CollectionDefinition {
  id: string;
  slug: string;
  kind: CollectionKind;
  rules: CollectionRules;
  productIds: string[];
  published: boolean;
}

export interface CollectionInput {
  title: string;
  slug?: string | undefined;
  description?: string | undefined;
  kind: CollectionKind;
  rules?: CollectionRules | undefined;
  /** Hand-picked products by slug or SKU, in order. */
  products?: string[] | undefined;
  published?: boolean | undefined;
  seoTitle?: string | undefined;
  seoDescription?: string | undefined;
}

export type CollectionPatch = Partial<CollectionInput>;

export interface CollectionsService {
  list(): Promise<Collection[]>;
  get(id: string): Promise<Collection>;
  create(input: CollectionInput, by: ChangedBy): Promise<Collection>;
  update(id: string, patch: CollectionPatch, by: ChangedBy): Promise<Collection>;
  remove(id: string, by: ChangedBy): Promise<void>;
  /** Published collections for the public API. */
  published(): Promise<PublicCollection[]>;
  /** A published collection by slug; `moved` names the current slug when an old one was asked for. */
  publishedBySlug(slug: string): Promise<{ collection: PublicCollection } | { moved: string }>;
  collectionDefinitions(): Promise<CollectionDefinition[]>;
}

const maxRules = 20;
const maxProducts = 500;
const emptyRules: CollectionRules = { match: 'all', rules: [] };
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a rule set's shape beyond what the schema says (which field takes which operator and value). */
export function checkRules(rules: CollectionRules): CollectionRules {
  if (rules.match !== 'all' && rules.match !== 'any') throw invalidRules('Match "all" or "any" of the rules.');
  if (rules.rules.length > maxRules) throw invalidRules(`A collection has at most ${maxRules} rules.`);
  const checked: CollectionRule[] = rules.rules.map((rule, i) => {
    const where = `Rule ${i + 1}`;
    switch (rule.field) {
      case 'category':
        if (rule.op !== 'eq' || typeof rule.value !== 'string' || !uuidPattern.test(rule.value)) throw invalidRules(`${where}: choose a category.`);
        return { field: 'category', op: 'eq', value: rule.value.toLowerCase() };
      case 'tag':
        if (rule.op !== 'eq' || typeof rule.value !== 'string' || rule.value.trim() === '' || rule.value.length > 60) throw invalidRules(`${where}: enter a tag of 1 to 60 characters.`);
        return { field: 'tag', op: 'eq', value: rule.value.trim() };
      case 'price':
        if (!['lt', 'lte', 'gt', 'gte'].includes(rule.op)) throw invalidRules(`${where}: compare the price with less than, at most, more than or at least.`);
        if (typeof rule.value !== 'number' || !Number.isSafeInteger(rule.value) || rule.value < 0) throw invalidRules(`${where}: the price is a whole number of minor units (pence, cents) from 0.`);
        return { field: 'price', op: rule.op, value: rule.value };
      case 'on_sale':
        if (rule.op !== 'eq' || typeof rule.value !== 'boolean') throw invalidRules(`${where}: on sale is yes or no.`);
        return { field: 'on_sale', op: 'eq', value: rule.value };
      default:
        throw invalidRules(`${where}: a rule is about a category, a tag, the price or being on sale.`);
    }
  });
  return { match: rules.match, rules: checked };
}

const auditView = (c: { title: string; slug: string; description: string; kind: string; rules: CollectionRules; published: boolean; seo_title: string; seo_description: string }, productIds: string[]) => ({
  title: c.title,
  slug: c.slug,
  description: c.description,
  kind: c.kind,
  rules: JSON.stringify(c.rules),
  published: c.published,
  seoTitle: c.seo_title,
  seoDescription: c.seo_description,
  products: productIds.join(','),
});

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';

/**
 * Collections for staff and their public definitions. Each write runs in one transaction, is audited with
 * before and after, keeps old slugs redirecting, and calls the change listener with the collection, its
 * hand-picked products and the paths it touched.
 */
export function createCollectionsService(deps: { db: Db; audit: AuditService; onChange?: CatalogChangeListener }): CollectionsService {
  const { db, audit } = deps;

  const resolveProducts = async (trx: Db, refs: readonly string[]): Promise<string[]> => {
    const cleaned = [...new Set(refs.map((r) => r.trim()).filter((r) => r !== ''))];
    if (cleaned.length > maxProducts) throw invalidRules(`A hand-picked collection holds at most ${maxProducts} products.`);
    const found = await repo.findProductsByRef(trx, cleaned);
    const missing = cleaned.filter((r) => !found.has(r));
    if (missing.length > 0) throw unknownProducts(missing);
    return [...new Set(cleaned.map((r) => found.get(r)!))];
  };

  const checkedRules = async (trx: Db, rules: CollectionRules) => {
    const checked = checkRules(rules);
    const categoryIds = checked.rules.filter((r) => r.field === 'category').map((r) => String(r.value));
    const existing = await repo.categoryIdsExist(trx, categoryIds);
    if (categoryIds.some((c) => !existing.has(c))) throw invalidRules('A category rule names a category that does not exist.');
    return checked;
  };

  const toCollection = async (row: NonNullable<Awaited<ReturnType<typeof repo.findCollectionById>>>, from: Db = db): Promise<Collection> => {
    const products = await repo.findCollectionProducts(from, row.id);
    return {
      id: row.id,
      slug: row.slug,
      title: row.title,
      description: row.description,
      descriptionHtml: row.description_html,
      kind: row.kind,
      rules: row.rules,
      published: row.published,
      seoTitle: row.seo_title,
      seoDescription: row.seo_description,
      products,
      productCount: products.length,
      updatedAt: row.updated_at,
    };
  };

  const toPublic = (row: { slug: string; title: string; description_html: string; seo_title: string; seo_description: string }): PublicCollection => ({
    slug: row.slug,
    title: row.title,
    descriptionHtml: row.description_html,
    seoTitle: row.seo_title,
    seoDescription: row.seo_description,
  });

  const notify = async (trx: Db, id: string, productIds: string[], slugs: string[]) => {
    if (deps.onChange) await deps.onChange(trx, { productIds: [...new Set(productIds)], categoryIds: [], collectionIds: [id], paths: [...new Set(slugs.map((s) => `/collections/${s}`))] });
  };

  const withSlug = async <T>(slug: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (isUniqueViolation(err)) throw collectionSlugTaken(slug);
      throw err;
    }
  };

  const service: CollectionsService = {
    async list() {
      const rows = await repo.findCollections(db, false);
      return rows.map((r) => ({
        id: r.id,
        slug: r.slug,
        title: r.title,
        description: r.description,
        descriptionHtml: r.description_html,
        kind: r.kind,
        rules: r.rules,
        published: r.published,
        seoTitle: r.seo_title,
        seoDescription: r.seo_description,
        products: [],
        productCount: r.product_count,
        updatedAt: r.updated_at,
      }));
    },

    async get(id) {
      const row = await repo.findCollectionById(db, id);
      if (!row) throw collectionNotFound(id);
      return toCollection(row);
    },

    async create(input, by) {
      const title = input.title.trim();
      if (title === '') throw nameRequired();
      const slug = slugOf(input.slug, title);
      const id = await withSlug(slug, () =>
        db.transaction().execute(async (trx) => {
          const rules = input.kind === 'rule' ? await checkedRules(trx, input.rules ?? emptyRules) : emptyRules;
          const productIds = input.kind === 'manual' ? await resolveProducts(trx, input.products ?? []) : [];
          const description = input.description?.trim() ?? '';
          const row = {
            slug,
            title,
            description,
            description_html: renderMarkdown(description),
            kind: input.kind,
            rules: JSON.stringify(rules),
            published: input.published ?? false,
            seo_title: input.seoTitle?.trim() ?? '',
            seo_description: input.seoDescription?.trim() ?? '',
          };
          const newId = await repo.insertCollectionRow(trx, { ...row, position: await repo.nextCollectionPosition(trx) });
          await repo.replaceCollectionProducts(trx, newId, productIds);
          await dropRedirect(trx, 'collection', slug);
          await audit.record(trx, {
            actor: by.actor,
            action: 'collection.create',
            target: { type: 'collection', id: newId },
            before: null,
            after: auditView({ ...row, rules }, productIds),
            clientIp: by.clientIp ?? null,
            requestId: by.requestId ?? null,
          });
          await notify(trx, newId, productIds, [slug]);
          return newId;
        }),
      );
      return service.get(id);
    },

    async update(id, patch, by) {
      await withSlug(patch.slug ?? '', () =>
        db.transaction().execute(async (trx) => {
          const current = await repo.lockCollection(trx, id);
          if (!current) throw collectionNotFound(id);
          const currentProducts = (await repo.findCollectionProducts(trx, id)).map((p) => p.id);
          const title = patch.title !== undefined ? patch.title.trim() : current.title;
          if (title === '') throw nameRequired();
          const slug = patch.slug !== undefined ? slugOf(patch.slug, title) : current.slug;
          const kind = patch.kind ?? current.kind;
          const rules = kind === 'rule' ? (patch.rules !== undefined ? await checkedRules(trx, patch.rules) : current.kind === 'rule' ? current.rules : emptyRules) : emptyRules;
          const productIds = kind === 'manual' ? (patch.products !== undefined ? await resolveProducts(trx, patch.products) : current.kind === 'manual' ? currentProducts : []) : [];
          const description = patch.description !== undefined ? patch.description.trim() : current.description;
          const next = {
            slug,
            title,
            description,
            description_html: patch.description !== undefined ? renderMarkdown(description) : current.description_html,
            kind,
            rules,
            published: patch.published ?? current.published,
            seo_title: patch.seoTitle !== undefined ? patch.seoTitle.trim() : current.seo_title,
            seo_description: patch.seoDescription !== undefined ? patch.seoDescription.trim() : current.seo_description,
          };
          await repo.updateCollectionRow(trx, id, { ...next, rules: JSON.stringify(rules) });
          await repo.replaceCollectionProducts(trx, id, productIds);
          if (slug !== current.slug) {
            await recordSlugChange(trx, 'collection', current.slug, id);
            await dropRedirect(trx, 'collection', slug);
          }
          await audit.record(trx, {
            actor: by.actor,
            action: 'collection.update',
            target: { type: 'collection', id },
            before: auditView(current, currentProducts),
            after: auditView(next, productIds),
            clientIp: by.clientIp ?? null,
            requestId: by.requestId ?? null,
          });
          await notify(trx, id, [...currentProducts, ...productIds], [current.slug, slug]);
        }),
      );
      return service.get(id);
    },

    async remove(id, by) {
      await db.transaction().execute(async (trx) => {
        const current = await repo.lockCollection(trx, id);
        if (!current) throw collectionNotFound(id);
        const products = (await repo.findCollectionProducts(trx, id)).map((p) => p.id);
        await repo.deleteCollectionRow(trx, id);
        await audit.record(trx, {
          actor: by.actor,
          action: 'collection.delete',
          target: { type: 'collection', id },
          before: auditView(current, products),
          after: null,
          clientIp: by.clientIp ?? null,
          requestId: by.requestId ?? null,
        });
        await notify(trx, id, products, [current.slug]);
      });
    },

    async published() {
      return (await repo.findCollections(db, true)).map(toPublic);
    },

    async publishedBySlug(slug) {
      const row = await repo.findCollectionBySlug(db, slug, true);
      if (row) return { collection: toPublic(row) };
      const target = await findRedirectTarget(db, 'collection', slug);
      const moved = target !== undefined ? await repo.findCollectionById(db, target) : undefined;
      if (moved?.published) return { moved: moved.slug };
      throw collectionNotFound(slug);
    },

    async collectionDefinitions() {
      const rows = await repo.findDefinitions(db);
      return rows.map((r) => ({ id: r.id, slug: r.slug, kind: r.kind, rules: r.rules, productIds: r.product_ids, published: r.published }));
    },
  };
  return service;
}
