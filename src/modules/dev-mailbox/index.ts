import type { FastifyInstance } from 'fastify';
import { registerDevMailboxRoutes, type DevMailboxDeps } from './dev-mailbox.routes.js';

/** The development mailbox: every mail the dev mailer stored, readable at /dev/mailbox (never in production). */
export async function devMailboxPlugin(app: FastifyInstance, options: DevMailboxDeps): Promise<void> {
  registerDevMailboxRoutes(app, options);
}
