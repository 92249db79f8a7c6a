import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { faviconSvg } from './icons.js';

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
  scripts: { webauthn: string; passkeys: string; variantPicker: string; stripePayment: string; addToCart: string };
  /** Hashed URL of the SVG favicon; /favicon.ico answers with the same icon for browsers that ask there. */
  favicon: string;
}

function load(name: string, contentType: string, source: URL = new URL(name, import.meta.url)): Asset {
  return fromBytes(name, contentType, readFileSync(source));
}

function fromBytes(name: string, contentType: string, identity: Buffer): Asset {
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return {
    path: `/assets/${name.slice(0, dot)}.${hash}${name.slice(dot)}`,
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
  // The package exports only its entry point; its single-file browser build sits beside it.
  const webauthnBuild = join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js');
  const webauthn = load('webauthn.js', js, pathToFileURL(webauthnBuild));
  const passkeys = load('passkeys.js', js, new URL('scripts/passkeys.js', import.meta.url));
  const variantPicker = load('variant-picker.js', js, new URL('scripts/variant-picker.js', import.meta.url));
  const stripePayment = load('stripe-payment.js', js, new URL('scripts/stripe-payment.js', import.meta.url));
  const addToCart = load('add-to-cart.js', js, new URL('scripts/add-to-cart.js', import.meta.url));
  const favicon = fromBytes('favicon.svg', 'image/svg+xml', Buffer.from(faviconSvg));
  const byPath = new Map([css, webauthn, passkeys, variantPicker, stripePayment, addToCart, favicon].map((a) => [a.path, a]));

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
    scripts: { webauthn: webauthn.path, passkeys: passkeys.path, variantPicker: variantPicker.path, stripePayment: stripePayment.path, addToCart: addToCart.path },
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
