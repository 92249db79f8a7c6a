/** The staff module's tables, by name; db/schema.ts composes every module's. */
export interface StaffTables {
  staff_member: StaffMemberTable;
  staff_invitation: StaffInvitationTable;
}

/** An account's back-office role (src/modules/staff). */
export interface StaffMemberTable {
  user_id: string;
  role: 'owner' | 'admin' | 'catalog_manager' | 'order_manager' | 'support' | 'content_editor' | 'auditor';
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
