import { sql, type Kysely } from 'kysely';

const before = `'owner', 'admin', 'catalog_manager', 'order_manager', 'support', 'auditor'`;
const after = `'owner', 'admin', 'catalog_manager', 'order_manager', 'support', 'content_editor', 'auditor'`;

// Migrations are frozen in time: they use Kysely<any> and import no application code.
// A content editor writes the catalog's words and pictures but not its prices, so the price permission
// separates two roles; the role lists of staff members and invitations must accept it.
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['staff_member', 'staff_invitation']) {
    await sql.raw(`alter table ${table} drop constraint if exists ${table}_role_check`).execute(db);
    await sql.raw(`alter table ${table} add constraint ${table}_role_check check (role in (${after}))`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['staff_member', 'staff_invitation']) {
    await sql.raw(`alter table ${table} drop constraint if exists ${table}_role_check`).execute(db);
    await sql.raw(`alter table ${table} add constraint ${table}_role_check check (role in (${before}))`).execute(db);
  }
}
