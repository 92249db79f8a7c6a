import type { Insertable, RawBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import { belowZero, invalidQuantity, notReserved, OutOfStockError, reasonRequired, variantWithoutStock } from './inventory.errors.js';
import * as repo from './inventory.repository.js';
import type { InventoryLevelRow, InventoryMovementRow, InventoryMovementTable, MovementKind } from './inventory.tables.js';

export type StockLevel = 'in_stock' | 'low_stock' | 'sold_out';

export interface VariantStock {
  available: number;
  level: StockLevel;
}

/** One variant's stock as staff and the checkout see it. */
export interface Level {
  variantId: string;
  productId: string;
  onHand: number;
  reserved: number;
  /** on hand minus reserved: what can still be sold. */
  available: number;
  lowStockThreshold: number;
  level: StockLevel;
}

/** A line of an order or cart: so many units of one variant. */
export interface StockLine {
  variantId: string;
  quantity: number;
}

/** One entry of the ledger: what changed, the values after it, and why. */
export interface Movement {
  id: string;
  variantId: string;
  kind: MovementKind;
  onHandDelta: number;
  reservedDelta: number;
  onHandAfter: number;
  reservedAfter: number;
  reason: string;
  reference: string | null;
  actor: string | null;
  createdAt: Date;
}

export interface Adjustment {
  variantId: string;
  /** Units added (positive) or removed (negative); never zero. */
  delta: number;
  /** Why, in words staff will read later in the ledger ("Stock count", "Damaged"). Required. */
  reason: string;
  /** Who: a staff user id, "import", "system". */
  actor: string | null;
  reference?: string | null;
}

/**
 * Called inside the transaction of every change of levels, with the products whose stock changed, so
 * what follows (search index, caches) is written as outbox jobs with the change.
 */
export type LevelsChangedListener = (trx: Db, productIds: string[]) => Promise<void>;

export interface InventoryService {
  /** Opens levels for new variants inside the caller's transaction. */
  openLevels(trx: Db, levels: repo.OpeningLevel[], reason: string, actor?: string): Promise<void>;
  /**
   * Stock of a variant named by another module's statement: a scalar sub-select to embed (so a page or a
   * quote reads variants and their stock in one round trip; no level reads as sold out), and how to read
   * the cell it yields.
   */
  variantStockSql: (variantId: RawBuilder<unknown>) => RawBuilder<repo.StockCell | null>;
  stockOf(cell: repo.StockCell | null): VariantStock;
  /** Stock summed over each named product's variants. */
  productStock(productIds: readonly string[]): Promise<Map<string, VariantStock>>;
  /** One variant's level; INVENTORY_VARIANT_NOT_FOUND when it has none. */
  level(variantId: string, db?: Db): Promise<Level>;
  /**
   * Adds or removes units by hand, with a reason. Refuses (INVENTORY_BELOW_ZERO, nothing changed) to
   * remove more than is available: reserved units belong to orders.
   */
  adjust(trx: Db, adjustment: Adjustment): Promise<Level>;
  /**
   * Reserves every line or throws OutOfStockError (INVENTORY_OUT_OF_STOCK) naming the first variant that
   * cannot be reserved; the caller's transaction must then roll back (lines already reserved in it go with it).
   */
  reserve(trx: Db, lines: readonly StockLine[], reference: string, actor?: string | null): Promise<Level[]>;
  /** Reserved units leave the shop: on hand and reserved both go down (an order is paid or shipped). */
  commitSale(trx: Db, lines: readonly StockLine[], reference: string, actor?: string | null): Promise<Level[]>;
  /** Reserved units go back on sale (an order cancelled, a cart expired). */
  release(trx: Db, lines: readonly StockLine[], reference: string, actor?: string | null): Promise<Level[]>;
  /** Sold units come back on hand (a return received). */
  returnToStock(trx: Db, lines: readonly StockLine[], reference: string, actor?: string | null, reason?: string): Promise<Level[]>;
  /** At or below this many available, the storefront says "Only N left". Written to the ledger too. */
  setLowStockThreshold(trx: Db, variantId: string, threshold: number, actor: string | null): Promise<Level>;
  /** A variant's ledger, newest first: the story of its level. */
  movements(variantId: string, page?: { limit: number; offset: number }, db?: Db): Promise<{ items: Movement[]; total: number }>;
}

/** "Sold out" at zero, "only N left" at or below the variant's threshold. */
export function stockLevel(available: number, lowStockThreshold: number): StockLevel {
  if (available <= 0) return 'sold_out';
  return available <= lowStockThreshold ? 'low_stock' : 'in_stock';
}

export function toLevel(row: InventoryLevelRow): Level {
  const available = row.on_hand - row.reserved;
  return {
    variantId: row.variant_id,
    productId: row.product_id,
    onHand: row.on_hand,
    reserved: row.reserved,
    available,
    lowStockThreshold: row.low_stock_threshold,
    level: stockLevel(available, row.low_stock_threshold),
  };
}

function toMovement(row: InventoryMovementRow): Movement {
  return {
    id: row.id,
    variantId: row.variant_id,
    kind: row.kind,
    onHandDelta: row.on_hand_delta,
    reservedDelta: row.reserved_delta,
    onHandAfter: row.on_hand_after,
    reservedAfter: row.reserved_after,
    reason: row.reason,
    reference: row.reference,
    actor: row.actor,
    createdAt: row.created_at,
  };
}

/** Equal variants merged, in a fixed order, so two transactions lock rows in the same order (no deadlock). */
function normalise(lines: readonly StockLine[]): StockLine[] {
  const sums = new Map<string, number>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw invalidQuantity('Each line needs a whole, positive quantity.');
    sums.set(line.variantId, (sums.get(line.variantId) ?? 0) + line.quantity);
  }
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([variantId, quantity]) => ({ variantId, quantity }));
}

