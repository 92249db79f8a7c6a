import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { OutboxJobTable } from '../modules/outbox/outbox.tables.js';

/** Row types of every table, by table name. Each module owns its tables; see its repository. */
export interface Database {
  category: CategoryTable;
  product: ProductTable;
  product_variant: ProductVariantTable;
  product_image: ProductImageTable;
  sealed_secret: SealedSecretTable;
  key_rotation_progress: KeyRotationProgressTable;
  audit_event: AuditEventTable;
  audit_chain_head: AuditChainHeadTable;
  user_account: UserAccountTable;
  user_session: UserSessionTable;
  auth_token: AuthTokenTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_code: MfaRecoveryCodeTable;
  auth_throttle: AuthThrottleTable;
  external_identity: ExternalIdentityTable;
  oidc_login_attempt: OidcLoginAttemptTable;
  email_change_request: EmailChangeRequestTable;
  customer_profile: CustomerProfileTable;
  customer_address: CustomerAddressTable;
  staff_member: StaffMemberTable;
  staff_invitation: StaffInvitationTable;
  passkey_credential: PasskeyCredentialTable;
  webauthn_challenge: WebauthnChallengeTable;
  outbox_job: OutboxJobTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CategoryTable {
  id: Generated<string>;
  slug: string;
  name: string;
  description: string;
  position: number;
  created_at: CreatedAt;
}

export type ProductStatus = 'active' | 'draft' | 'archived';

export interface ProductTable {
  id: Generated<string>;
  slug: string;
  name: string;
  description: string;
  category_id: string;
  status: ProductStatus;
  featured: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProductVariantTable {
  id: Generated<string>;
  product_id: string;
  sku: string;
  title: string;
  /** Option name → value, e.g. { "Colour": "Sage", "Size": "M" }. */
  options: ColumnType<Record<string, string>, string, string>;
  price_amount: number;
  compare_at_amount: number | null;
  currency: string;
  stock: number;
  position: number;
}

export interface ProductImageTable {
  id: Generated<string>;
  product_id: string;
  storage_key: string;
  alt: string;
  width: number;
  height: number;
  position: number;
}

export type CategoryRow = Selectable<CategoryTable>;
export type ProductRow = Selectable<ProductTable>;
export type ProductVariantRow = Selectable<ProductVariantTable>;
export type ProductImageRow = Selectable<ProductImageTable>;
export type NewProduct = Insertable<ProductTable>;

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

/** One append-only audit event (src/modules/audit); `hash` chains it to the previous one. */
export interface AuditEventTable {
  seq: ColumnType<string, number, never>;
  occurred_at: ColumnType<Date, Date, never>;
  actor_type: 'staff' | 'customer' | 'system' | 'anonymous';
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  changes: string | null;
  client_ip: string | null;
  request_id: string | null;
  outcome: 'success' | 'failure' | 'denied';
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadTable {
  id: number;
  seq: ColumnType<string, number, number>;
  hash: string;
}

/** A built-in account (src/modules/auth). The e-mail is sealed; `email_index` is its blind index. */
export interface UserAccountTable {
  id: string;
  email_encrypted: Uint8Array;
  email_index: Uint8Array;
  /** argon2id PHC string; null for an account that signs in only through an identity provider. */
  password_hash: string | null;
  email_verified_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A signed-in session; the cookie holds the token, the row only its SHA-256. */
export interface UserSessionTable {
  id: Generated<string>;
  token_hash: Uint8Array;
  user_id: string;
  mfa_verified: boolean;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

export type AuthTokenPurpose = 'email_verification' | 'password_reset' | 'email_change';

/** A single-use token (verification or reset link), stored as its SHA-256 and deleted when used. */
export interface AuthTokenTable {
  token_hash: Uint8Array;
  purpose: AuthTokenPurpose;
  user_id: string;
  created_at: Date;
  expires_at: Date;
}

/** A TOTP secret (sealed); `confirmed_at` null while enrolment awaits its first code. */
export interface MfaTotpTable {
  user_id: string;
  secret_encrypted: Uint8Array;
  confirmed_at: Date | null;
  /** The last accepted time step (RFC 6238 T): a code at or before it is a replay. */
  last_time_step: ColumnType<string | null, number | null | undefined, number | null>;
  created_at: Date;
}

export interface MfaRecoveryCodeTable {
  code_hash: Uint8Array;
  user_id: string;
  created_at: Date;
}

/** Failed attempts per key (an e-mail's blind index, or an account's MFA), for the growing delay. */
export interface AuthThrottleTable {
  key: string;
  failures: number;
  locked_until: Date | null;
  updated_at: Date;
}

/** An identity provider's subject (`sub`) linked to an account (src/modules/auth/cognito). */
export interface ExternalIdentityTable {
  provider: 'cognito';
  subject: string;
  user_id: string;
  created_at: CreatedAt;
}

/** A sign-in at an identity provider in progress; the browser's cookie holds the token, the row its SHA-256. */
export interface OidcLoginAttemptTable {
  token_hash: Uint8Array;
  flow: 'account' | 'admin';
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: Date;
  expires_at: Date;
}

/** A change of e-mail awaiting its link (src/modules/auth/email-change.ts); the new address is sealed. */
export interface EmailChangeRequestTable {
  id: string;
  user_id: string;
  new_email_encrypted: Uint8Array;
  created_at: Date;
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

/** An account's back-office role (src/modules/staff). */
export interface StaffMemberTable {
  user_id: string;
  role: 'owner' | 'admin' | 'catalog_manager' | 'order_manager' | 'support' | 'auditor';
  invited_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A pending invitation; the link's token is stored as its SHA-256, the address sealed with a blind index. */
export interface StaffInvitationTable {
  id: string;
  token_hash: Uint8Array;
  email_encrypted: Uint8Array;
  email_index: Uint8Array;
  role: StaffMemberTable['role'];
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
}

/** A passkey (WebAuthn credential); `id` is the credential id, base64url (src/modules/auth/passkeys). */
export interface PasskeyCredentialTable {
  id: string;
  user_id: string;
  public_key: Uint8Array;
  /** The authenticator's signature counter; bigint, so it reads back as text. */
  counter: ColumnType<string, number, number>;
  transports: string[];
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: boolean;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

/** A single-use WebAuthn challenge, stored as its SHA-256; a registration's belongs to an account. */
export interface WebauthnChallengeTable {
  challenge_hash: Uint8Array;
  purpose: 'registration' | 'authentication';
  user_id: string | null;
  created_at: Date;
  expires_at: Date;
}
