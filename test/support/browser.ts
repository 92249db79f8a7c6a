import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

if (!hasChromium) {
  process.stderr.write(`\n[browser tests] ${chromiumPath} not found: browser tests are SKIPPED. Install it with: apt-get install chromium\n\n`);
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page, under the page's own CSP: `page.evaluate` runs it through the DevTools
 * protocol, which the CSP does not govern (an injected <script> tag would be refused), and axe needs no
 * eval. test/security/csp.browser.test.ts shows both.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
  });
  return result.violations;
}

export function seriousViolations(violations: AxeViolation[]): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/**
 * Serves an app on a loopback port and opens Chromium for it: the common start of every browser test.
 * Screenshots go to test-results/.
 */
export async function openBrowserOn(app: FastifyInstance): Promise<{ browser: Browser; base: string }> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await mkdir('test-results', { recursive: true });
  return { browser: await launchBrowser(), base };
}

const violationsByContext = new WeakMap<BrowserContext, string[]>();

/**
 * A browser context under the pages' real CSP (never `bypassCSP`) that records every CSP violation any
 * of its pages meets, from two independent sources: the `securitypolicyviolation` event, listened to by a
 * script the DevTools protocol adds before any page script runs, and Chromium's console message
 * ("Refused to ... because it violates the following Content Security Policy directive").
 */
export async function newStrictContext(browser: Browser, options: Omit<BrowserContextOptions, 'bypassCSP'> = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ ...options, bypassCSP: false });
  const violations: string[] = [];
  violationsByContext.set(context, violations);
  await context.exposeBinding('__cspViolation', (_source, report: string) => void violations.push(`event: ${report}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (globalThis as unknown as { __cspViolation?: (r: string) => void }).__cspViolation;
      report?.(`${e.effectiveDirective} refused ${e.blockedURI || '(inline)'} on ${e.documentURI} ${e.sample}`.trim());
    });
  });
  const watch = (page: Page) =>
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
    });
  context.on('page', watch);
  return context;
}

/** The CSP violations a strict context's pages met so far. */
export function cspViolationsOf(context: BrowserContext): string[] {
  const found = violationsByContext.get(context);
  if (found === undefined) throw new Error('not a context from newStrictContext');
  return found;
}

/** Fails the test if any page of the context met a CSP violation, then closes the context. */
export async function closeStrictContext(context: BrowserContext): Promise<void> {
  const violations = [...cspViolationsOf(context)];
  await context.close();
  expect(violations, 'CSP violations in the browser').toEqual([]);
}
