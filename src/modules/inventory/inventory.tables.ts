import type { Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../../db/columns.js';

/** The inventory module's tables, by name; db/schema.ts composes every module's. */
export interface InventoryTables {
  inventory_level: InventoryLevelTable;
  inventory_movement: InventoryMovementTable;
}

export interface InventoryLevelTable {
  variant_id: string;
  product_id: string;
  on_hand: number;
  reserved: number;
  low_stock_threshold: Generated<number>;
  updated_at: UpdatedAt;
}

export type MovementKind = 'adjustment' | 'sale' | 'return' | 'reservation' | 'release';

export interface InventoryMovementTable {
  id: Generated<string>;
  variant_id: string;
  kind: MovementKind;
  on_hand_delta: number;
  reserved_delta: number;
  on_hand_after: number;
  reserved_after: number;
  reason: Generated<string>;
  reference: string | null;
  actor: string | null;
  created_at: CreatedAt;
}

export type InventoryLevelRow = Selectable<InventoryLevelTable>;
export type InventoryMovementRow = Selectable<InventoryMovementTable>;
