import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
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
 * nothing answers, its data is kept), resumed, and killed, without touching the Redis other tests share.
 */
export interface PrivateRedis {
  url: string;
  pause(): void;
  /** Resumes a paused server and resolves once it answers PING again. */
  resume(): Promise<void>;
  /** Kills the server and resolves once the process is gone. */
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    pause: () => void child.kill('SIGSTOP'),
    async resume() {
      child.kill('SIGCONT');
      const probe = new Redis(url, { maxRetriesPerRequest: null });
      try {
        await probe.ping();
      } finally {
        probe.disconnect();
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
