import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/kernel/errors.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { browserOf, textOf } from './backoffice-support.js';

/**
 * The back office's home as a dashboard, over HTTP: each card's figure against data whose numbers are
 * known by hand, the "Needs attention" card, and each card only for the roles holding its permission.
 *
 * The demo seed (src/modules/catalog/demo/seed-demo.ts) opens stock so that 8 variants run low (1 or 2
 * left, at or below the default threshold) and 24 are sold out (the sold-out products, the "low" products'
 * other colours, the first colour of "partial" ones).
 */
let t: TestApp;
let owner: SignedInStaff;
let contentEditor: SignedInStaff;
let support: SignedInStaff;

/** A card of the home page, by its label: its figure and its note, as text. */
function cardOf(html: string, label: string): { value: string; note: string } | undefined {
  const cards = html.split('<li class="kpi').slice(1);
  const card = cards.find((c) => c.includes(`<h3 class="kpi__label">${label}</h3>`));
  if (card === undefined) return undefined;
  const value = /<p class="kpi__value tabular">([^<]*)<\/p>/.exec(card)?.[1] ?? '';
  const note = /<p class="kpi__note">([^<]*)<\/p>/.exec(card)?.[1] ?? '';
  return { value: textOf(value), note: textOf(note) };
}

function todosOf(html: string): string[] {
  const section = /<section class="admin-card todo"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  return [...section.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]!).replace(/^To do /, ''));
}

const home = async (who: SignedInStaff) => {
  const res = await browserOf(t, who).get('/admin');
  expect(res.statusCode).toBe(200);
  return res.body;
};

beforeAll(async () => {
  t = await createTestApp();
  t.outbox.handle('test.dashboard-doomed', async () => Promise.reject(new AppError('TEST_DOOMED', 'internal', 'It always fails.')), { maxAttempts: 1 });
  owner = await createSignedInStaff(t, 'owner');
  contentEditor = await createSignedInStaff(t, 'content_editor');
  support = await createSignedInStaff(t, 'support');
});
afterAll(async () => {
  await t?.close();
});

describe('stock and outbox cards', () => {
  it('counts the seed’s low and sold-out variants, and follows a change of stock', async () => {
    expect(cardOf(await home(owner), 'Low stock')).toEqual({ value: '8', note: '24 variants sold out' });

    // A variant with plenty of stock brought down to one unit runs low: 9.
    const healthy = await t.database.db
      .selectFrom('inventory_level')
      .select(['variant_id', 'on_hand', 'low_stock_threshold'])
      .where((eb) => eb('on_hand', '>', eb.ref('low_stock_threshold')))
      .where('reserved', '=', 0)
      .orderBy('variant_id')
      .executeTakeFirstOrThrow();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/admin/inventory/${healthy.variant_id}/adjustments`,
      headers: { cookie: owner.cookie },
      payload: { delta: 1 - healthy.on_hand, reason: 'Dashboard check' },
    });
    expect(res.statusCode).toBe(200);
    const html = await home(owner);
    expect(cardOf(html, 'Low stock')).toEqual({ value: '9', note: '24 variants sold out' });
    expect(todosOf(html)).toContain('9 variants running low, 24 variants sold out');
  });

  it('counts dead outbox jobs and lists them as work to do', async () => {
    expect(cardOf(await home(owner), 'Dead jobs')?.value).toBe('0');
    expect(todosOf(await home(owner)).some((x) => x.includes('dead outbox job'))).toBe(false);
    for (const k of ['a', 'b']) await t.outbox.enqueue(t.database.db, { type: 'test.dashboard-doomed', key: `dashboard-doomed-${k}`, payload: {} });
    await t.outbox.drain();
    const html = await home(owner);
    expect(cardOf(html, 'Dead jobs')?.value).toBe('2');
    expect(todosOf(html)).toContain('2 dead outbox jobs (mail or webhooks that could not be sent)');
  });
});

describe('cards by permission', () => {
  it('shows each role only the cards its permissions allow', async () => {
    const editor = await home(contentEditor);
    expect(cardOf(editor, 'Low stock')).toBeDefined();
    expect(cardOf(editor, 'Dead jobs')).toBeUndefined();
    expect(cardOf(editor, 'Audit events')).toBeUndefined();
    expect(todosOf(editor).some((x) => x.includes('dead outbox job'))).toBe(false);

    const supportHome = await home(support);
    expect(cardOf(supportHome, 'Dead jobs')).toBeUndefined();
    expect(cardOf(supportHome, 'Staff members')).toBeUndefined();
  });
});
