/**
 * The customer's side of the account: profile, saved addresses, "download my data" and "delete my
 * account" (docs/auth.md, "Customer data"). Who the customer is comes from the auth module's session;
 * this module owns `customer_profile` and `customer_address` and reaches accounts only through
 * the AuthService.
 *
 * - Personal data is sealed with field encryption, bound to its row: the name and phone each in their
 *   own column, the address fields together as one JSON value (they are always read together).
 * - Object-level access is in every statement (`where user_id = caller`): another customer's address id
 *   answers CUSTOMER_ADDRESS_NOT_FOUND, exactly like an unknown one, and changes nothing.
 * - Later modules holding personal data (orders, carts) plug into export and deletion as
 *   PersonalDataContributors, without changes here.
 */
import { newId } from '../../kernel/ids.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { MailBrand } from '../auth/index.js';
import type { AuthService } from '../auth/index.js';
import type { RequestFacts } from '../auth/index.js';
import type { Session } from '../auth/index.js';
import type { FieldEncryption } from '../encryption/index.js';
import type { MailQueue } from '../outbox/index.js';
import type { PostalAddressFields } from '../../kernel/address.js';
import { isCountryCode } from '../../kernel/countries.js';
import { addressInvalid, addressLimitReached, addressNotFound, profileInvalid, type FieldProblem } from './customers.errors.js';
import { accountDeletedMail } from './customers.mails.js';
import * as repo from './customers.repository.js';
import { limits } from './customers.schemas.js';

/** The most addresses one customer may save: enough for real life, and a bound on what one account stores. */
export const maxAddresses = 20;

/**
 * A module that holds personal data of a customer (orders, carts, reviews...). The customers service
 * calls every contributor: `export` for "download my data" (its result becomes the section `name`), and
 * `erase` inside the deletion transaction, before the account row goes. `erase` deletes what it can and
 * anonymises what the law makes it keep (an order keeps its lines and totals, not the person).
 */
export interface PersonalDataContributor {
  /** The export section, e.g. `orders`: a lower-case identifier, unique, not one of this module's own. */
  name: string;
  export(userId: string): Promise<unknown>;
  erase(trx: Db, userId: string): Promise<void>;
}

export interface Profile {
  fullName: string | null;
  phone: string | null;
  marketingOptIn: boolean;
  /** Null until the customer first saves something. */
  updatedAt: Date | null;
}

export interface ProfileInput {
  fullName: string | null;
  phone: string | null;
  marketingOptIn: boolean;
}

/** A saved address's fields: the kernel's postal address. */
export type AddressFields = PostalAddressFields;

export interface Address extends AddressFields {
  id: string;
  label: string | null;
  isDefaultShipping: boolean;
  isDefaultBilling: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A new address (required fields present) or a change (any subset); null clears an optional field. */
export interface AddressInput {
  label?: string | null | undefined;
  name?: string | undefined;
  line1?: string | undefined;
  line2?: string | null | undefined;
  city?: string | undefined;
  region?: string | null | undefined;
  postalCode?: string | undefined;
  country?: string | undefined;
  phone?: string | null | undefined;
  isDefaultShipping?: boolean | undefined;
  isDefaultBilling?: boolean | undefined;
}

/** "Download my data": everything this service and its contributors hold about the person. */
export interface PersonalDataExport {
  format: 'bastion-personal-data/1';
  exportedAt: string;
  account: { email: string; createdAt: string; emailVerified: boolean; mfaEnabled: boolean };
  profile: { fullName: string | null; phone: string | null; marketingOptIn: boolean; updatedAt: string | null };
  addresses: (Omit<Address, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string })[];
  sessions: { createdAt: string; lastSeenAt: string; current: boolean }[];
  /** Filled by the orders module's contributor once it exists. */
  orders: unknown;
  [section: string]: unknown;
}

