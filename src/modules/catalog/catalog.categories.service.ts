import type { Db } from '../../db/database.js';
import type { Actor } from '../../kernel/request-context.js';
import type { AuditService } from '../audit/index.js';
import type { CatalogChangeListener } from './catalog.changes.js';
import { dropRedirect, findRedirectTarget, recordSlugChange } from './catalog.redirects.js';
import * as repo from './catalog.categories.repository.js';
import {
  categoryCycle,
  categoryHasChildren,
  categoryHasProducts,
  categoryIdNotFound,
  categoryOrderMismatch,
  categorySlugTaken,
  categoryTooDeep,
  invalidSlug,
  nameRequired,
} from './catalog.structure.errors.js';
import type { CategoryRow } from './catalog.tables.js';

/** Categories nest at most this many levels: a menu, a breadcrumb and a URL stay short. */
export const maxCategoryDepth = 3;

const slugPattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A URL slug from a name: "Linen & Cotton Shirts" → "linen-cotton-shirts". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

/** A checked slug: the one given, or one made from the name. */
export function slugOf(given: string | undefined, name: string): string {
  const slug = given !== undefined && given.trim() !== '' ? given.trim() : slugify(name);
  if (!slugPattern.test(slug) || slug.length > 120) throw invalidSlug();
  return slug;
}

/** Who made a staff change, with the request facts the audit trail keeps. */
export interface ChangedBy {
  actor: Actor;
  clientIp?: string | null;
  requestId?: string | null;
}

export interface CategoryNode {
  id: string;
  slug: string;
  name: string;
  description: string;
  seoTitle: string;
  seoDescription: string;
  parentId: string | null;
  position: number;
  /** 1 for a top-level category. */
  depth: number;
  /** Names from the top of the tree down to this one. */
  path: string[];
  productCount: number;
  children: CategoryNode[];
}

export interface CategoryInput {
  name: string;
  slug?: string | undefined;
  description?: string | undefined;
  seoTitle?: string | undefined;
  seoDescription?: string | undefined;
  parentId?: string | null | undefined;
}

export interface CategoryPatch extends Partial<CategoryInput> {
  /** The place among its siblings, from 0. */
  position?: number | undefined;
}

export interface CategoriesService {
  /** The whole tree: top-level categories in order, each with its children. */
  tree(): Promise<CategoryNode[]>;
  /** The same categories depth-first, parents before their children (for lists and pickers). */
  flat(): Promise<CategoryNode[]>;
  get(id: string): Promise<CategoryNode>;
  create(input: CategoryInput, by: ChangedBy): Promise<CategoryNode>;
  /** Renames, edits, moves (no cycles, at most three levels), reorders, changes the slug (old one redirects). */
  update(id: string, patch: CategoryPatch, by: ChangedBy): Promise<CategoryNode>;
  /** Sets the order of the categories under `parentId` (null: the top level); `ids` lists each of them once. */
  reorder(parentId: string | null, ids: readonly string[], by: ChangedBy): Promise<void>;
  /** Deletes a category without products and subcategories; its old slugs stop redirecting. */
  remove(id: string, by: ChangedBy): Promise<void>;
  /** The current slug of the category an old slug belonged to. */
  liveSlug(oldSlug: string): Promise<string | undefined>;
}

type Row = repo.CategoryWithCount | (CategoryRow & { product_count?: number });

