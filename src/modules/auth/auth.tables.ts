import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../../db/columns.js';

/** The auth module's tables, by name; db/schema.ts composes every module's. */
export interface AuthTables {
  user_account: UserAccountTable;
  user_session: UserSessionTable;
  auth_token: AuthTokenTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_code: MfaRecoveryCodeTable;
  auth_throttle: AuthThrottleTable;
  external_identity: ExternalIdentityTable;
  oidc_login_attempt: OidcLoginAttemptTable;
  email_change_request: EmailChangeRequestTable;
  passkey_credential: PasskeyCredentialTable;
  webauthn_challenge: WebauthnChallengeTable;
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
  /** When the holder last gave the password and second factor (or a user-verified passkey). */
  reauthenticated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The passkey the session was started with; removing it deletes the session (foreign key cascade). */
  passkey_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** "Firefox on Linux": the browser and system of the client holding the session (device-names.ts); never the raw header. */
  device: ColumnType<string | null, string | null | undefined, string | null>;
}

export type AuthTokenPurpose = 'email_verification' | 'password_reset' | 'email_change' | 'email_change_cancel';

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
  provider: 'cognito' | 'cognito-staff';
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
