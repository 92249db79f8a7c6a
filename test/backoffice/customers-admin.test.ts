import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { api, sampleAddress, signedInCustomer, type Customer } from '../customers/customers-test-helpers.js';
import { browserOf, textOf } from './backoffice-support.js';

/**
 * Customers in the back office over HTTP: the list and detail for roles with customers.read, personal data
 * masked for everyone, revealed only by a POST with the form token from a role with customers.write, and
 * every reveal in the audit trail; refusals show nothing and record no reveal.
 */
let t: TestApp;
let support: SignedInStaff;
let orderManager: SignedInStaff;
let contentEditor: SignedInStaff;
let ada: Customer;

const reveals = async (customerId: string) => (await t.audit.listForTarget('customer', customerId)).filter((e) => e.action === 'customer.personal_data_revealed');

beforeAll(async () => {
  t = await createTestApp();
  [support, orderManager, contentEditor] = [await createSignedInStaff(t, 'support'), await createSignedInStaff(t, 'order_manager'), await createSignedInStaff(t, 'content_editor')];
  ada = await signedInCustomer(t, 'ada');
  expect((await api(t, 'PUT', '/api/v1/me/profile', ada.cookie, { fullName: 'Ada Lovelace', phone: '+44 7700 900 123', marketingOptIn: true })).statusCode).toBe(200);
  expect((await api(t, 'POST', '/api/v1/me/addresses', ada.cookie, sampleAddress)).statusCode).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

describe('the customer list', () => {
  it('lists accounts newest first with the e-mail and name masked', async () => {
    const b = browserOf(t, support);
    const res = await b.get('/admin/customers');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('a•••@e•••.com');
    expect(text).toContain('A••• L•••');
    expect(res.body).not.toContain(ada.email);
    expect(res.body).not.toContain('Lovelace');
    expect(res.headers['cache-control']).toContain('no-store');
  });

  it('finds one customer by the whole address, whatever its case, and nobody by part of it', async () => {
    const b = browserOf(t, orderManager);
    const found = await b.get(`/admin/customers?email=${encodeURIComponent(ada.email.toUpperCase())}`);
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`/admin/customers/${ada.userId}`);
    expect(textOf(found.body)).toContain('1–1 of 1');

    const partial = await b.get(`/admin/customers?email=${encodeURIComponent(ada.email.slice(0, 6))}`);
    expect(partial.statusCode).toBe(200);
    expect(partial.body).not.toContain(`/admin/customers/${ada.userId}`);
    expect(textOf(partial.body)).toContain('No account has this address');
  });

  it('is refused to a role without customers.read', async () => {
    const b = browserOf(t, contentEditor);
    const res = await b.get('/admin/customers');
    expect(res.statusCode).toBe(403);
    expect(textOf(res.body)).toContain('You do not have access to this page');
  });
});

describe('the customer page', () => {
  it('shows the account with every personal field masked', async () => {
    const b = browserOf(t, support);
    const res = await b.get(`/admin/customers/${ada.userId}`);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('a•••@e•••.com');
    expect(text).toContain('••• 23');
    expect(text).toContain('BS•••');
    expect(text).toContain('United Kingdom');
    for (const secret of [ada.email, 'Lovelace', '7700 900 123', 'Marlowe', 'Bristol', 'BS8 1TQ']) expect(res.body).not.toContain(secret);
    expect(text).toContain('Reveal personal data');
  });

  it('answers 404 for an account that does not exist', async () => {
    const res = await browserOf(t, support).get('/admin/customers/7d1f3a52-3c55-4a8e-9d0f-2b8c1e4d5f60');
    expect(res.statusCode).toBe(404);
  });
});

describe('revealing personal data', () => {
  it('shows the data once to support and records who revealed whose data', async () => {
    const before = (await reveals(ada.userId)).length;
    const b = browserOf(t, support);
    await b.get(`/admin/customers/${ada.userId}`);
    const res = await b.post(`/admin/customers/${ada.userId}/reveal`, {});
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    const text = textOf(res.body);
    for (const clear of [ada.email, 'Ada Lovelace', '+44 7700 900 123', '12 Marlowe Crescent', 'Bristol', 'BS8 1TQ']) expect(text).toContain(clear);

    const events = await reveals(ada.userId);
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ actorType: 'staff', actorId: support.userId, actorRole: 'support', targetId: ada.userId, outcome: 'success' });

    // The next visit is masked again.
    const again = await b.get(`/admin/customers/${ada.userId}`);
    expect(again.body).not.toContain('Lovelace');
  });

  it('is refused (403) to the order manager, who has customers.read only, and records no reveal', async () => {
    const before = (await reveals(ada.userId)).length;
    const b = browserOf(t, orderManager);
    const page = await b.get(`/admin/customers/${ada.userId}`);
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).not.toContain('Reveal personal data');
    const res = await b.post(`/admin/customers/${ada.userId}/reveal`, {});
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('Lovelace');
    expect(res.body).not.toContain(ada.email);
    expect(await reveals(ada.userId)).toHaveLength(before);
  });

  it('is refused without the form token, and records no reveal', async () => {
    const before = (await reveals(ada.userId)).length;
    const b = browserOf(t, support);
    await b.get(`/admin/customers/${ada.userId}`);
    const res = await b.post(`/admin/customers/${ada.userId}/reveal`, {}, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('Lovelace');
    expect(await reveals(ada.userId)).toHaveLength(before);
  });

  it('answers 404 for an unknown customer and records nothing', async () => {
    const unknown = '7d1f3a52-3c55-4a8e-9d0f-2b8c1e4d5f60';
    const b = browserOf(t, support);
    await b.get('/admin/customers');
    const res = await b.post(`/admin/customers/${unknown}/reveal`, {});
    expect(res.statusCode).toBe(404);
    expect(await reveals(unknown)).toHaveLength(0);
  });
});