export interface DeleteAccountInput {
  /** Absent after a recent re-authentication (the only way for an account without a password). */
  password?: string | undefined;
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

export interface CustomersService {
  getProfile(session: Session | undefined): Promise<Profile>;
  /** Replaces the profile (the name and phone sealed); CUSTOMER_PROFILE_INVALID names each bad field. */
  saveProfile(session: Session | undefined, input: ProfileInput): Promise<Profile>;
  listAddresses(session: Session | undefined): Promise<Address[]>;
  /** One of the caller's own addresses; CUSTOMER_ADDRESS_NOT_FOUND for any other id. */
  getAddress(session: Session | undefined, id: string): Promise<Address>;
  /** Saves a new address (the first one becomes both defaults); CUSTOMER_ADDRESS_LIMIT_REACHED past 20. */
  addAddress(session: Session | undefined, input: AddressInput): Promise<Address>;
  updateAddress(session: Session | undefined, id: string, changes: AddressInput): Promise<Address>;
  deleteAddress(session: Session | undefined, id: string): Promise<void>;
  exportData(session: Session | undefined): Promise<PersonalDataExport>;
  /**
   * Deletes the account after the password (and a second factor when MFA is on): in one transaction
   * every contributor erases its part, then the profile, the addresses and the account (sessions, tokens,
   * MFA) go and `customer.account_deleted` is audited. Then the sessions leave the cache and a
   * confirmation is mailed to the address.
   */
  deleteAccount(session: Session | undefined, input: DeleteAccountInput, facts: RequestFacts): Promise<void>;
}

export interface CustomersDeps {
  db: Db;
  fieldEncryption: FieldEncryption;
  auth: Pick<AuthService, 'requireFull' | 'me' | 'listSessions' | 'confirmIdentity' | 'eraseAccount' | 'sessions'>;
  audit: AuditService;
  mail: MailQueue;
  brand: MailBrand;
  contributors?: readonly PersonalDataContributor[];
  now?: () => Date;
}

const ownSections = new Set(['format', 'exportedAt', 'account', 'profile', 'addresses', 'sessions']);

const refs = {
  fullName: (userId: string) => ({ table: 'customer_profile', column: 'full_name_encrypted', rowId: userId }),
  phone: (userId: string) => ({ table: 'customer_profile', column: 'phone_encrypted', rowId: userId }),
  address: (id: string) => ({ table: 'customer_address', column: 'address_encrypted', rowId: id }),
};

/** A stored profile, opened (the empty profile when the customer never saved one). */
export async function openProfile(fe: FieldEncryption, row: repo.ProfileRow | undefined): Promise<Profile> {
  if (row === undefined) return { fullName: null, phone: null, marketingOptIn: false, updatedAt: null };
  return {
    fullName: row.full_name_encrypted === null ? null : await fe.open(refs.fullName(row.user_id), row.full_name_encrypted),
    phone: row.phone_encrypted === null ? null : await fe.open(refs.phone(row.user_id), row.phone_encrypted),
    marketingOptIn: row.marketing_opt_in,
    updatedAt: row.updated_at,
  };
}

/** A stored address, opened. */
export async function openAddress(fe: FieldEncryption, row: repo.AddressRow): Promise<Address> {
  const fields = JSON.parse(await fe.open(refs.address(row.id), row.address_encrypted)) as AddressFields;
  return {
    id: row.id,
    label: row.label,
    ...fields,
    isDefaultShipping: row.is_default_shipping,
    isDefaultBilling: row.is_default_billing,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// --- input rules ----------------------------------------------------------------------------------

/** Trimmed, NFC, runs of white space made one space; '' and null become null. */
function tidy(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const tidied = value.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return tidied === '' ? null : tidied;
}

const controlCharacter = /\p{Cc}/u;
const phoneShape = /^\+?[0-9 ()./-]+$/;
const postalCodeShape = /^[A-Z0-9][A-Z0-9 -]*$/;

/** Checks one text field and records its problem; returns the tidied value. */
function check(problems: FieldProblem[], field: string, label: string, value: string | null, rule: { max: number; required?: string }): string | null {
  if (value === null) {
    if (rule.required) problems.push({ field, message: rule.required });
  } else if ([...value].length > rule.max) problems.push({ field, message: `${label} must be ${rule.max} characters or fewer` });
  else if (controlCharacter.test(value)) problems.push({ field, message: `${label} must not contain control characters` });
  return value;
}

function checkPhone(problems: FieldProblem[], field: string, value: string | null): string | null {
  check(problems, field, 'Phone number', value, { max: limits.phone });
  if (value !== null && !problems.some((p) => p.field === field)) {
    const digits = value.replace(/\D/g, '').length;
    if (!phoneShape.test(value) || digits < 5 || digits > 20) problems.push({ field, message: 'Enter a phone number, like 01632 960 001 or +44 7700 900 982' });
  }
  return value;
}

/** The rules of a whole address; throws CUSTOMER_ADDRESS_INVALID naming every bad field. */
function validAddress(input: Partial<Record<keyof AddressFields | 'label', string | null | undefined>>): { fields: AddressFields; label: string | null } {
  const problems: FieldProblem[] = [];
  const name = check(problems, 'name', 'Full name', tidy(input.name), { max: limits.name, required: 'Enter the full name of the person at this address' });
  const line1 = check(problems, 'line1', 'Address line 1', tidy(input.line1), { max: limits.line, required: 'Enter the first line of the address' });
  const line2 = check(problems, 'line2', 'Address line 2', tidy(input.line2), { max: limits.line });
  const city = check(problems, 'city', 'Town or city', tidy(input.city), { max: limits.city, required: 'Enter the town or city' });
  const region = check(problems, 'region', 'County, state or region', tidy(input.region), { max: limits.region });
  const postalCode = check(problems, 'postalCode', 'Postcode', tidy(input.postalCode)?.toUpperCase() ?? null, { max: limits.postalCode, required: 'Enter the postcode or ZIP code' });
  if (postalCode !== null && !problems.some((p) => p.field === 'postalCode') && !postalCodeShape.test(postalCode)) {
    problems.push({ field: 'postalCode', message: 'Enter a real postcode, using letters, numbers, spaces and hyphens only' });
  }
  const country = tidy(input.country)?.toUpperCase() ?? null;
  if (country === null) problems.push({ field: 'country', message: 'Select the country' });
  else if (!isCountryCode(country)) problems.push({ field: 'country', message: 'Select a country from the list' });
  const phone = checkPhone(problems, 'phone', tidy(input.phone));
  const label = check(problems, 'label', 'Label', tidy(input.label), { max: limits.label });
  if (problems.length > 0) throw addressInvalid(problems);
  return { fields: { name: name!, line1: line1!, line2, city: city!, region, postalCode: postalCode!, country: country!, phone }, label };
}

function validProfile(input: ProfileInput): ProfileInput {
  const problems: FieldProblem[] = [];
  const fullName = check(problems, 'fullName', 'Full name', tidy(input.fullName), { max: limits.fullName });
  const phone = checkPhone(problems, 'phone', tidy(input.phone));
  if (problems.length > 0) throw profileInvalid(problems);
  return { fullName, phone, marketingOptIn: input.marketingOptIn };
}

// --- the service ----------------------------------------------------------------------------------

export function createCustomersService(deps: CustomersDeps): CustomersService {
  const { db, fieldEncryption: fe, auth } = deps;
  const now = deps.now ?? (() => new Date());
  const contributors = deps.contributors ?? [];
  const names = new Set<string>();
  for (const c of contributors) {
    if (!/^[a-z][a-zA-Z0-9_]{0,39}$/.test(c.name) || ownSections.has(c.name) || names.has(c.name)) {
      throw new Error(`personal-data contributor "${c.name}": the name must be a unique identifier, not one of ${[...ownSections].join(', ')}`);
    }
    names.add(c.name);
  }

  const userOf = (session: Session | undefined) => auth.requireFull(session).userId;

  const toProfile = (row: repo.ProfileRow | undefined) => openProfile(fe, row);
  const toAddress = (row: repo.AddressRow) => openAddress(fe, row);

  /** Seals the fields in a fixed key order, so the stored JSON never depends on the input's order. */
  const sealAddress = (id: string, f: AddressFields) =>
    fe.seal(
      refs.address(id),
      JSON.stringify({ name: f.name, line1: f.line1, line2: f.line2, city: f.city, region: f.region, postalCode: f.postalCode, country: f.country, phone: f.phone }),
    );

  /** Hands the default flags the row takes over from the customer's other addresses. */
  const takeDefaults = async (trx: Db, userId: string, id: string, flags: { shipping: boolean; billing: boolean }, at: Date) => {
    if (flags.shipping) await repo.clearDefault(trx, userId, 'is_default_shipping', id, at);
    if (flags.billing) await repo.clearDefault(trx, userId, 'is_default_billing', id, at);
  };

  const service: CustomersService = {
    async getProfile(session) {
      return toProfile(await repo.findProfile(db, userOf(session)));
    },

    async saveProfile(session, input) {
      const userId = userOf(session);
      const profile = validProfile(input);
      const row: repo.ProfileRow = {
        user_id: userId,
        full_name_encrypted: profile.fullName === null ? null : await fe.seal(refs.fullName(userId), profile.fullName),
        phone_encrypted: profile.phone === null ? null : await fe.seal(refs.phone(userId), profile.phone),
        marketing_opt_in: profile.marketingOptIn,
        updated_at: now(),
      };
      await repo.upsertProfile(db, row);
      return { ...profile, updatedAt: row.updated_at };
    },

    async listAddresses(session) {
      const rows = await repo.findAddressesOf(db, userOf(session));
      return Promise.all(rows.map(toAddress));
    },

    async getAddress(session, id) {
      const row = await repo.findAddressOf(db, userOf(session), id);
      if (row === undefined) throw addressNotFound();
      return toAddress(row);
    },

    async addAddress(session, input) {
      const userId = userOf(session);
      const { fields, label } = validAddress({ ...input });
      const id = newId();
      const sealed = await sealAddress(id, fields);
      const at = now();
      return db.transaction().execute(async (trx) => {
        // The profile row is the per-customer lock: two additions at once cannot both pass the limit.
        await repo.lockProfile(trx, userId, at);
        const count = await repo.countAddressesOf(trx, userId);
        if (count >= maxAddresses) throw addressLimitReached(maxAddresses);
        // The first address is the default for both until the customer says otherwise.
        const shipping = input.isDefaultShipping ?? count === 0;
        const billing = input.isDefaultBilling ?? count === 0;
        await takeDefaults(trx, userId, id, { shipping, billing }, at);
        const row: repo.AddressRow = {
          id,
          user_id: userId,
          address_encrypted: sealed,
          label,
          is_default_shipping: shipping,
          is_default_billing: billing,
          created_at: at,
          updated_at: at,
        };
        await repo.insertAddress(trx, row);
        return { id, label, ...fields, isDefaultShipping: shipping, isDefaultBilling: billing, createdAt: at, updatedAt: at };
      });
    },

    async updateAddress(session, id, changes) {
      const userId = userOf(session);
      const at = now();
      return db.transaction().execute(async (trx) => {
        const row = await repo.lockAddressOf(trx, userId, id);
        if (row === undefined) throw addressNotFound();
        const current = await toAddress(row);
        const merged = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
        const { fields, label } = validAddress(merged);
        const shipping = changes.isDefaultShipping ?? row.is_default_shipping;
        const billing = changes.isDefaultBilling ?? row.is_default_billing;
        await takeDefaults(trx, userId, id, { shipping, billing }, at);
        await repo.updateAddressOf(trx, userId, id, {
          address_encrypted: await sealAddress(id, fields),
          label,
          is_default_shipping: shipping,
          is_default_billing: billing,
          updated_at: at,
        });
        return { ...current, ...fields, label, isDefaultShipping: shipping, isDefaultBilling: billing, updatedAt: at };
      });
    },

    async deleteAddress(session, id) {
      if (!(await repo.deleteAddressOf(db, userOf(session), id))) throw addressNotFound();
    },

    async exportData(session) {
      const full = auth.requireFull(session);
      const iso = (d: Date) => d.toISOString();
      const [me, profile, addresses, sessions] = await Promise.all([auth.me(full), service.getProfile(full), service.listAddresses(full), auth.listSessions(full)]);
      const data: PersonalDataExport = {
        format: 'bastion-personal-data/1',
        exportedAt: iso(now()),
        account: { email: me.email, createdAt: iso(me.createdAt), emailVerified: me.emailVerified, mfaEnabled: me.mfaEnabled },
        profile: { ...profile, updatedAt: profile.updatedAt === null ? null : iso(profile.updatedAt) },
        addresses: addresses.map((a) => ({ ...a, createdAt: iso(a.createdAt), updatedAt: iso(a.updatedAt) })),
        // When and which device, never a token (the database has only hashes anyway).
        sessions: sessions.map((s) => ({ createdAt: iso(s.createdAt), lastSeenAt: iso(s.lastSeenAt), current: s.current })),
        orders: [],
      };
      for (const c of contributors) data[c.name] = await c.export(full.userId);
      return data;
    },

    async deleteAccount(session, input, facts) {
      const full = auth.requireFull(session);
      await auth.confirmIdentity(full, input);
      // Read before the account goes: the confirmation is mailed to it.
      const { email } = await auth.me(full);
      const userId = full.userId;
      await db.transaction().execute(async (trx) => {
        for (const c of contributors) await c.erase(trx, userId);
        await repo.deleteAddressesOf(trx, userId);
        await repo.deleteProfile(trx, userId);
        const erased = await auth.eraseAccount(trx, userId);
        await deps.audit.record(trx, {
          actor: { type: 'customer', id: userId },
          action: 'customer.account_deleted',
          target: { type: 'user_account', id: userId },
          clientIp: facts.clientIp ?? null,
          requestId: facts.requestId ?? null,
        });
        // Queued with the deletion, so a deletion that rolled back never announces itself.
        await deps.mail.enqueue(trx, accountDeletedMail(deps.brand, email));
        return erased;
      });
    },
  };
  return service;
}
