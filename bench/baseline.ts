import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import Fastify from 'fastify';
import pg from 'pg';

/**
 * The bench's baseline: a process of its own, a bare Fastify with its own connection to the same data,
 * answering one primary-key SELECT of a product as JSON. Every scenario is reported as a ratio of it,
 * measured in the same run at the same concurrency, so a figure says what the app costs over the least
 * a database-backed answer can cost on this machine.
 *
 * It imports nothing of the app on purpose: the app's handle, pool size and plugins must not shape it.
 *
 * - `BASELINE_DATABASE_URL=postgres://…`: its own `pg.Pool` (BASELINE_POOL_SIZE, default 10, the app's
 *   default too) on the database the app uses.
 * - `BASELINE_PGLITE_DIR=…`: PGlite owns its data folder in one process, so the baseline opens its own
 *   copy of the app's folder, taken after seeding (same rows, same settings as the embedded default).
 *
 * Sends `{ port, productId, productSlug, categorySlug }` to the parent once listening: a product in the
 * middle of the catalog (the long tail, not the newest) and its category, for the scenarios.
 */
type Query = (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

async function openQuery(): Promise<{ query: Query; close: () => Promise<void>; kind: string }> {
  const url = process.env.BASELINE_DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BASELINE_POOL_SIZE ?? 10) });
    pool.on('error', () => undefined);
    return { query: async (text, params) => (await pool.query(text, params)).rows as Record<string, unknown>[], close: () => pool.end(), kind: 'postgres' };
  }
  const dataDir = process.env.BASELINE_PGLITE_DIR;
  if (!dataDir) throw new Error('BASELINE_DATABASE_URL or BASELINE_PGLITE_DIR is required');
  // The embedded default's settings (src/db/database.ts), so both sides pay the same buffer size.
  const postgresqlconf = process.env.BASELINE_PGLITE_CONF ?? '';
  const pglite = await PGlite.create({ dataDir, extensions: { pg_trgm }, ...(postgresqlconf ? { postgresqlconf } : {}) });
  return { query: async (text, params) => (await pglite.query<Record<string, unknown>>(text, params)).rows, close: () => pglite.close(), kind: 'pglite' };
}

const { query, close, kind } = await openQuery();

const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/baseline/product/:id', async (request, reply) => {
  const rows = await query('select * from product where id = $1', [request.params.id]);
  if (rows.length === 0) return reply.code(404).send({ error: 'not found' });
  return rows[0];
});
await app.listen({ port: 0, host: '127.0.0.1' });

const [count] = await query(`select count(*)::int as n from product where status = 'active'`, []);
const [sample] = await query(
  `select p.id, p.slug, c.slug as category_slug from product p join category c on c.id = p.category_id
   where p.status = 'active' order by p.slug offset $1 limit 1`,
  [Math.floor(Number(count?.n ?? 0) / 2)],
);
if (!sample) throw new Error('the catalog has no active product to measure');
process.send?.({
  kind,
  port: (app.server.address() as { port: number }).port,
  products: Number(count?.n ?? 0),
  productId: sample.id,
  productSlug: sample.slug,
  categorySlug: sample.category_slug,
});

process.on('SIGTERM', () => {
  void app
    .close()
    .then(close)
    .then(() => process.exit(0));
});
