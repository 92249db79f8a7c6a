import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCsv, csvCell } from '../../src/modules/audit/audit.csv.js';
import { parseAuditQuery, parseTimeFilter, type AuditEventView } from '../../src/modules/audit/audit.query.js';
import { likePrefix } from '../../src/modules/audit/audit.repository.js';
import type { AuditEventInput } from '../../src/modules/audit/audit.types.js';
import type { StaffRole } from '../../src/kernel/permissions.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';

interface Item {
  seq: number;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  clientIp: string | null;
  requestId: string | null;
  outcome: string;
  hash: string;
}
interface List {
  items: Item[];
  nextBefore: number | null;
  total: number;
  totalExact: boolean;
}

let t: TestApp;
const staff = {} as Record<StaffRole, SignedInStaff>;
const staffA = randomUUID();
const customerB = randomUUID();

async function seed(events: AuditEventInput[]): Promise<number[]> {
  return t.database.db.transaction().execute(async (trx) => {
    const seqs: number[] = [];
    for (const e of events) seqs.push((await t.audit.record(trx, e)).seq);
    return seqs;
  });
}

const at = (iso: string) => new Date(iso);
const api = (query: string, cookie = staff.auditor.cookie) => t.app.inject({ url: `/api/v1/admin/audit-events${query}`, headers: { cookie } });
const list = async (query: string, cookie?: string): Promise<List> => {
  const res = await api(query, cookie);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<List>();
};
const actions = async (query: string) => (await list(query)).items.map((i) => i.action);
const csv = (query: string, cookie = staff.auditor.cookie) => t.app.inject({ url: `/api/v1/admin/audit-events.csv${query}`, headers: { cookie } });
const page = (query: string, cookie = staff.auditor.cookie) => t.app.inject({ url: `/admin/audit${query}`, headers: { cookie, accept: 'text/html' } });

