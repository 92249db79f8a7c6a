/**
 * Account records with their e-mail address sealed: the address is personal data, so the table keeps
 * its ciphertext (field encryption, bound to the row) and a blind index (HMAC) for the lookup by address.
 */
import { newId } from '../../kernel/ids.js';
import type { Db } from '../../db/database.js';
import type { FieldEncryption } from '../encryption/index.js';
import { invalidEmail } from './auth.errors.js';
import * as repo from './auth.repository.js';

export interface Account {
  id: string;
  email: string;
  /** Null when the account signs in only through an identity provider (AUTH_PROVIDER=cognito). */
  passwordHash: string | null;
  emailVerifiedAt: Date | null;
  createdAt: Date;
}

export interface Accounts {
  /** The blind index of an address (normalised first); also the key of its sign-in throttle. */
  indexOf(email: string): Promise<Buffer>;
  findByEmail(email: string): Promise<Account | undefined>;
  findById(id: string, trx?: Db): Promise<Account | undefined>;
  /** A page of accounts, newest first, with the total: the back office's customer list. */
  page(page: { limit: number; offset: number }): Promise<{ total: number; items: Account[] }>;
  /**
   * Creates an account; undefined when the address is taken (also when a concurrent sign-up won). No
   * password and `emailVerified` for an account made by an identity provider that verified the address.
   */
  create(email: string, passwordHash: string | null, options?: { emailVerified?: boolean; trx?: Db }): Promise<Account | undefined>;
  /** Seals a value the way `create` does, so a refused sign-up costs the same work as an accepted one. */
  sealThrowaway(email: string): Promise<void>;
}

const emailShape = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"_]{1,253}\.[^\s@<>()[\]\\,;:"_0-9]{2,63}$/u;

/**
 * Trims, applies NFC and lower-cases the whole address. Lower-casing the local part is not what RFC 5321
 * promises, but no real mailbox provider distinguishes case, and it keeps `Ann@x.com` and `ann@x.com`
 * from becoming two accounts. Throws AUTH_EMAIL_INVALID for anything that is not an address.
 */
export function normaliseEmail(email: string): string {
  const value = email.trim().normalize('NFC').toLowerCase();
  if (value.length > 254 || !emailShape.test(value)) throw invalidEmail();
  return value;
}

const sealRef = (id: string) => ({ table: 'user_account', column: 'email_encrypted', rowId: id });

export function createAccounts(deps: { db: Db; fieldEncryption: FieldEncryption; now: () => Date }): Accounts {
  const { db, fieldEncryption: fe, now } = deps;

  const indexOf = (email: string) => fe.blindIndex('user_account', 'email', normaliseEmail(email));
  const toRecord = (row: repo.UserRow): Omit<Account, 'email'> => ({
    id: row.id,
    passwordHash: row.password_hash,
    emailVerifiedAt: row.email_verified_at,
    createdAt: row.created_at,
  });
  const toAccount = async (row: repo.UserRow): Promise<Account> => ({ ...toRecord(row), email: await fe.open(sealRef(row.id), row.email_encrypted) });

  return {
    indexOf,
    async findByEmail(email) {
      const address = normaliseEmail(email);
      const row = await repo.findUserByEmailIndex(db, await indexOf(address));
      // The blind index matched, so the stored address is this one: no decryption (with KMS, a network
      // call) that would make a known address answer slower than an unknown one.
      return row === undefined ? undefined : { ...toRecord(row), email: address };
    },
    async findById(id, trx) {
      const row = await repo.findUserById(trx ?? db, id);
      return row === undefined ? undefined : toAccount(row);
    },
    async page(page) {
      const [rows, total] = await Promise.all([repo.findUsersPage(db, page), repo.countUsers(db)]);
      return { total, items: await Promise.all(rows.map(toAccount)) };
    },
    async create(email, passwordHash, options = {}) {
      const address = normaliseEmail(email);
      const id = newId();
      const at = now();
      const inserted = await repo.insertUser(options.trx ?? db, {
        id,
        emailEncrypted: await fe.seal(sealRef(id), address),
        emailIndex: await indexOf(address),
        passwordHash,
        now: at,
        emailVerified: options.emailVerified === true,
      });
      return inserted ? { id, email: address, passwordHash, emailVerifiedAt: options.emailVerified === true ? at : null, createdAt: at } : undefined;
    },
    async sealThrowaway(email) {
      await fe.seal(sealRef(newId()), normaliseEmail(email));
    },
  };
}
