import http from 'node:http';
import type { FastifyInstance } from 'fastify';

export interface HttpsRedirectOptions {
  /** The plain-HTTP port (HTTP_REDIRECT_PORT). */
  port: number;
  host: string;
  /** PUBLIC_URL: redirects go to its host (never to the request's Host header), over https. */
  publicUrl: string;
}

/**
 * The optional plain-HTTP listener beside an HTTPS server: it serves nothing and answers GET/HEAD with a
 * permanent redirect to the same path on the HTTPS origin. Any other method gets 400: a form posted over
 * plain HTTP has already crossed the network in clear text, and replaying it silently would hide that.
 * It starts when the app listens and stops when the app closes.
 */
export function registerHttpsRedirect(app: FastifyInstance, options: HttpsRedirectOptions): { address: () => number | undefined } {
  const target = new URL(options.publicUrl);
  target.protocol = 'https:';
  const origin = target.origin;
  const server = http.createServer({ maxHeaderSize: 8192 }, (req, res) => {
    const path = req.url ?? '/';
    res.setHeader('connection', 'close');
    if ((req.method === 'GET' || req.method === 'HEAD') && path.startsWith('/')) {
      // `origin + path` keeps the redirect on our host even for a path like `//evil.example`.
      res.writeHead(301, { location: `${origin}${path}`, 'cache-control': 'public, max-age=3600', 'content-length': '0' });
      res.end();
      return;
    }
    const body = JSON.stringify({ type: '/problems/https-required', title: 'Bad Request', status: 400, code: 'HTTPS_REQUIRED', detail: `Use ${origin}.` });
    res.writeHead(400, { 'content-type': 'application/problem+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.requestTimeout = 10_000;

  app.addHook('onListen', async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    app.log.info({ port: addressOf() }, 'plain-HTTP listener redirects to HTTPS');
  });
  app.addHook('onClose', async () => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const addressOf = (): number | undefined => {
    const a = server.address();
    return a !== null && typeof a === 'object' ? a.port : undefined;
  };
  return { address: addressOf };
}
