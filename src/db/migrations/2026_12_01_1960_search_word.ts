import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The words of every product's name, tags, category and options: typo tolerance looks up the few
  // words near a misspelt one here (a small table, trigram-indexed) and searches the documents for them,
  // instead of measuring trigram similarity against every document.
  await db.schema.createTable('search_word').addColumn('word', 'text', (c) => c.primaryKey()).execute();
  await sql`create index search_word_trgm_idx on search_word using gin (word gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_word').execute();
}
