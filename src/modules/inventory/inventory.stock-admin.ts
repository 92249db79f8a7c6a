import type { Db } from '../../db/database.js';
import type { Actor } from '../../kernel/request-context.js';
import type { AuditService } from '../audit/index.js';
import * as repo from './inventory.repository.js';
import { toLevel, type InventoryService, type Level, type Movement } from './inventory.service.js';

/** What the catalog says about a variant, for the stock pages. */
export interface VariantInfo {
  variantId: string;
  productId: string;
  productName: string;
  productSlug: string;
  sku: string;
  title: string;
}

/**
 * The catalog's side of the stock pages (the inventory never reads the catalog's tables): names and SKUs
 * of variants, and the variants a search by SKU or product name finds.
 */
export interface VariantDirectory {
  describe(variantIds: readonly string[]): Promise<Map<string, VariantInfo>>;
  /** Ids of variants whose SKU or product name matches `q`, at most `limit`. */
  search(q: string, limit: number): Promise<string[]>;
}

/** Who made a staff change, with the request facts the audit trail keeps. */
export interface ChangedBy {
  actor: Actor;
  clientIp?: string | null;
  requestId?: string | null;
}

export type StockFilter = repo.StockFilter;

export interface StockRow extends Level {
  variant: VariantInfo | null;
}

export interface StockListQuery {
  filter: StockFilter;
  q?: string | undefined;
  productId?: string | undefined;
  limit: number;
  offset: number;
}

export interface StockAdmin {
  list(query: StockListQuery): Promise<{ items: StockRow[]; total: number; counts: { low: number; soldOut: number } }>;
  /** One variant's level, what the catalog calls it, and its ledger (newest first). */
  variant(variantId: string, page?: { limit: number; offset: number }): Promise<{ row: StockRow; movements: Movement[]; total: number }>;
  /** A staff adjustment: the level change, its ledger entry and its audit event in one transaction. */
  adjust(variantId: string, change: { delta: number; reason: string }, by: ChangedBy): Promise<{ before: Level; after: Level }>;
  setThreshold(variantId: string, threshold: number, by: ChangedBy): Promise<{ before: Level; after: Level }>;
}

/** How many variants a search by SKU or name may match before the list says "refine your search". */
export const searchCap = 500;

/** The back office's stock operations: a list with filters, a ledger per variant, audited adjustments. */
export function createStockAdmin(deps: { db: Db; inventory: InventoryService; audit: AuditService; variants: VariantDirectory }): StockAdmin {
  const { db, inventory, audit, variants } = deps;
  const withVariants = async (levels: Level[]): Promise<StockRow[]> => {
    const info = await variants.describe(levels.map((l) => l.variantId));
    return levels.map((l) => ({ ...l, variant: info.get(l.variantId) ?? null }));
  };
  const record = (trx: Db, by: ChangedBy, action: string, variantId: string, before: Level, after: Level, extra: Record<string, unknown> = {}) =>
    audit.record(trx, {
      actor: by.actor,
      action,
      target: { type: 'variant', id: variantId },
      before: { onHand: before.onHand, reserved: before.reserved, lowStockThreshold: before.lowStockThreshold },
      after: { onHand: after.onHand, reserved: after.reserved, lowStockThreshold: after.lowStockThreshold, ...extra },
      clientIp: by.clientIp ?? null,
      requestId: by.requestId ?? null,
    });

  return {
    async list(query) {
      const q = query.q?.trim();
      const variantIds = q ? await variants.search(q, searchCap) : undefined;
      const [page, counts] = await Promise.all([
        repo.findLevelsPage(db, {
          filter: query.filter,
          limit: query.limit,
          offset: query.offset,
          ...(query.productId !== undefined ? { productId: query.productId } : {}),
          ...(variantIds !== undefined ? { variantIds } : {}),
        }),
        repo.countAttention(db),
      ]);
      return { items: await withVariants(page.rows.map(toLevel)), total: page.total, counts };
    },

    async variant(variantId, page = { limit: 100, offset: 0 }) {
      const level = await inventory.level(variantId);
      const [[row], ledger] = await Promise.all([withVariants([level]), inventory.movements(variantId, page)]);
      return { row: row!, movements: ledger.items, total: ledger.total };
    },

    adjust: (variantId, change, by) =>
      db.transaction().execute(async (trx) => {
        const after = await inventory.adjust(trx, { variantId, delta: change.delta, reason: change.reason, actor: by.actor.id ?? null });
        // Derived from the conditional update's result, so a concurrent change cannot skew "before".
        const before: Level = { ...after, onHand: after.onHand - change.delta, available: after.available - change.delta };
        await record(trx, by, 'inventory.adjust', variantId, before, after, { reason: change.reason.trim() });
        return { before, after };
      }),

    setThreshold: (variantId, threshold, by) =>
      db.transaction().execute(async (trx) => {
        const before = await inventory.level(variantId, trx);
        const after = await inventory.setLowStockThreshold(trx, variantId, threshold, by.actor.id ?? null);
        await record(trx, by, 'inventory.threshold', variantId, before, after);
        return { before, after };
      }),
  };
}
