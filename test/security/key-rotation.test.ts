import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyRing } from '../../src/adapters/keys/key-ring.js';
import { addLocalKey, openLocalKeyRing, retireLocalKey } from '../../src/adapters/keys/local.js';
import type { Db, DatabaseHandle } from '../../src/db/database.js';
import { encryptedColumns, type EncryptedColumn } from '../../src/modules/encryption/encrypted-columns.js';
import { updateCiphertextIfUnchanged } from '../../src/modules/encryption/encryption.repository.js';
import { createFieldEncryption, type FieldEncryption } from '../../src/modules/encryption/field-encryption.js';
import { countCiphertextsByKey, reencryptColumns } from '../../src/modules/encryption/key-rotation.service.js';
import { openTestDatabase } from '../support/test-database.js';
import { codeOf } from '../support/error-code.js';

let database: DatabaseHandle;
let db: Db;
let dataDir: string;
let ring: KeyRing;
let fields: FieldEncryption;

/** A test-only table standing in for a later module's personal data. */
const personColumns: EncryptedColumn[] = [
  { table: 'test_person', idColumn: 'id', column: 'name_enc' },
  { table: 'test_person', idColumn: 'id', column: 'phone_enc' },
];
// This module's own registry entry plus the test table; other modules' columns hold values sealed by
// keys this test does not have, so they are left out here.
const columns = [...encryptedColumns.filter((c) => c.table === 'sealed_secret'), ...personColumns];
const ids: string[] = [];

const ref = (id: string, column = 'name_enc') => ({ table: 'test_person', column, rowId: id });

async function nameOf(id: string): Promise<string> {
  const row = await sql<{ name_enc: Uint8Array }>`select name_enc from test_person where id = ${id}`.execute(db);
  return fields.open(ref(id), row.rows[0]!.name_enc);
}

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
  dataDir = await mkdtemp(join(tmpdir(), 'bastion-rotate-'));
  ring = await openLocalKeyRing({ dataDir, reloadIntervalMs: 0 });
  fields = createFieldEncryption({ db, keyRing: ring });
  await sql`create table test_person (id uuid primary key, name_enc bytea, phone_enc bytea, email_index bytea)`.execute(db);
  for (let i = 0; i < 23; i++) {
    const id = randomUUID();
    ids.push(id);
    const phone = i % 3 === 0 ? null : await fields.seal(ref(id, 'phone_enc'), `+44 7700 9000${i}`);
    const index = await fields.blindIndex('test_person', 'email', `person${i}@example.com`);
    await sql`insert into test_person values (${id}, ${await fields.seal(ref(id), `Person ${i}`)}, ${phone}, ${index})`.execute(db);
  }
});
afterAll(async () => database.close());

describe('field encryption', () => {
  it('opens a value only in its own row and column', async () => {
    const [a, b] = ids as [string, string];
    const row = await sql<{ name_enc: Uint8Array }>`select name_enc from test_person where id = ${a}`.execute(db);
    expect(await nameOf(a)).toMatch(/^Person \d+$/);
    expect(await codeOf(fields.open(ref(b), row.rows[0]!.name_enc))).toBe('KEYS_CONTEXT_MISMATCH');
    expect(await codeOf(fields.open(ref(a, 'phone_enc'), row.rows[0]!.name_enc))).toBe('KEYS_CONTEXT_MISMATCH');
  });

  it('finds a row by a blind index without storing the value', async () => {
    const index = await fields.blindIndex('test_person', 'email', 'person5@example.com');
    const found = await sql<{ id: string }>`select id from test_person where email_index = ${index}`.execute(db);
    expect(found.rows.map((r) => r.id)).toEqual([ids[5]]);
    expect(index).toHaveLength(32);
    // Per column: the same value indexed for another column gives an unrelated token.
    expect((await fields.blindIndex('test_person', 'phone', 'person5@example.com')).equals(index)).toBe(false);
    // Stable across instances: the index key is sealed in the database, not held in memory only.
    const again = createFieldEncryption({ db, keyRing: ring });
    expect((await again.blindIndex('test_person', 'email', 'person5@example.com')).equals(index)).toBe(true);
  });
});

