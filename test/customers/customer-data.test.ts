import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { expectSealedFor } from '../support/sealed-field.js';
import { api, sampleAddress, signedInCustomer, type Customer } from './customers-test-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

interface AddressDto {
  id: string;
  name: string;
  line1: string;
  line2: string | null;
  postalCode: string;
  country: string;
  label: string | null;
  isDefaultShipping: boolean;
  isDefaultBilling: boolean;
}

async function addAddress(customer: Customer, body: Record<string, unknown> = sampleAddress): Promise<AddressDto> {
  const res = await api(t, 'POST', '/api/v1/me/addresses', customer.cookie, body);
  if (res.statusCode !== 201) throw new Error(`add failed: ${res.body}`);
  return res.json<AddressDto>();
}

describe('profile', () => {
  it('starts empty, is replaced by PUT, and keeps the name and phone sealed at rest', async () => {
    const c = await signedInCustomer(t, 'profile');
    expect((await api(t, 'GET', '/api/v1/me/profile', c.cookie)).json()).toEqual({ fullName: null, phone: null, marketingOptIn: false, updatedAt: null });

    const saved = await api(t, 'PUT', '/api/v1/me/profile', c.cookie, { fullName: '  Grace   Hopper ', phone: '+1 202 555 0143', marketingOptIn: true });
    expect(saved.statusCode).toBe(200);
    expect(saved.headers['cache-control']).toBe('private, no-store');
    expect(saved.json()).toMatchObject({ fullName: 'Grace Hopper', phone: '+1 202 555 0143', marketingOptIn: true });
    expect((await api(t, 'GET', '/api/v1/me/profile', c.cookie)).json()).toMatchObject({ fullName: 'Grace Hopper', marketingOptIn: true });

    const raw = await t.database.db.selectFrom('customer_profile').selectAll().where('user_id', '=', c.userId).executeTakeFirstOrThrow();
    const stored = Buffer.concat([Buffer.from(raw.full_name_encrypted!), Buffer.from(raw.phone_encrypted!)]).toString('latin1');
    expect(stored).not.toContain('Grace');
    expect(stored).not.toContain('555 0143');
    // Each value is an envelope bound to its own column of this customer's row, not an encoding of it.
    const someoneElse = await signedInCustomer(t, 'profile-other');
    const place = { table: 'customer_profile', rowId: c.userId };
    expect(await expectSealedFor(t.keyRing, raw.full_name_encrypted!, { ...place, column: 'full_name_encrypted' }, { otherRowId: someoneElse.userId, otherColumn: 'phone_encrypted' })).toBe('Grace Hopper');
    expect(await expectSealedFor(t.keyRing, raw.phone_encrypted!, { ...place, column: 'phone_encrypted' }, { otherRowId: someoneElse.userId, otherColumn: 'full_name_encrypted' })).toBe('+1 202 555 0143');

    const cleared = await api(t, 'PUT', '/api/v1/me/profile', c.cookie, { fullName: null, phone: '', marketingOptIn: false });
    expect(cleared.json()).toMatchObject({ fullName: null, phone: null, marketingOptIn: false });
  });

  it('explains a bad phone number and refuses fields it does not know', async () => {
    const c = await signedInCustomer(t, 'profile-bad');
    const bad = await api(t, 'PUT', '/api/v1/me/profile', c.cookie, { fullName: 'Grace', phone: 'call me maybe', marketingOptIn: false });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'CUSTOMER_PROFILE_INVALID' });
    for (const extra of [{ userId: '00000000-0000-4000-8000-000000000000' }, { role: 'admin' }, { email: 'x@example.com' }]) {
      const res = await api(t, 'PUT', '/api/v1/me/profile', c.cookie, { fullName: 'Grace', phone: null, marketingOptIn: false, ...extra });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect((await api(t, 'GET', '/api/v1/me/profile', c.cookie)).json()).toMatchObject({ fullName: null });
  });

  it('needs a signed-in customer', async () => {
    expect((await api(t, 'GET', '/api/v1/me/profile')).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
    expect((await api(t, 'GET', '/api/v1/me/addresses')).statusCode).toBe(401);
  });
});