const movementOf = (row: InventoryLevelRow, kind: MovementKind, onHandDelta: number, reservedDelta: number, reason: string, reference: string | null, actor: string | null): Insertable<InventoryMovementTable> => ({
  variant_id: row.variant_id,
  kind,
  on_hand_delta: onHandDelta,
  reserved_delta: reservedDelta,
  on_hand_after: row.on_hand,
  reserved_after: row.reserved,
  reason,
  reference,
  actor,
});

/**
 * Stock per variant and its ledger. Every change takes the caller's transaction, is a conditional update
 * (so no count ever goes below zero, whatever runs at the same time), writes a movement with the values
 * after it, and tells `onLevelsChanged` which products changed.
 */
export function createInventoryService(deps: { db: Db; onLevelsChanged?: LevelsChangedListener }): InventoryService {
  const { db } = deps;
  const changed = async (trx: Db, rows: InventoryLevelRow[]) => {
    if (deps.onLevelsChanged && rows.length > 0) await deps.onLevelsChanged(trx, [...new Set(rows.map((r) => r.product_id))]);
  };

  /** Applies one conditional update per line; a line it cannot apply ends the whole call with `refuse`. */
  const applyLines = async (
    trx: Db,
    lines: readonly StockLine[],
    update: (trx: Db, variantId: string, quantity: number) => Promise<InventoryLevelRow | undefined>,
    refuse: (line: StockLine, current: InventoryLevelRow) => Error,
    movement: (row: InventoryLevelRow, quantity: number) => Insertable<InventoryMovementTable>,
  ): Promise<Level[]> => {
    const merged = normalise(lines);
    const rows: InventoryLevelRow[] = [];
    for (const line of merged) {
      const row = await update(trx, line.variantId, line.quantity);
      if (row === undefined) {
        const current = await repo.findLevel(trx, line.variantId);
        if (current === undefined) throw variantWithoutStock(line.variantId);
        throw refuse(line, current);
      }
      rows.push(row);
    }
    await repo.insertMovements(
      trx,
      rows.map((row, i) => movement(row, merged[i]!.quantity)),
    );
    await changed(trx, rows);
    return rows.map(toLevel);
  };

  const outOfStock = (line: StockLine, current: InventoryLevelRow) => new OutOfStockError(line.variantId, line.quantity, current.on_hand - current.reserved);
  const unreserved = (line: StockLine, current: InventoryLevelRow) => notReserved(line.variantId, line.quantity, current.reserved);

  return {
    async openLevels(trx, levels, reason, actor) {
      await repo.insertLevels(trx, levels, reason, actor ?? null);
      if (deps.onLevelsChanged && levels.length > 0) await deps.onLevelsChanged(trx, [...new Set(levels.map((l) => l.productId))]);
    },

    variantStockSql: repo.variantStockSql,

    stockOf(cell) {
      const available = cell ? cell.available : 0;
      return { available, level: stockLevel(available, cell?.low_stock_threshold ?? 0) };
    },

    async productStock(productIds) {
      const rows = await repo.findAvailableByProduct(db, productIds);
      const byId = new Map(rows.map((r) => [r.product_id, r]));
      return new Map(
        productIds.map((id) => {
          const row = byId.get(id);
          const available = row?.available ?? 0;
          return [id, { available, level: stockLevel(available, row?.low_stock_threshold ?? 0) }];
        }),
      );
    },

    async level(variantId, from = db) {
      const row = await repo.findLevel(from, variantId);
      if (row === undefined) throw variantWithoutStock(variantId);
      return toLevel(row);
    },

    async adjust(trx, adjustment) {
      const reason = adjustment.reason.trim();
      if (reason === '') throw reasonRequired();
      if (!Number.isSafeInteger(adjustment.delta) || adjustment.delta === 0) throw invalidQuantity('Add or remove a whole number of units, not zero.');
      const row = await repo.updateOnHand(trx, adjustment.variantId, adjustment.delta);
      if (row === undefined) {
        const current = await repo.findLevel(trx, adjustment.variantId);
        if (current === undefined) throw variantWithoutStock(adjustment.variantId);
        throw belowZero(adjustment.delta, current.on_hand - current.reserved);
      }
      await repo.insertMovements(trx, [movementOf(row, 'adjustment', adjustment.delta, 0, reason, adjustment.reference ?? null, adjustment.actor)]);
      await changed(trx, [row]);
      return toLevel(row);
    },

    reserve: (trx, lines, reference, actor = null) =>
      applyLines(trx, lines, repo.updateReserve, outOfStock, (row, q) => movementOf(row, 'reservation', 0, q, 'Reserved', reference, actor)),

    commitSale: (trx, lines, reference, actor = null) =>
      applyLines(trx, lines, repo.updateCommitSale, unreserved, (row, q) => movementOf(row, 'sale', -q, -q, 'Sold', reference, actor)),

    release: (trx, lines, reference, actor = null) =>
      applyLines(trx, lines, repo.updateRelease, unreserved, (row, q) => movementOf(row, 'release', 0, -q, 'Released', reference, actor)),

    returnToStock: (trx, lines, reference, actor = null, reason = 'Returned') =>
      applyLines(
        trx,
        lines,
        (t, variantId, quantity) => repo.updateOnHand(t, variantId, quantity),
        (line) => variantWithoutStock(line.variantId),
        (row, q) => movementOf(row, 'return', q, 0, reason, reference, actor),
      ),

    async setLowStockThreshold(trx, variantId, threshold, actor) {
      if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > 1_000_000) throw invalidQuantity('The low-stock threshold is a whole number from 0.');
      const before = await repo.lockLevel(trx, variantId);
      if (before === undefined) throw variantWithoutStock(variantId);
      const row = (await repo.updateThreshold(trx, variantId, threshold))!;
      // The ledger explains what staff saw: a level that turned "low" because the line moved is in it too.
      await repo.insertMovements(trx, [movementOf(row, 'adjustment', 0, 0, `Low-stock threshold ${before.low_stock_threshold} → ${threshold}`, null, actor)]);
      await changed(trx, [row]);
      return toLevel(row);
    },

    async movements(variantId, page = { limit: 50, offset: 0 }, from = db) {
      const { rows, total } = await repo.findMovements(from, variantId, page.limit, page.offset);
      return { items: rows.map(toMovement), total };
    },
  };
}
