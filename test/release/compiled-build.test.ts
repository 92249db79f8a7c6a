import { execFile, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testPostgresUrl } from '../support/postgres.js';

const run = promisify(execFile);

// The release artefact runs the compiled JavaScript (dist/), not the TypeScript sources: this runs the
// real `npm run build` and proves the output is complete (stylesheet and data files copied, .tsx
// compiled, migrations listed, rate-limit rules found) by serving pages and an API call from it.
// It does not depend on the database, so it runs in the embedded pass only.
describe.runIf(testPostgresUrl() === undefined)('the compiled build (what `npm run release` ships)', () => {
  it('builds with `npm run build` and serves the shop from dist/main.js', { timeout: 300_000 }, async () => {
    await run('npm', ['run', 'build'], { cwd: process.cwd() });
    const dataDir = await mkdtemp(join(tmpdir(), 'bastion-dist-data-'));
    const child = spawn(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    try {
      let url: string | undefined;
      let closed = false;
      child.once('close', () => (closed = true));
      for (let i = 0; i < 2_400 && url === undefined && !closed; i++) {
        url = /Server listening at (http:\/\/\S+)"/.exec(out)?.[1];
        if (url === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(url, out).toBeDefined();
      const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Shop by category');
      const css = /href="(\/assets\/styles\.[0-9a-f]+\.css)"/.exec(html)?.[1];
      expect((await fetch(`${url}${css}`)).status).toBe(200);
      expect((await fetch(`${url}/account/sign-in`, { headers: { accept: 'text/html' } })).status).toBe(200);
      // The common-password list is a data file beside the compiled code: refusing one proves it shipped.
      const signUp = await fetch(`${url}/api/v1/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'someone@example.com', password: 'password123' }),
      });
      expect(signUp.status).toBe(400);
      expect(((await signUp.json()) as { code: string }).code).toBe('AUTH_PASSWORD_TOO_COMMON');
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('close', r));
      }
    }
    expect(out).toContain('stopped cleanly');
  });
});
