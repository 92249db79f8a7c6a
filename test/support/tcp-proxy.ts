import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './redis-server.js';

/**
 * A loopback TCP proxy to a real server (PostgreSQL in the fault tests). `stop()` closes the listener and
 * cuts every open connection, exactly what clients see when the server goes down; `start()` listens again
 * on the same port, as the server coming back.
 */
export interface TcpProxy {
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const proxy: TcpProxy = {
    port,
    start: () =>
      new Promise((resolve, reject) => {
        server = createServer((client) => {
          const upstream = connect(target.port, target.host);
          track(client);
          track(upstream);
          client.pipe(upstream);
          upstream.pipe(client);
          client.on('error', () => upstream.destroy());
          upstream.on('error', () => client.destroy());
          client.on('close', () => upstream.destroy());
          upstream.on('close', () => client.destroy());
        });
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      }),
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        if (server === undefined) return resolve();
        server.close(() => resolve());
        server = undefined;
      }),
  };
  await proxy.start();
  return proxy;
}
