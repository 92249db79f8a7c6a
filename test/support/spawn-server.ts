import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves with the listening URL(s) once `count` "Server listening" lines have appeared. */
  listening: (count?: number) => Promise<string[]>;
}

/** Runs the real entry point (src/main.ts) as a child process with the given environment. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bastion-proc-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  // 'close' (not 'exit') fires after stdout and stderr are drained, so the output is complete.
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      resolve(code);
    }),
  );
  const listening = (count = 1): Promise<string[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const urls = [...out.matchAll(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]!);
        if (urls.length >= count) return resolve(urls);
        if (closed) return reject(new Error(`server exited ${child.exitCode}:\n${out}`));
        setTimeout(check, 50);
      };
      check();
    });
  return { child, output: () => out, exited, listening };
}
