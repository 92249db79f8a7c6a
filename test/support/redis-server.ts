import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** True when a `redis-server` binary is on PATH, for tests that run a Redis of their own. */
export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

/** A free loopback TCP port (the kernel picks it; closed again before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A private redis-server on a loopback port, for fault tests: it can be paused (SIGSTOP: sockets stay open,
 * nothing answers, its data is kept), resumed, killed, snapshotted to its own folder and started again from
 * that snapshot (old data coming back), without touching the Redis other tests share.
 */
export interface PrivateRedis {
  url: string;
  pause(): void;
  /** Resumes a paused server and resolves once it answers PING again. */
  resume(): Promise<void>;
  /** Writes its data to dump.rdb in its folder (SAVE), to come back with after a restart. */
  snapshot(): Promise<void>;
  /** Kills the server (no save on the way out) and resolves once the process is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, loading the last snapshot, and resolves once it answers. */
  start(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'bastion-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no'];
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      started.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      started.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
    });
  };
  const command = async (run: (redis: Redis) => Promise<unknown>): Promise<void> => {
    const client = new Redis(url, { maxRetriesPerRequest: null });
    try {
      await run(client);
    } finally {
      client.disconnect();
    }
  };

  await start();
  return {
    url,
    pause: () => void child?.kill('SIGSTOP'),
    async resume() {
      child?.kill('SIGCONT');
      await command((r) => r.ping());
    },
    snapshot: () => command((r) => r.save()),
    async stop() {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
    start,
  };
}
