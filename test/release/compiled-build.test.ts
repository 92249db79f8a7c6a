import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testPostgresUrl } from '../support/postgres.js';

const run = promisify(execFile);

// The release artefact runs the compiled JavaScript (dist/), not the TypeScript sources: this proves the
// build is complete (stylesheet copied, .tsx compiled, migrations listed) by serving a page from it.
// It does not depend on the database, so it runs in the embedded pass only.
describe.runIf(testPostgresUrl() === undefined)('the compiled build (what `npm run release` ships)', () => {
  it('builds with tsc and serves the shop from dist/main.js', { timeout: 240_000 }, async () => {
    // Inside the project, so the compiled files resolve node_modules as a release does.
    await mkdir('.tmp', { recursive: true });
    const outDir = await mkdtemp(join(process.cwd(), '.tmp', 'dist-'));
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: process.cwd() });
    await run('cp', ['src/web/styles.css', join(outDir, 'web/styles.css')]);
    const dataDir = await mkdtemp(join(tmpdir(), 'bastion-dist-data-'));
    const child = spawn(process.execPath, [join(outDir, 'main.js')], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', SEED_DEMO: 'always', RATE_LIMITS_FILE: join(process.cwd(), 'config/rate-limits.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    try {
      let url: string | undefined;
      let closed = false;
      child.once('close', () => (closed = true));
      for (let i = 0; i < 1_800 && url === undefined && !closed; i++) {
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
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('close', r));
      }
      await rm(outDir, { recursive: true, force: true });
    }
    expect(out).toContain('stopped cleanly');
  });
});