/** RFC 4180: quoted cells may hold commas, CR, LF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ['owner', 'admin', 'auditor', 'catalog_manager', 'order_manager', 'support'] as const) staff[role] = await createSignedInStaff(t, role);

  await seed([
    {
      actor: { type: 'staff', id: staffA, role: 'admin' }, action: 'trailtest.product.update', target: { type: 'product', id: 'p-1' },
      before: { price: 1000 }, after: { price: 1200 }, occurredAt: at('2025-03-01T09:00:00Z'), clientIp: '192.0.2.1', requestId: 'req-1',
    },
    { actor: { type: 'staff', id: staffA, role: 'admin' }, action: 'trailtest.product.delete', target: { type: 'product', id: 'p-2' }, outcome: 'failure', occurredAt: at('2025-03-02T10:00:00Z') },
    {
      actor: { type: 'customer', id: customerB }, action: 'trailtest.account.update', target: { type: 'customer', id: customerB },
      before: { email: 'old@example.com', newsletter: false }, after: { email: 'new@example.com', newsletter: true }, occurredAt: at('2025-03-02T23:59:59Z'),
    },
    { actor: { type: 'system' }, action: 'trailtest.keys.rotate', occurredAt: at('2025-03-03T00:00:00Z') },
    { actor: { type: 'anonymous' }, action: 'trailtest.sign_in', outcome: 'denied', clientIp: '198.51.100.7', occurredAt: at('2025-03-04T12:00:00Z') },
    { actor: { type: 'staff', id: staffA, role: 'admin' }, action: 'trailtest.access_denied', outcome: 'denied', occurredAt: at('2025-03-05T12:00:00Z') },
    { actor: { type: 'staff', id: staffA, role: 'admin' }, action: 'trailtest.accessxdenied', occurredAt: at('2025-03-05T12:00:01Z') },
  ]);
});
afterAll(async () => {
  await t?.close();
});

describe('filters', () => {
  it('lists events newest first with every stored field, changes parsed and personal data redacted', async () => {
    const { items, total, totalExact, nextBefore } = await list('?action=trailtest.*');
    expect(items.map((i) => i.action)).toEqual([
      'trailtest.accessxdenied', 'trailtest.access_denied', 'trailtest.sign_in', 'trailtest.keys.rotate',
      'trailtest.account.update', 'trailtest.product.delete', 'trailtest.product.update',
    ]);
    expect(items.map((i) => i.seq)).toEqual([...items.map((i) => i.seq)].sort((a, b) => b - a));
    expect({ total, totalExact, nextBefore }).toEqual({ total: 7, totalExact: true, nextBefore: null });
    const update = items.at(-1)!;
    expect(update).toMatchObject({
      occurredAt: '2025-03-01T09:00:00.000Z', actorType: 'staff', actorId: staffA, actorRole: 'admin', targetType: 'product', targetId: 'p-1',
      changes: { price: { before: 1000, after: 1200 } }, clientIp: '192.0.2.1', requestId: 'req-1', outcome: 'success',
    });
    expect(update.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(items.find((i) => i.action === 'trailtest.account.update')!.changes).toEqual({
      email: { before: '[redacted]', after: '[redacted]' },
      newsletter: { before: false, after: true },
    });
    expect(items.find((i) => i.action === 'trailtest.keys.rotate')!).toMatchObject({ actorId: null, targetType: null, changes: null });
  });

  it('filters by actor id and by actor type', async () => {
    expect(await actions(`?actor=${staffA}&action=trailtest.`)).toEqual(['trailtest.accessxdenied', 'trailtest.access_denied', 'trailtest.product.delete', 'trailtest.product.update']);
    expect(await actions(`?actor=${staffA.toUpperCase()}&action=trailtest.product.`)).toEqual(['trailtest.product.delete', 'trailtest.product.update']);
    expect(await actions(`?actor=${customerB}`)).toEqual(['trailtest.account.update']);
    expect(await actions('?actor=system&action=trailtest.')).toEqual(['trailtest.keys.rotate']);
    expect(await actions('?actor=anonymous&action=trailtest.')).toEqual(['trailtest.sign_in']);
    expect(await actions('?actor=customer&action=trailtest.')).toEqual(['trailtest.account.update']);
  });

  it('filters by exact action and by prefix (ending in . or *)', async () => {
    expect(await actions('?action=trailtest.product.update')).toEqual(['trailtest.product.update']);
    expect(await actions('?action=trailtest.product')).toEqual([]);
    expect(await actions('?action=trailtest.product.')).toEqual(['trailtest.product.delete', 'trailtest.product.update']);
    expect(await actions('?action=trailtest.prod*')).toEqual(['trailtest.product.delete', 'trailtest.product.update']);
  });

  it('matches _ and % in an action prefix literally, never as LIKE wildcards', async () => {
    // Unescaped, `_` would match the x of trailtest.accessxdenied.
    expect(await actions('?action=trailtest.access_*')).toEqual(['trailtest.access_denied']);
    // Unescaped, `%` would match every event.
    expect((await list('?action=%25*')).total).toBe(0);
    expect((await list('?action=trailtest.%25*')).total).toBe(0);
    expect((await list('?action=trailtest._ccess*')).total).toBe(0);
    expect(likePrefix('a_b%c\\')).toBe('a\\_b\\%c\\\\%');
  });

  it('filters by target type and target id, and by outcome', async () => {
    expect(await actions('?targetType=product')).toEqual(['trailtest.product.delete', 'trailtest.product.update']);
    expect(await actions('?targetType=product&targetId=p-1')).toEqual(['trailtest.product.update']);
    expect(await actions(`?targetId=${customerB}`)).toEqual(['trailtest.account.update']);
    expect(await actions('?outcome=failure&action=trailtest.')).toEqual(['trailtest.product.delete']);
    expect(await actions('?outcome=denied&action=trailtest.')).toEqual(['trailtest.access_denied', 'trailtest.sign_in']);
  });

  it('filters by time: dates take in the whole day, datetime-local values the whole minute, offsets are honoured', async () => {
    expect(await actions('?from=2025-03-02&to=2025-03-02')).toEqual(['trailtest.account.update', 'trailtest.product.delete']);
    expect(await actions('?from=2025-03-02T10:00&to=2025-03-03T00:00')).toEqual(['trailtest.keys.rotate', 'trailtest.account.update', 'trailtest.product.delete']);
    expect(await actions('?from=2025-03-02T10:00:01&to=2025-03-02T23:59:58')).toEqual([]);
    expect(await actions(`?from=${encodeURIComponent('2025-03-02T11:00:00+01:00')}&to=${encodeURIComponent('2025-03-02T10:00:00.000Z')}`)).toEqual(['trailtest.product.delete']);
    expect(await actions('?to=2025-03-01')).toEqual(['trailtest.product.update']);
    expect(await actions('?from=2025-03-05&action=trailtest.')).toEqual(['trailtest.accessxdenied', 'trailtest.access_denied']);
  });

  it('combines filters with AND', async () => {
    expect(await actions(`?actor=${staffA}&outcome=failure&action=trailtest.product.&from=2025-03-01&to=2025-03-31`)).toEqual(['trailtest.product.delete']);
    expect(await actions(`?actor=${staffA}&outcome=failure&targetId=p-1`)).toEqual([]);
    expect(await actions('?actor=staff&targetType=product&to=2025-03-01T09:00')).toEqual(['trailtest.product.update']);
  });

  it.each([
    ['actor=bob', 'actor'],
    [`actor=${staffA}x`, 'actor'],
    ['outcome=maybe', 'outcome'],
    ['from=2025-02-30', 'from'],
    ['to=yesterday', 'to'],
    ['from=2025-03-01T24:00', 'from'],
    ['from=2025-03-02&to=2025-03-01', 'to'],
    ['before=0', 'before'],
    ['before=abc', 'before'],
    ['before=-5', 'before'],
    ['action=*', 'action'],
    ['action=a*b*', 'action'],
    ['action=staff.%01', 'action'],
    [`targetId=${'x'.repeat(201)}`, 'targetId'],
  ])('answers 400 problem+json for %s', async (query, field) => {
    const res = await api(`?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json<{ code: string; errors: { field: string }[] }>();
    expect(problem.code).toBe('AUDIT_FILTER_INVALID');
    expect(problem.errors.map((e) => e.field)).toContain(`querystring.${field}`);
  });

  it('refuses unknown and over-long query parameters as malformed', async () => {
    for (const query of ['?actr=staff', `?action=${'a'.repeat(300)}`]) {
      const res = await api(query);
      expect(res.statusCode).toBe(400);
      expect(res.json<{ code: string }>().code).toBe('VALIDATION_FAILED');
    }
  });

  it('treats empty values as no filter, as a GET form sends them', async () => {
    expect((await list('?action=trailtest.&actor=&outcome=&targetType=&targetId=&from=&to=&before=')).total).toBe(7);
  });

  it('parses time values strictly', () => {
    expect(parseTimeFilter('2025-03-02')).toEqual({ start: at('2025-03-02T00:00:00Z'), end: at('2025-03-03T00:00:00Z') });
    expect(parseTimeFilter('2024-02-29T23:59')).toEqual({ start: at('2024-02-29T23:59:00Z'), end: at('2024-03-01T00:00:00Z') });
    expect(parseTimeFilter('2025-03-02T10:00:00.5Z')).toEqual({ start: at('2025-03-02T10:00:00.500Z'), end: at('2025-03-02T10:00:00.501Z') });
    for (const bad of ['2025-02-29', '2025-13-01', '2025-3-1', '2025-03-02Z', '2025-03-02T10', '2025-03-02T10:60', 'now', '']) expect(parseTimeFilter(bad)).toBeUndefined();
    const parsed = parseAuditQuery({ action: ' staff. ', actor: 'system' });
    expect(parsed).toEqual({ ok: true, search: { filter: { action: { prefix: 'staff.' }, actorType: 'system' }, params: { action: 'staff.', actor: 'system' } } });
  });
});

describe('pagination', () => {
  const total = 123;
  let seqs: number[];
  beforeAll(async () => {
    seqs = await seed(Array.from({ length: total }, (_, n) => ({ actor: { type: 'system' as const }, action: 'pagetest.tick', target: { type: 'tick', id: String(n) } })));
  });

  it('walks every matching event by nextBefore, 50 a page, without duplicates or gaps', async () => {
    const seen: number[] = [];
    let query = '?action=pagetest.tick';
    const sizes: number[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const body = await list(query);
      expect(body.total).toBe(total);
      sizes.push(body.items.length);
      seen.push(...body.items.map((i) => i.seq));
      if (body.nextBefore === null) break;
      query = `?action=pagetest.tick&before=${body.nextBefore}`;
    }
    expect(sizes).toEqual([50, 50, 23]);
    expect(seen).toEqual([...seqs].reverse());
  });

  it('keeps pages stable while new events arrive', async () => {
    const first = await list('?action=pagetest.tick');
    await seed([{ actor: { type: 'system' }, action: 'pagetest.tick', target: { type: 'tick', id: 'late' } }]);
    const second = await list(`?action=pagetest.tick&before=${first.nextBefore}`);
    expect(second.items[0]!.seq).toBe(first.items.at(-1)!.seq - 1);
    expect(second.total).toBe(total + 1);
  });

  it('pages the HTML with the filters kept in the older and newer links, and counts "51–100 of N"', async () => {
    const firstPage = await page('?action=pagetest.tick&outcome=success');
    expect(firstPage.statusCode).toBe(200);
    expect(firstPage.body).toContain('1–50 of 124');
    expect(firstPage.body).not.toContain('rel="prev"');
    const older = /<a [^>]*rel="next" href="([^"]+)"/.exec(firstPage.body)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toMatch(/^\/admin\/audit\?action=pagetest\.tick&outcome=success&before=\d+$/);

    const second = await page(older!.slice('/admin/audit'.length));
    expect(second.body).toContain('51–100 of 124');
    const newer = /<a [^>]*rel="prev" href="([^"]+)"/.exec(second.body)?.[1]?.replaceAll('&amp;', '&');
    expect(newer).toBe('/admin/audit?action=pagetest.tick&outcome=success');
    const third = await page(/<a [^>]*rel="next" href="([^"]+)"/.exec(second.body)![1]!.replaceAll('&amp;', '&').slice('/admin/audit'.length));
    expect(third.body).toContain('101–124 of 124');
    expect(third.body).not.toContain('rel="next"');
    const back = /<a [^>]*rel="prev" href="([^"]+)"/.exec(third.body)?.[1]?.replaceAll('&amp;', '&');
    expect(back).toMatch(/before=\d+$/);
    expect((await page(back!.slice('/admin/audit'.length))).body).toContain('51–100 of 124');
  });
});

describe('CSV export', () => {
  beforeAll(async () => {
    await seed([
      {
        actor: { type: 'staff', id: staffA, role: 'admin' }, action: 'csvtest.export', target: { type: 'note', id: '=HYPERLINK("http://evil.example","click")' },
        before: { title: 'Plain, "quoted"' }, after: { title: 'Line one\nline two' }, clientIp: '\t10.0.0.1', requestId: '@SUM(1+1)', occurredAt: at('2025-04-01T08:00:00Z'),
      },
      { actor: { type: 'system' }, action: 'csvtest.export', target: { type: 'note', id: '-2+3' }, requestId: '+cmd', occurredAt: at('2025-04-01T08:00:01Z') },
      { actor: { type: 'system' }, action: 'csvtest.export', target: { type: 'note', id: '\r=1' }, occurredAt: at('2025-04-01T08:00:02Z') },
    ]);
  });

  it('sends an attachment with a header row, RFC 4180 quoting and formula cells neutralised', async () => {
    const res = await csv('?action=csvtest.export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="audit-2026-11-27.csv"');
    expect(res.headers['cache-control']).toBe('private, no-store');
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual(['seq', 'occurred_at', 'actor_type', 'actor_id', 'actor_role', 'action', 'target_type', 'target_id', 'outcome', 'changes', 'client_ip', 'request_id', 'prev_hash', 'hash']);
    expect(rows).toHaveLength(4);
    const [, third, second, first] = rows as [string[], string[], string[], string[]];
    expect(third[7]).toBe("'\r=1");
    expect(second[7]).toBe("'-2+3");
    expect(second[11]).toBe("'+cmd");
    expect(first[7]).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(first[10]).toBe("'\t10.0.0.1");
    expect(first[11]).toBe("'@SUM(1+1)");
    expect(JSON.parse(first[9]!)).toEqual({ title: { before: 'Plain, "quoted"', after: 'Line one\nline two' } });
    expect(first.slice(0, 6)).toEqual([expect.stringMatching(/^\d+$/), '2025-04-01T08:00:00.000Z', 'staff', staffA, 'admin', 'csvtest.export']);
    expect(first[13]).toMatch(/^[0-9a-f]{64}$/);
    // No cell of the raw file begins a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('uses the same filters as the list, and refuses bad ones with 400', async () => {
    const rows = parseCsv((await csv(`?actor=${staffA}&action=trailtest.product.`)).body);
    expect(rows.slice(1).map((r) => r[5])).toEqual(['trailtest.product.delete', 'trailtest.product.update']);
    expect(parseCsv((await csv('?action=nothing.here')).body)).toHaveLength(1);
    const bad = await csv('?outcome=maybe');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ code: string }>().code).toBe('AUDIT_FILTER_INVALID');
  });

  it('streams the full filtered set past one batch', async () => {
    const rows = parseCsv((await csv('?action=pagetest.tick')).body);
    expect(rows).toHaveLength(1 + 124);
    const seqs = rows.slice(1).map((r) => Number(r[0]));
    expect(new Set(seqs).size).toBe(124);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it('stops at its row limit and says so in a last comment line', async () => {
    const event = (seq: number) => ({ seq, occurredAt: at('2025-01-01T00:00:00Z'), actorType: 'system', action: 'x.y', outcome: 'success', changesJson: null }) as unknown as AuditEventView;
    async function* batches() {
      yield [event(9), event(8)];
      yield [event(7), event(6)];
    }
    let text = '';
    for await (const chunk of auditCsv(batches(), 3)) text += chunk;
    const rows = parseCsv(text);
    expect(rows.map((r) => r[0])).toEqual(['seq', '9', '8', '7', '# Export stopped at 3 rows; more events match. Narrow the filters, or export again with before=7.']);
  });

  it('quotes and neutralises single cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('=1,2')).toBe('"\'=1,2"');
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('access', () => {
  it.each(['owner', 'admin', 'auditor'] as const)('lets the %s read the list, the CSV and the page', async (role) => {
    const cookie = staff[role].cookie;
    const res = await api('?action=trailtest.', cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect((await csv('?action=trailtest.', cookie)).statusCode).toBe(200);
    expect((await page('', cookie)).statusCode).toBe(200);
  });

  it.each(['catalog_manager', 'order_manager', 'support'] as const)('refuses the %s with 403 everywhere, and audits the attempt', async (role) => {
    const { cookie, userId } = staff[role];
    for (const res of [await api('', cookie), await csv('', cookie)]) {
      expect(res.statusCode).toBe(403);
      expect(res.json<{ code: string }>().code).toBe('STAFF_ACCESS_DENIED');
    }
    const html = await page('', cookie);
    expect(html.statusCode).toBe(403);
    expect(html.body).toContain('You do not have access to this page');
    const denied = await list(`?actor=${userId}&action=staff.access_denied`);
    expect(denied.total).toBe(3);
    expect(denied.items[0]).toMatchObject({ outcome: 'denied', targetType: 'permission', targetId: 'audit.read', actorRole: role });
  });

  it('answers 401 to the API and CSV and sends the page to sign-in when signed out', async () => {
    for (const url of ['/api/v1/admin/audit-events', '/api/v1/admin/audit-events.csv?action=staff.']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const res = await t.app.inject({ url: '/admin/audit', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/sign-in');
  });

  it('checks access before the filters, so a refused caller learns nothing from them', async () => {
    const refused = await api('?outcome=maybe', staff.support.cookie);
    expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([403, 'STAFF_ACCESS_DENIED']);
    expect(refused.body).not.toContain('outcome');
    const anonymous = await t.app.inject({ url: '/api/v1/admin/audit-events?outcome=maybe' });
    expect([anonymous.statusCode, anonymous.json<{ code: string }>().code]).toEqual([401, 'AUTH_SIGN_IN_REQUIRED']);
  });

  it('records nothing when the trail is read', async () => {
    const before = await t.audit.count();
    await api('?action=trailtest.');
    await csv('');
    await page('?action=trailtest.');
    expect(await t.audit.count()).toBe(before);
  });
});

describe('the page', () => {
  it('renders the trail for an auditor: filters, table, times, badges, changes and a CSV link with the filters', async () => {
    const res = await page('?action=trailtest.&to=2025-03-02');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const html = res.body;
    expect(html).toContain('<h1>Audit trail');
    expect(html).toMatch(/<title>Audit trail · Back office · /);
    expect(html).toContain('aria-current="page"');
    expect(html).toContain('<time datetime="2025-03-01T09:00:00.000Z">1 Mar 2025, 09:00:00</time>');
    expect(html).toContain('<span class="badge badge--danger">Failure</span>');
    expect(html).toContain('<span class="badge badge--ok">Success</span>');
    expect(html).toMatch(/<ul class="audit-changes"><li><code>email<\/code><\/li><li><code>newsletter<\/code><\/li><\/ul>/);
    expect(html).toContain('href="/api/v1/admin/audit-events.csv?action=trailtest.&amp;to=2025-03-02"');
    expect(html).toContain(`href="/admin/audit?actor=${staffA}&amp;action=trailtest.&amp;to=2025-03-02"`);
    expect(html).toContain('href="/admin/audit?action=trailtest.&amp;targetType=product&amp;targetId=p-1&amp;to=2025-03-02"');
    expect(html).toContain('1–3 of 3');
    expect(html).toMatch(/<input[^>]*id="action"[^>]*value="trailtest\."/);
    expect(html).toMatch(/<input[^>]*id="to"[^>]*type="date"[^>]*value="2025-03-02"|<input[^>]*type="date"[^>]*value="2025-03-02"/);
  });

  it('shows an empty state with a way to clear the filters', async () => {
    const res = await page('?action=nothing.matches.');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No events match these filters');
    expect(res.body).toMatch(/<a class="button button--secondary" href="\/admin\/audit">Clear filters<\/a>/);
    expect(res.body).not.toContain('<table');
  });

  it('says so when a page is past the oldest matching event', async () => {
    const res = await page('?action=trailtest.&before=1');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No older events');
    expect(res.body).toContain('href="/admin/audit?action=trailtest.">Back to the newest events</a>');
  });

  it('shows the form again with an error summary and the values kept when a filter is wrong', async () => {
    const res = await page('?outcome=maybe&from=2025-02-30&action=staff.');
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<title>Error: Audit trail/);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('<a href="#outcome">Outcome must be success, failure or denied</a>');
    expect(res.body).toContain('<a href="#from">From must be a real date');
    expect(res.body).toMatch(/<input[^>]*aria-invalid="true"[^>]*|<input[^>]*id="from"[^>]*aria-describedby="from-hint from-error"/);
    expect(res.body).toContain('<option value="maybe" selected>maybe</option>');
    expect(res.body).not.toContain('<table');
  });

  it('is in the back-office navigation for an auditor, and not for support', async () => {
    const home = await t.app.inject({ url: '/admin', headers: { cookie: staff.auditor.cookie, accept: 'text/html' } });
    expect(home.body).toContain('href="/admin/audit"');
    const supportHome = await t.app.inject({ url: '/admin', headers: { cookie: staff.support.cookie, accept: 'text/html' } });
    expect(supportHome.body).not.toContain('href="/admin/audit"');
  });
});

describe('OpenAPI', () => {
  it('documents the API and the export, not the page', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>();
    expect(doc.paths['/api/v1/admin/audit-events']?.get?.parameters?.map((p) => p.name).sort()).toEqual(['action', 'actor', 'before', 'from', 'outcome', 'targetId', 'targetType', 'to']);
    expect(doc.paths['/api/v1/admin/audit-events.csv']).toBeDefined();
    expect(doc.paths['/admin/audit']).toBeUndefined();
  });
});

describe('indexes', () => {
  it('has an index for each filter, each ending in seq where it pages', async () => {
    const rows = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where tablename = 'audit_event'`.execute(t.database.db);
    const defs = Object.fromEntries(rows.rows.map((r) => [r.indexname, r.indexdef]));
    expect(defs.audit_event_actor_id_seq_idx).toMatch(/\(actor_id, seq\)/);
    expect(defs.audit_event_action_seq_idx).toMatch(/\(action text_pattern_ops, seq\)/);
    expect(defs.audit_event_target_seq_idx).toMatch(/\(target_type, target_id, seq\)/);
    expect(defs.audit_event_occurred_at_idx).toMatch(/\(occurred_at\)/);
    expect(defs.audit_event_target_idx).toBeUndefined();
  });
});
