import type { Db } from '../../db/database.js';
import type { SlugKind } from './catalog.tables.js';

/**
 * Remembers a slug something no longer has, so links to it answer 301. A slug taken back by its own
 * target stops redirecting; one that moved to another target points there.
 */
export async function recordSlugChange(db: Db, kind: SlugKind, oldSlug: string, targetId: string): Promise<void> {
  await db
    .insertInto('slug_redirect')
    .values({ kind, old_slug: oldSlug, target_id: targetId })
    .onConflict((oc) => oc.columns(['kind', 'old_slug']).doUpdateSet({ target_id: targetId }))
    .execute();
}

/** Forgets a redirect from a slug that is in use again (a live slug always wins over a redirect). */
export async function dropRedirect(db: Db, kind: SlugKind, slug: string): Promise<void> {
  await db.deleteFrom('slug_redirect').where('kind', '=', kind).where('old_slug', '=', slug).execute();
}

/** The target an old slug now points at, if any. */
export async function findRedirectTarget(db: Db, kind: SlugKind, oldSlug: string): Promise<string | undefined> {
  const row = await db.selectFrom('slug_redirect').select('target_id').where('kind', '=', kind).where('old_slug', '=', oldSlug).executeTakeFirst();
  return row?.target_id;
}
