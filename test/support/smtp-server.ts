import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

export interface LoopbackSmtp {
  url: string;
  port: number;
  /** Messages the server accepted (answered 250), in order. */
  received: ReceivedMail[];
  /** How many messages arrived while `hang` was on: read in full, never answered. */
  hung: number;
  /** When on, a message's data is read and never answered: a sender stuck in the middle of a send. */
  hang: boolean;
  close(): Promise<void>;
}

/** Undoes quoted-printable soft breaks and escapes (enough for the ASCII tests look for). */
export const unQuotedPrintable = (raw: string): string =>
  raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * A real SMTP server (smtp-server) on loopback, without TLS, collecting what it accepts. `port` 0 picks a
 * free port; passing the port of a server that was closed starts it again where a mailer expects it.
 */
export async function startLoopbackSmtp(port = 0): Promise<LoopbackSmtp> {
  const state = { received: [] as ReceivedMail[], hung: 0, hang: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.hang) {
          state.hung++;
          return;
        }
        state.received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  // A client killed mid-session resets its socket; that is expected here.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${actual}`,
    port: actual,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