describe('addresses', () => {
  it('are added, listed, read, changed and deleted; the first becomes both defaults', async () => {
    const c = await signedInCustomer(t, 'addresses');
    const created = await api(t, 'POST', '/api/v1/me/addresses', c.cookie, sampleAddress);
    expect(created.statusCode).toBe(201);
    const home = created.json<AddressDto>();
    expect(created.headers.location).toBe(`/api/v1/me/addresses/${home.id}`);
    expect(home).toMatchObject({ name: 'Ada Lovelace', postalCode: 'BS8 1TQ', country: 'GB', isDefaultShipping: true, isDefaultBilling: true });

    t.clock.advance(1000);
    const work = await addAddress(c, { name: 'Ada Lovelace', line1: '1 Analytical Way', city: 'London', postalCode: 'EC1A 1BB', country: 'gb', label: 'Work' });
    expect(work).toMatchObject({ country: 'GB', line2: null, isDefaultShipping: false, isDefaultBilling: false });

    const list = (await api(t, 'GET', '/api/v1/me/addresses', c.cookie)).json<{ items: AddressDto[]; max: number }>();
    expect(list.max).toBe(20);
    expect(list.items.map((a) => a.label)).toEqual(['Home', 'Work']);

    // Taking the default moves it; clearing an optional field with null.
    const patched = await api(t, 'PATCH', `/api/v1/me/addresses/${work.id}`, c.cookie, { isDefaultShipping: true, line1: '2 Analytical Way', label: null });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ line1: '2 Analytical Way', label: null, isDefaultShipping: true, isDefaultBilling: false });
    expect((await api(t, 'GET', `/api/v1/me/addresses/${home.id}`, c.cookie)).json()).toMatchObject({ isDefaultShipping: false, isDefaultBilling: true });

    expect((await api(t, 'DELETE', `/api/v1/me/addresses/${home.id}`, c.cookie)).statusCode).toBe(204);
    expect((await api(t, 'GET', `/api/v1/me/addresses/${home.id}`, c.cookie)).statusCode).toBe(404);
    expect(((await api(t, 'GET', '/api/v1/me/addresses', c.cookie)).json<{ items: unknown[] }>()).items).toHaveLength(1);
  });

  it('are sealed at rest in an envelope bound to their row, which refuses to open when moved to another row', async () => {
    const c = await signedInCustomer(t, 'sealed');
    const a = await addAddress(c);
    const other = await addAddress(c, { ...sampleAddress, label: 'Other' });
    const raw = await t.database.db.selectFrom('customer_address').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    const bytes = Buffer.from(raw.address_encrypted);
    for (const plain of ['Ada Lovelace', 'Marlowe Crescent', 'Bristol', 'BS8 1TQ', '7700 900 982']) {
      expect(bytes.toString('latin1')).not.toContain(plain);
      expect(bytes.toString('utf8')).not.toContain(plain);
    }
    const opened = await expectSealedFor(t.keyRing, raw.address_encrypted, { table: 'customer_address', column: 'address_encrypted', rowId: a.id }, { otherRowId: other.id, otherColumn: 'full_name_encrypted' });
    for (const plain of ['Ada Lovelace', '12 Marlowe Crescent', 'Bristol', 'BS8 1TQ', '+44 7700 900 982']) expect(opened).toContain(plain);

    // The same ciphertext moved to another row does not open there: the read fails closed, shows none of
    // the address, and the original row still opens where it belongs.
    const otherBefore = await t.database.db.selectFrom('customer_address').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow();
    await t.database.db.updateTable('customer_address').set({ address_encrypted: raw.address_encrypted }).where('id', '=', other.id).execute();
    const moved = await api(t, 'GET', `/api/v1/me/addresses/${other.id}`, c.cookie);
    expect(moved.statusCode).toBe(500);
    expect(moved.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(moved.json()).toMatchObject({ status: 500, code: 'KEYS_CONTEXT_MISMATCH', detail: 'Something went wrong on our side.' });
    expect(moved.body).not.toContain('Marlowe');
    const list = await api(t, 'GET', '/api/v1/me/addresses', c.cookie);
    expect([list.statusCode, list.json<{ code: string }>().code]).toEqual([500, 'KEYS_CONTEXT_MISMATCH']);
    expect(list.body).not.toContain('Marlowe');
    expect(await t.database.db.selectFrom('customer_address').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow()).toEqual({ ...otherBefore, address_encrypted: raw.address_encrypted });
    await t.database.db.updateTable('customer_address').set({ address_encrypted: otherBefore.address_encrypted }).where('id', '=', other.id).execute();
    expect((await api(t, 'GET', `/api/v1/me/addresses/${a.id}`, c.cookie)).json()).toMatchObject({ id: a.id, line1: sampleAddress.line1 });
  });

  it("answer another customer's address id with 404 for GET, PATCH and DELETE, and change nothing", async () => {
    const owner = await signedInCustomer(t, 'owner');
    const intruder = await signedInCustomer(t, 'intruder');
    const a = await addAddress(owner);
    const before = await t.database.db.selectFrom('customer_address').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();

    const unknown = await api(t, 'GET', '/api/v1/me/addresses/7d1f3a52-3c55-4a8e-9d0f-2b8c1e4d5f60', intruder.cookie);
    const get = await api(t, 'GET', `/api/v1/me/addresses/${a.id}`, intruder.cookie);
    const patch = await api(t, 'PATCH', `/api/v1/me/addresses/${a.id}`, intruder.cookie, { line1: '666 Stolen Road' });
    const del = await api(t, 'DELETE', `/api/v1/me/addresses/${a.id}`, intruder.cookie);
    for (const res of [get, patch, del]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'CUSTOMER_ADDRESS_NOT_FOUND' });
      expect(res.json()).toEqual({ ...(unknown.json<object>()), instance: (res.json<{ instance: string }>()).instance, requestId: (res.json<{ requestId: string }>()).requestId });
    }
    const after = await t.database.db.selectFrom('customer_address').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    expect(((await api(t, 'GET', '/api/v1/me/addresses', intruder.cookie)).json<{ items: unknown[] }>()).items).toEqual([]);

    // The pages answer the same.
    const page = await t.app.inject({ url: `/account/addresses/${a.id}/edit`, headers: { accept: 'text/html', cookie: intruder.cookie } });
    expect(page.statusCode).toBe(404);
  });

  it('refuse userId, id, role or any unknown field in a body with 400, changing nothing', async () => {
    const c = await signedInCustomer(t, 'mass');
    const victim = await signedInCustomer(t, 'victim');
    const a = await addAddress(c);
    for (const extra of [{ userId: victim.userId }, { id: '7d1f3a52-3c55-4a8e-9d0f-2b8c1e4d5f60' }, { role: 'admin' }, { createdAt: '2020-01-01T00:00:00Z' }]) {
      const post = await api(t, 'POST', '/api/v1/me/addresses', c.cookie, { ...sampleAddress, ...extra });
      expect(post.statusCode).toBe(400);
      expect(post.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      const patch = await api(t, 'PATCH', `/api/v1/me/addresses/${a.id}`, c.cookie, { line1: 'Changed', ...extra });
      expect(patch.statusCode).toBe(400);
      expect(patch.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(((await api(t, 'GET', '/api/v1/me/addresses', c.cookie)).json<{ items: AddressDto[] }>()).items.map((x) => x.line1)).toEqual([sampleAddress.line1]);
    expect(((await api(t, 'GET', '/api/v1/me/addresses', victim.cookie)).json<{ items: unknown[] }>()).items).toEqual([]);
  });

  it('are validated: required fields, lengths, ISO country codes, phone and postcode shapes', async () => {
    const c = await signedInCustomer(t, 'validate');
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...sampleAddress, country: 'XX' }, 400, 'CUSTOMER_ADDRESS_INVALID'],
      [{ ...sampleAddress, country: 'EU' }, 400, 'CUSTOMER_ADDRESS_INVALID'],
      [{ ...sampleAddress, country: 'GBR' }, 400, 'VALIDATION_FAILED'],
      [{ ...sampleAddress, name: '   ' }, 400, 'CUSTOMER_ADDRESS_INVALID'],
      [{ ...sampleAddress, line1: 'x'.repeat(201) }, 400, 'VALIDATION_FAILED'],
      [{ ...sampleAddress, postalCode: 'BS8 <1TQ>' }, 400, 'CUSTOMER_ADDRESS_INVALID'],
      [{ ...sampleAddress, phone: 'ring ring' }, 400, 'CUSTOMER_ADDRESS_INVALID'],
      [{ ...sampleAddress, city: 'Bristol\u0007' }, 400, 'CUSTOMER_ADDRESS_INVALID'],
      [{ name: 'Ada', line1: '1 Road', city: 'Bristol', country: 'GB' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api(t, 'POST', '/api/v1/me/addresses', c.cookie, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json(), JSON.stringify(body)).toMatchObject({ code });
    }
    expect(await t.database.db.selectFrom('customer_address').select('id').where('user_id', '=', c.userId).execute()).toEqual([]);
  });

  it('stop at 20 per customer', async () => {
    const c = await signedInCustomer(t, 'limit');
    await Promise.all(Array.from({ length: 20 }, (_, i) => addAddress(c, { ...sampleAddress, label: `Place ${i + 1}` })));
    const refused = await api(t, 'POST', '/api/v1/me/addresses', c.cookie, { ...sampleAddress, label: 'One too many' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CUSTOMER_ADDRESS_LIMIT_REACHED' });
    const list = (await api(t, 'GET', '/api/v1/me/addresses', c.cookie)).json<{ items: AddressDto[] }>();
    expect(list.items).toHaveLength(20);
    expect(list.items.filter((a) => a.isDefaultShipping)).toHaveLength(1);
  });
});

describe('download my data', () => {
  it('is a JSON attachment with the account, profile, addresses, sessions without tokens, and an orders section', async () => {
    const c = await signedInCustomer(t, 'export');
    await api(t, 'PUT', '/api/v1/me/profile', c.cookie, { fullName: 'Ada Lovelace', phone: null, marketingOptIn: true });
    await addAddress(c);
    const res = await api(t, 'GET', '/api/v1/me/export', c.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const data = res.json<Record<string, unknown>>();
    expect(data).toMatchObject({
      format: 'bastion-personal-data/1',
      account: { email: c.email, emailVerified: true, mfaEnabled: false },
      profile: { fullName: 'Ada Lovelace', phone: null, marketingOptIn: true },
      addresses: [expect.objectContaining({ name: 'Ada Lovelace', line1: sampleAddress.line1, country: 'GB' })],
      sessions: [expect.objectContaining({ current: true })],
      orders: [],
    });
    expect(Object.keys((data.sessions as object[])[0]!).sort()).toEqual(['createdAt', 'current', 'lastSeenAt']);
    const sessionToken = c.cookie.split('=')[1]!;
    expect(res.body).not.toContain(sessionToken);
    expect(res.body).not.toMatch(/password|argon2|token/i);
    expect((await api(t, 'GET', '/api/v1/me/export')).statusCode).toBe(401);
  });
});
