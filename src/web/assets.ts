import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { faviconSvg } from './icons.js';
import { scriptHeader, subresourceIntegrity } from './script-inventory.js';

/** A static asset held in memory, compressed once, served under a content-hashed name. */
interface Asset {
  path: string;
  contentType: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

export interface Assets {
  /** Hashed URL of the stylesheet, e.g. /assets/app.3f2a9c1b.css */
  stylesheet: string;
  /**
   * Hashed URLs of the client scripts. `webauthn` is @simplewebauthn/browser's own minified UMD build
   * (one file, served as it ships: no bundler step); `passkeys` (src/web/scripts/passkeys.js) uses it.
   */
  scripts: Record<ClientScriptKey, string>;
  /** Subresource Integrity (`sha384-…`) of each script, by its hashed URL: the tags' `integrity` attribute. */
  integrity: Readonly<Record<string, string>>;
  /** The scripts whose header allows them on payment pages (`// @payment-page`, maybe for some providers only), for their CSP. */
  paymentPageScripts: readonly { path: string; integrity: string; providers?: readonly string[] }[];
  /** Hashed URL of the SVG favicon; /favicon.ico answers with the same icon for browsers that ask there. */
  favicon: string;
}

export type ClientScriptKey = 'webauthn' | 'passkeys' | 'variantPicker' | 'addToCart' | 'stripePayment';

/** A client script the app serves: its public name, where its bytes come from, and why it exists. */
export interface ClientScriptFile {
  key: ClientScriptKey;
  /** The name its hashed URL starts from, e.g. `passkeys.js` → /assets/passkeys.<hash>.js */
  name: string;
  file: URL;
  /** Where it comes from, for the inventory: a repository path or a package. */
  source: string;
  /** For files without a header comment of ours (a package's build); ours say it in their header. */
  purpose?: string;
}

/**
 * Every client script the app serves. Our own are plain files under src/web/scripts, each opening with a
 * comment whose first paragraph says what it is for (and `// @payment-page` when a payment page may load
 * it); the script inventory (`npm run scripts:inventory`) is generated from this list.
 */
export function clientScriptFiles(): ClientScriptFile[] {
  // The package exports only its entry point; its single-file browser build sits beside it.
  const webauthnBuild = join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js');
  const own = (key: ClientScriptKey, name: string): ClientScriptFile => ({ key, name, file: new URL(`scripts/${name}`, import.meta.url), source: `src/web/scripts/${name}` });
  return [
    {
      key: 'webauthn', name: 'webauthn.js', file: pathToFileURL(webauthnBuild), source: '@simplewebauthn/browser (dist/bundle/index.umd.min.js)',
      purpose: "The WebAuthn browser library (@simplewebauthn/browser's own minified build, served as it ships) that passkeys.js calls.",
    },
    own('passkeys', 'passkeys.js'),
    own('variantPicker', 'variant-picker.js'),
    own('addToCart', 'add-to-cart.js'),
    own('stripePayment', 'stripe-payment.js'),
  ];
}

/** The content-hashed public path of an asset: /assets/<name>.<first 12 hex of sha256>.<ext> */
export function hashedAssetPath(name: string, bytes: Buffer): string {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return `/assets/${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

function load(name: string, contentType: string, source: URL = new URL(name, import.meta.url)): Asset {
  return fromBytes(name, contentType, readFileSync(source));
}

function fromBytes(name: string, contentType: string, identity: Buffer): Asset {
  return {
    path: hashedAssetPath(name, identity),
    contentType,
    identity,
    gzip: gzipSync(identity, { level: 9 }),
    br: brotliCompressSync(identity),
  };
}

/**
 * Serves the app's own static assets. Names carry their content hash, so they are cached for a year
 * as immutable and a new release can never be mixed with an old stylesheet.
 */
export function registerAssets(app: FastifyInstance): Assets {
  const css = load('styles.css', 'text/css; charset=utf-8');
  const js = 'text/javascript; charset=utf-8';
  const scripts = clientScriptFiles().map((file) => {
    const asset = load(file.name, js, file.file);
    const integrity = subresourceIntegrity(asset.identity);
    const header = file.purpose === undefined ? scriptHeader(asset.identity.toString('utf8')) : undefined;
    return { key: file.key, asset, integrity, paymentPage: header?.paymentPage === true, providers: header?.providers };
  });
  const favicon = fromBytes('favicon.svg', 'image/svg+xml', Buffer.from(faviconSvg));
  const byPath = new Map([css, ...scripts.map((s) => s.asset), favicon].map((a) => [a.path, a]));

  app.get('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = byPath.get(request.url.split('?')[0] ?? '');
    if (!asset) return reply.callNotFound();
    return sendAsset(request, reply, asset, 'public, max-age=31536000, immutable');
  });
  // Browsers and crawlers ask for /favicon.ico whatever the page links; its name carries no hash, so it
  // is cached for a week rather than forever.
  app.get('/favicon.ico', { schema: { hide: true } }, async (request, reply) => sendAsset(request, reply, favicon, 'public, max-age=604800'));
  return {
    stylesheet: css.path,
    scripts: Object.fromEntries(scripts.map((s) => [s.key, s.asset.path])) as Record<ClientScriptKey, string>,
    integrity: Object.fromEntries(scripts.map((s) => [s.asset.path, s.integrity])),
    paymentPageScripts: scripts
      .filter((s) => s.paymentPage)
      .map((s) => ({ path: s.asset.path, integrity: s.integrity, ...(s.providers ? { providers: s.providers } : {}) })),
    favicon: favicon.path,
  };
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string): FastifyReply {
  const accepts = String(request.headers['accept-encoding'] ?? '');
  const [encoding, body] = accepts.includes('br')
    ? (['br', asset.br] as const)
    : accepts.includes('gzip')
      ? (['gzip', asset.gzip] as const)
      : ([undefined, asset.identity] as const);
  if (encoding) reply.header('content-encoding', encoding);
  return reply
    .header('vary', 'accept-encoding')
    .header('cache-control', cacheControl)
    .type(asset.contentType)
    .send(body);
}
