import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestContext } from '../../src/kernel/request-context.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  // A stand-in for a later staff route: change a product and record it in the same transaction.
  t.app.post('/probe/products/:slug/feature', async (request) => {
    const { slug } = request.params as { slug: string };
    return t.database.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('product').select(['id', 'featured']).where('slug', '=', slug).executeTakeFirstOrThrow();
      await trx.updateTable('product').set({ featured: !before.featured }).where('id', '=', before.id).execute();
      return t.audit.record(trx, {
        actor: { type: 'staff', id: 'staff-1', role: 'merchandiser' },
        action: 'product.feature',
        target: { type: 'product', id: before.id },
        before: { featured: before.featured },
        after: { featured: !before.featured },
        ...requestContext(request),
      });
    });
  });
});
afterAll(async () => t.close());

describe('audit events from HTTP requests', () => {
  it('carry the server’s request id and the peer address, not a forged X-Request-Id or X-Forwarded-For', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/probe/products/organic-cotton-tee/feature',
      headers: { 'x-forwarded-for': '198.51.100.99', 'x-request-id': '=forged-id' },
    });
    expect(res.statusCode).toBe(200);
    const { seq } = res.json<{ seq: number }>();
    const row = await t.database.db.selectFrom('audit_event').selectAll().where('seq', '=', String(seq)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ action: 'product.feature', actor_type: 'staff', actor_role: 'merchandiser', client_ip: '127.0.0.1', outcome: 'success' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.request_id).toBe(res.headers['x-request-id']);
    expect(await t.database.db.selectFrom('audit_event').select('seq').where('request_id', '=', '=forged-id').execute()).toEqual([]);
    const changes = JSON.parse(row.changes!) as { featured: { before: boolean; after: boolean } };
    expect(changes.featured.after).toBe(!changes.featured.before);
    expect(await t.audit.verify()).toMatchObject({ ok: true });
    expect((await t.audit.listForTarget('product', row.target_id!)).map((e) => e.seq)).toContain(seq);
  });
});