/** Builds the tree from rows in display order. */
function buildTree(rows: readonly Row[]): { roots: CategoryNode[]; byId: Map<string, CategoryNode> } {
  const byId = new Map<string, CategoryNode>();
  for (const r of rows) {
    byId.set(r.id, {
      id: r.id,
      slug: r.slug,
      name: r.name,
      description: r.description,
      seoTitle: r.seo_title,
      seoDescription: r.seo_description,
      parentId: r.parent_id,
      position: r.position,
      depth: 1,
      path: [],
      productCount: r.product_count ?? 0,
      children: [],
    });
  }
  const roots: CategoryNode[] = [];
  for (const node of byId.values()) {
    const parent = node.parentId !== null ? byId.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const place = (nodes: CategoryNode[], depth: number, path: string[]) => {
    for (const n of nodes) {
      n.depth = depth;
      n.path = [...path, n.name];
      place(n.children, depth + 1, n.path);
    }
  };
  place(roots, 1, []);
  return { roots, byId };
}

function flatten(nodes: CategoryNode[]): CategoryNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/** Levels from this node down to its deepest descendant (1 for a leaf). */
const height = (node: CategoryNode): number => 1 + Math.max(0, ...node.children.map(height));

const auditView = (n: Pick<CategoryNode, 'name' | 'slug' | 'description' | 'seoTitle' | 'seoDescription' | 'parentId' | 'position'>) => ({
  name: n.name,
  slug: n.slug,
  description: n.description,
  seoTitle: n.seoTitle,
  seoDescription: n.seoDescription,
  parentId: n.parentId,
  position: n.position,
});

const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';

/**
 * The category tree for staff: every change runs in one transaction with the tree locked, is audited
 * with before and after, and calls the catalog's change listener with the categories and storefront
 * paths it touched. The storefront menu shows the top level, so a change there touches every page ('/*').
 */
export function createCategoriesService(deps: { db: Db; audit: AuditService; onChange?: CatalogChangeListener }): CategoriesService {
  const { db, audit } = deps;
  const notify = async (trx: Db, categoryIds: string[], paths: string[]) => {
    if (deps.onChange) await deps.onChange(trx, { productIds: [], categoryIds: [...new Set(categoryIds)], collectionIds: [], paths: [...new Set(paths)] });
  };
  const record = (trx: Db, by: ChangedBy, action: string, id: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null) =>
    audit.record(trx, { actor: by.actor, action, target: { type: 'category', id }, before, after, clientIp: by.clientIp ?? null, requestId: by.requestId ?? null });

  const lockedTree = async (trx: Db) => buildTree(await repo.lockTree(trx));

  /** Checks that `parentId` can hold `node` (null: the top level): it exists, no cycle, depth kept. */
  const checkPlace = (byId: Map<string, CategoryNode>, parentId: string | null, node: CategoryNode | undefined) => {
    if (parentId === null) return;
    const parent = byId.get(parentId);
    if (!parent) throw categoryIdNotFound();
    if (node) {
      for (let at: CategoryNode | undefined = parent; at; at = at.parentId ? byId.get(at.parentId) : undefined) if (at.id === node.id) throw categoryCycle();
    }
    if (parent.depth + (node ? height(node) : 1) > maxCategoryDepth) throw categoryTooDeep(maxCategoryDepth);
  };

  const siblingsOf = (roots: CategoryNode[], byId: Map<string, CategoryNode>, parentId: string | null) => (parentId === null ? roots : (byId.get(parentId)?.children ?? []));

  const withSlug = async <T>(slug: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (isUniqueViolation(err)) throw categorySlugTaken(slug);
      throw err;
    }
  };

  const service: CategoriesService = {
    async tree() {
      return buildTree(await repo.findAllCategories(db)).roots;
    },
    async flat() {
      return flatten(await service.tree());
    },
    async get(id) {
      const { byId } = buildTree(await repo.findAllCategories(db));
      const node = byId.get(id);
      if (!node) throw categoryIdNotFound();
      return node;
    },

    async create(input, by) {
      const name = input.name.trim();
      if (name === '') throw nameRequired();
      const slug = slugOf(input.slug, name);
      const parentId = input.parentId ?? null;
      const id = await withSlug(slug, () =>
        db.transaction().execute(async (trx) => {
          const { byId } = await lockedTree(trx);
          checkPlace(byId, parentId, undefined);
          const row = await repo.insertCategoryRow(trx, {
            name,
            slug,
            description: input.description?.trim() ?? '',
            seo_title: input.seoTitle?.trim() ?? '',
            seo_description: input.seoDescription?.trim() ?? '',
            parent_id: parentId,
            position: await repo.nextCategoryPosition(trx, parentId),
          });
          await dropRedirect(trx, 'category', slug);
          await record(trx, by, 'category.create', row.id, null, auditView(buildTree([row]).roots[0]!));
          await notify(trx, [row.id, ...(parentId ? [parentId] : [])], ['/', `/c/${slug}`, ...(parentId === null ? ['/*'] : [])]);
          return row.id;
        }),
      );
      return service.get(id);
    },

    async update(id, patch, by) {
      await withSlug(patch.slug ?? '', () =>
        db.transaction().execute(async (trx) => {
          const { roots, byId } = await lockedTree(trx);
          const node = byId.get(id);
          if (!node) throw categoryIdNotFound();
          const before = auditView(node);
          const name = patch.name !== undefined ? patch.name.trim() : node.name;
          if (name === '') throw nameRequired();
          const slug = patch.slug !== undefined ? slugOf(patch.slug, name) : node.slug;
          const parentId = patch.parentId !== undefined ? patch.parentId : node.parentId;
          const moved = parentId !== node.parentId;
          if (moved) checkPlace(byId, parentId, node);
          const row = await repo.updateCategoryRow(trx, id, {
            name,
            slug,
            parent_id: parentId,
            ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
            ...(patch.seoTitle !== undefined ? { seo_title: patch.seoTitle.trim() } : {}),
            ...(patch.seoDescription !== undefined ? { seo_description: patch.seoDescription.trim() } : {}),
            ...(moved ? { position: await repo.nextCategoryPosition(trx, parentId) } : {}),
          });
          if (patch.position !== undefined || moved) {
            const siblings = siblingsOf(roots, byId, parentId)
              .map((s) => s.id)
              .filter((s) => s !== id);
            siblings.splice(Math.min(Math.max(0, patch.position ?? siblings.length), siblings.length), 0, id);
            await repo.updateCategoryPositions(trx, siblings);
          }
          const paths = ['/', `/c/${slug}`];
          if (slug !== node.slug) {
            await recordSlugChange(trx, 'category', node.slug, id);
            await dropRedirect(trx, 'category', slug);
            paths.push(`/c/${node.slug}`);
          }
          const after = auditView({ ...before, name: row.name, slug: row.slug, description: row.description, seoTitle: row.seo_title, seoDescription: row.seo_description, parentId: row.parent_id, position: (await repo.findCategoryById(trx, id))!.position });
          // The menu shows the top level on every page; a subtree that moved takes its products' category paths along.
          if (node.parentId === null || parentId === null) paths.push('/*');
          const touched = moved ? [id, ...flatten(node.children).map((c) => c.id), ...(node.parentId ? [node.parentId] : []), ...(parentId ? [parentId] : [])] : [id];
          await record(trx, by, moved ? 'category.move' : 'category.update', id, before, after);
          await notify(trx, touched, paths);
        }),
      );
      return service.get(id);
    },

    async reorder(parentId, ids, by) {
      await db.transaction().execute(async (trx) => {
        const { roots, byId } = await lockedTree(trx);
        if (parentId !== null && !byId.has(parentId)) throw categoryIdNotFound();
        const siblings = siblingsOf(roots, byId, parentId);
        const current = siblings.map((s) => s.id);
        if (ids.length !== current.length || new Set(ids).size !== ids.length || !ids.every((i) => current.includes(i))) throw categoryOrderMismatch();
        await repo.updateCategoryPositions(trx, ids);
        await audit.record(trx, {
          actor: by.actor,
          action: 'category.reorder',
          target: parentId ? { type: 'category', id: parentId } : null,
          before: { order: current.map((i) => byId.get(i)!.slug) },
          after: { order: ids.map((i) => byId.get(i)!.slug) },
          clientIp: by.clientIp ?? null,
          requestId: by.requestId ?? null,
        });
        await notify(trx, [...ids, ...(parentId ? [parentId] : [])], ['/', ...(parentId === null ? ['/*'] : [`/c/${byId.get(parentId)!.slug}`])]);
      });
    },

    async remove(id, by) {
      await db.transaction().execute(async (trx) => {
        const { byId } = await lockedTree(trx);
        const node = byId.get(id);
        if (!node) throw categoryIdNotFound();
        const products = await repo.countProductsInCategory(trx, id);
        if (products > 0) throw categoryHasProducts(products);
        if (node.children.length > 0) throw categoryHasChildren(node.children.length);
        await repo.deleteCategoryRow(trx, id);
        await record(trx, by, 'category.delete', id, auditView(node), null);
        await notify(trx, [id, ...(node.parentId ? [node.parentId] : [])], ['/', `/c/${node.slug}`, ...(node.parentId === null ? ['/*'] : [])]);
      });
    },

    async liveSlug(oldSlug) {
      const target = await findRedirectTarget(db, 'category', oldSlug);
      if (target === undefined) return undefined;
      return (await repo.findCategoryById(db, target))?.slug;
    },
  };
  return service;
}
