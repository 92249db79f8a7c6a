import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { EncryptionContext, KeyRing } from '../../adapters/keys/key-ring.js';
import type { Db } from '../../db/database.js';
import * as repo from './encryption.repository.js';

/** Where a personal-data value lives: its ciphertext is bound to exactly this table, column and row. */
export interface FieldRef {
  table: string;
  column: string;
  rowId: string;
}

/**
 * Field-level encryption of personal data (names, addresses, phone numbers, TOTP secrets...).
 * Values are sealed by the key ring with an encryption context naming the table, column and row, so a
 * ciphertext copied to another row or column does not decrypt. Equality lookups (e.g. by e-mail) use a
 * blind index: HMAC-SHA256 under a per-column key derived from one index key that the key ring seals.
 */
export interface FieldEncryption {
  seal(ref: FieldRef, value: string): Promise<Buffer>;
  /** Opens a sealed value; throws a KEYS_* AppError when it is altered, misplaced or its key is gone. */
  open(ref: FieldRef, ciphertext: Uint8Array): Promise<string>;
  /**
   * A deterministic 32-byte token for equality lookups of `value` in `table.column`. Normalise the value
   * first (e.g. trim and lower-case an e-mail). It reveals which rows share a value, and nothing else.
   */
  blindIndex(table: string, column: string, value: string): Promise<Buffer>;
}

/** The encryption context of a field; rotation and tests rebuild it the same way. */
export function fieldContext(ref: FieldRef): EncryptionContext {
  return { 'bastion:table': ref.table, 'bastion:column': ref.column, 'bastion:row': ref.rowId };
}

const indexKeyName = 'blind-index-key';

/**
 * The blind-index key: 32 random bytes created once and stored sealed in `sealed_secret`. It does not
 * change when master keys rotate (rotation only re-wraps it), so stored indexes stay valid.
 */
async function loadIndexKey(db: Db, keyRing: KeyRing): Promise<Buffer> {
  const ref: FieldRef = { table: 'sealed_secret', column: 'ciphertext', rowId: indexKeyName };
  let sealed = await repo.findSealedSecret(db, indexKeyName);
  if (sealed === undefined) {
    sealed = await repo.insertSealedSecret(db, indexKeyName, await keyRing.encrypt(randomBytes(32), fieldContext(ref)));
  }
  return keyRing.decrypt(sealed, fieldContext(ref));
}

export function createFieldEncryption(deps: { db: Db; keyRing: KeyRing }): FieldEncryption {
  const { db, keyRing } = deps;
  let indexKey: Promise<Buffer> | undefined;
  const columnKeys = new Map<string, Buffer>();

  const columnKey = async (table: string, column: string): Promise<Buffer> => {
    const name = `${table}.${column}`;
    const cached = columnKeys.get(name);
    if (cached) return cached;
    indexKey ??= loadIndexKey(db, keyRing).catch((err: unknown) => {
      indexKey = undefined;
      throw err;
    });
    // One key per column: equal values in two columns give unrelated tokens.
    const derived = Buffer.from(hkdfSync('sha256', await indexKey, Buffer.alloc(0), `bastion blind index v1 ${name}`, 32));
    columnKeys.set(name, derived);
    return derived;
  };

  return {
    seal: (ref, value) => keyRing.encrypt(Buffer.from(value, 'utf8'), fieldContext(ref)),
    open: async (ref, ciphertext) => (await keyRing.decrypt(ciphertext, fieldContext(ref))).toString('utf8'),
    async blindIndex(table, column, value) {
      return createHmac('sha256', await columnKey(table, column)).update(value, 'utf8').digest();
    },
  };
}
