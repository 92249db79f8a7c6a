/**
 * Customers as support staff see them: a list and a detail page whose personal data (e-mail, name,
 * phone, addresses) is masked by default for every role. A role holding `customers.write` may reveal
 * one customer's data; the reveal is written to the audit trail (who, whose, which fields, when) before
 * the data leaves the service, so nothing is ever shown in clear without its audit event.
 *
 * Accounts (and their sealed e-mail addresses) belong to the auth module and are read through its
 * AccountDirectory; the profile and addresses are this module's own tables.
 */
import type { Db } from '../../../db/database.js';
import { maskEmail, maskedLine, maskName, maskPhone, maskPostalCode } from '../../../kernel/masking.js';
import { can, type StaffPrincipal } from '../../../kernel/permissions.js';
import type { RequestContext } from '../../../kernel/request-context.js';
import { staffAccessDenied } from '../../../backoffice/index.js';
import type { AuditService } from '../../audit/index.js';
import type { AccountDirectory } from '../../auth/index.js';
import type { FieldEncryption } from '../../encryption/index.js';
import { customerNotFound } from '../customers.errors.js';
import * as repo from '../customers.repository.js';
import { openAddress, openProfile } from '../customers.service.js';

/** The permission that reveals personal data (docs/security.md, "Customer data in the back office"). */
export const revealPermission = 'customers.write';

export interface CustomerRow {
  id: string;
  /** Masked (`j•••@e•••.com`). */
  email: string;
  /** Masked initials, or null when the customer gave no name. */
  name: string | null;
  emailVerified: boolean;
  addressCount: number;
  createdAt: Date;
}

export interface CustomerAddressView {
  id: string;
  label: string | null;
  name: string;
  lines: string[];
  country: string;
  phone: string | null;
  isDefaultShipping: boolean;
  isDefaultBilling: boolean;
}

export interface CustomerView {
  id: string;
  /** False: every personal field below is masked. True: in clear, once, and audited. */
  revealed: boolean;
  email: string;
  emailVerified: boolean;
  mfaEnabled: boolean;
  createdAt: Date;
  name: string | null;
  phone: string | null;
  marketingOptIn: boolean;
  addresses: CustomerAddressView[];
}

export interface CustomerList {
  items: CustomerRow[];
  total: number;
  /** Set when the list is a search: the address searched for did or did not match an account. */
  search?: { matched: boolean };
}

export interface CustomerSupport {
  /**
   * Accounts, newest first. `email` finds one account by its exact address through the blind index
   * (addresses are sealed, so there is no partial match); an address that is not well formed matches nothing.
   */
  list(query: { email?: string | undefined; limit: number; offset: number }): Promise<CustomerList>;
  /** One customer, masked. CUSTOMER_NOT_FOUND for an unknown id. */
  view(customerId: string): Promise<CustomerView>;
  /** One customer in clear, after recording `customer.personal_data_revealed`; needs `customers.write`. */
  reveal(customerId: string, by: { principal: StaffPrincipal; context: RequestContext }): Promise<CustomerView>;
}

export interface CustomerSupportDeps {
  db: Db;
  fieldEncryption: FieldEncryption;
  directory: Pick<AccountDirectory, 'accountOf' | 'listAccounts' | 'idOf' | 'mfaEnabled'>;
  audit: Pick<AuditService, 'recordAlone'>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The fields a reveal shows, as the audit event lists them. */
const revealedFields = 'email, name, phone, addresses';

export function createCustomerSupport(deps: CustomerSupportDeps): CustomerSupport {
  const { db, fieldEncryption: fe, directory } = deps;

  const load = async (customerId: string, reveal: boolean): Promise<CustomerView> => {
    const account = uuid.test(customerId) ? await directory.accountOf(customerId) : undefined;
    if (account === undefined) throw customerNotFound();
    const [profile, addresses, mfaEnabled] = await Promise.all([
      openProfile(fe, await repo.findProfile(db, customerId)),
      Promise.all((await repo.findAddressesOf(db, customerId)).map((row) => openAddress(fe, row))),
      directory.mfaEnabled(customerId),
    ]);
    const clear = <T>(value: T, mask: (v: T) => T): T => (reveal ? value : mask(value));
    return {
      id: account.id,
      revealed: reveal,
      email: clear(account.email, maskEmail),
      emailVerified: account.emailVerified,
      mfaEnabled,
      createdAt: account.createdAt,
      name: profile.fullName === null ? null : clear(profile.fullName, maskName),
      phone: profile.phone === null ? null : clear(profile.phone, maskPhone),
      marketingOptIn: profile.marketingOptIn,
      addresses: addresses.map((a) => ({
        id: a.id,
        label: a.label,
        name: clear(a.name, maskName),
        lines: reveal
          ? [a.line1, a.line2, a.city, a.region, a.postalCode].filter((l): l is string => l !== null && l !== '')
          : [maskedLine, maskPostalCode(a.postalCode)],
        country: a.country,
        phone: a.phone === null ? null : clear(a.phone, maskPhone),
        isDefaultShipping: a.isDefaultShipping,
        isDefaultBilling: a.isDefaultBilling,
      })),
    };
  };

  return {
    async list(query) {
      let page: { total: number; items: { id: string; email: string; emailVerified: boolean; createdAt: Date }[] };
      let search: CustomerList['search'];
      const email = query.email?.trim() ?? '';
      if (email !== '') {
        // normaliseEmail (inside idOf) refuses what is not an address: that is simply no match here.
        const id = await directory.idOf(email).catch(() => undefined);
        const account = id === undefined ? undefined : await directory.accountOf(id);
        page = { total: account ? 1 : 0, items: account && query.offset === 0 ? [account] : [] };
        search = { matched: account !== undefined };
      } else {
        page = await directory.listAccounts({ limit: query.limit, offset: query.offset });
      }
      const ids = page.items.map((a) => a.id);
      const [profiles, addressCounts] = await Promise.all([repo.findProfilesOf(db, ids), repo.countAddressesOfEach(db, ids)]);
      const names = new Map<string, string | null>();
      for (const row of profiles) names.set(row.user_id, (await openProfile(fe, row)).fullName);
      return {
        total: page.total,
        ...(search ? { search } : {}),
        items: page.items.map((a) => {
          const name = names.get(a.id) ?? null;
          return {
            id: a.id,
            email: maskEmail(a.email),
            name: name === null ? null : maskName(name),
            emailVerified: a.emailVerified,
            addressCount: addressCounts.get(a.id) ?? 0,
            createdAt: a.createdAt,
          };
        }),
      };
    },

    view: (customerId) => load(customerId, false),

    async reveal(customerId, { principal, context }) {
      // The route checks the permission too; the service does not rely on it.
      if (!can(principal.role, revealPermission)) throw staffAccessDenied(revealPermission);
      if (!uuid.test(customerId) || (await directory.accountOf(customerId)) === undefined) throw customerNotFound();
      // Recorded before anything is opened: a failed audit write shows nothing.
      await deps.audit.recordAlone({
        actor: { type: 'staff', id: principal.userId, role: principal.role },
        action: 'customer.personal_data_revealed',
        target: { type: 'customer', id: customerId },
        after: { fields: revealedFields },
        ...context,
      });
      return load(customerId, true);
    },
  };
}
