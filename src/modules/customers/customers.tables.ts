/** The customers module's tables, by name; db/schema.ts composes every module's. */
export interface CustomersTables {
  customer_profile: CustomerProfileTable;
  customer_address: CustomerAddressTable;
}

/** A customer's own details (src/modules/customers); name and phone sealed, bound to user_id. */
export interface CustomerProfileTable {
  user_id: string;
  full_name_encrypted: Uint8Array | null;
  phone_encrypted: Uint8Array | null;
  marketing_opt_in: boolean;
  updated_at: Date;
}

/** A saved address (src/modules/customers); its fields sealed together as one JSON value bound to id. */
export interface CustomerAddressTable {
  id: string;
  user_id: string;
  address_encrypted: Uint8Array;
  label: string | null;
  is_default_shipping: boolean;
  is_default_billing: boolean;
  created_at: Date;
  updated_at: Date;
}