describe('key rotation', () => {
  it('re-encrypts every registered column under the new key, resuming after an interruption', async () => {
    const oldKey = ring.currentKeyId();
    const newKey = await addLocalKey(dataDir);
    expect(ring.currentKeyId()).not.toBe(newKey); // not yet noticed by this process
    await ring.encrypt(Buffer.from('tick'), { probe: '1' }); // an encrypt notices the rotated file
    expect(ring.currentKeyId()).toBe(newKey);

    // Interrupt the pass after two batches (as a crash or Ctrl-C would).
    let batches = 0;
    await expect(
      reencryptColumns({ db, keyRing: ring, columns }, {
        batchSize: 5,
        onBatch: () => {
          batches += 1;
          if (batches === 2) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    const midway = await countCiphertextsByKey({ db, keyRing: ring, columns });
    expect(midway.get(newKey)).toBeGreaterThan(0);
    expect(midway.get(oldKey)).toBeGreaterThan(0);

    // The app keeps reading both generations meanwhile.
    for (const id of ids) expect(await nameOf(id)).toMatch(/^Person \d+$/);

    const report = await reencryptColumns({ db, keyRing: ring, columns }, { batchSize: 5 });
    expect(report.complete).toBe(true);
    const byColumn = Object.fromEntries(report.columns.map((c) => [`${c.table}.${c.column}`, c]));
    expect(byColumn['test_person.name_enc']).toMatchObject({ scanned: 23, rewritten: 23 });
    expect(byColumn['test_person.phone_enc']).toMatchObject({ scanned: 15, rewritten: 15 });
    expect(byColumn['sealed_secret.ciphertext']).toMatchObject({ rewritten: 1 });

    const after = await countCiphertextsByKey({ db, keyRing: ring, columns });
    expect([...after.keys()]).toEqual([newKey]);
    expect(after.get(newKey)).toBe(23 + 15 + 1);

    // A second run to the same key has nothing left to do.
    const again = await reencryptColumns({ db, keyRing: ring, columns }, { batchSize: 5 });
    expect(again.columns.every((c) => c.complete)).toBe(true);

    // Retired: values still open, blind indexes still match, and the old key is gone for good.
    const index = await fields.blindIndex('test_person', 'email', 'person5@example.com');
    await retireLocalKey(dataDir, oldKey);
    const fresh = await openLocalKeyRing({ dataDir });
    const freshFields = createFieldEncryption({ db, keyRing: fresh });
    const row = await sql<{ name_enc: Uint8Array }>`select name_enc from test_person where id = ${ids[5]!}`.execute(db);
    expect(await freshFields.open(ref(ids[5]!), row.rows[0]!.name_enc)).toBe('Person 5');
    expect((await freshFields.blindIndex('test_person', 'email', 'person5@example.com')).equals(index)).toBe(true);
    expect(fresh.keys().map((k) => k.id)).toEqual([newKey]);
  });

  it('never overwrites a value the application rewrote after the pass read it', async () => {
    const id = ids[0]!;
    const read = await sql<{ name_enc: Uint8Array }>`select name_enc from test_person where id = ${id}`.execute(db);
    await sql`update test_person set name_enc = ${await fields.seal(ref(id), 'Renamed')} where id = ${id}`.execute(db);
    const stale = Buffer.from(read.rows[0]!.name_enc);
    expect(await updateCiphertextIfUnchanged(db, personColumns[0]!, id, stale, await fields.seal(ref(id), 'Person 0'))).toBe(false);
    expect(await nameOf(id)).toBe('Renamed');
  });

  it('refuses to rotate a column whose name is not a plain identifier', async () => {
    await expect(reencryptColumns({ db, keyRing: ring, columns: [{ table: 'x; drop table y', idColumn: 'id', column: 'c' }] })).rejects.toThrow(/identifiers/);
  });
});
