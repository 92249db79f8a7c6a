import type { ColumnType } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../../db/columns.js';

/** The encryption module's tables, by name; db/schema.ts composes every module's. */
export interface EncryptionTables {
  sealed_secret: SealedSecretTable;
  key_rotation_progress: KeyRotationProgressTable;
}

/** A small secret sealed by the key ring (src/modules/encryption). */
export interface SealedSecretTable {
  name: string;
  ciphertext: Uint8Array;
  created_at: CreatedAt;
}

/** Where a re-encryption pass stands for one target key and encrypted column. */
export interface KeyRotationProgressTable {
  target_key_id: string;
  table_name: string;
  column_name: string;
  last_row_id: string | null;
  scanned: ColumnType<string, number | undefined, number>;
  rewritten: ColumnType<string, number | undefined, number>;
  completed_at: Date | null;
  updated_at: UpdatedAt;
}
