import { createHash } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../kernel/errors.js';
import type { RateLimiter } from '../../../http/rate-limit.js';
import { logAuthEvent } from '../auth.events.js';
import { setSessionCookie, type Session } from '../sessions.js';
import * as S from './passkeys.schemas.js';
import { passkeyLimit, type Passkey, type PasskeyService } from './passkeys.service.js';

export interface PasskeyRouteDeps {
  passkeys: PasskeyService;
  rateLimiter: RateLimiter;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  /** SESSION_ABSOLUTE_HOURS in seconds: the cookie's Max-Age. */
  cookieMaxAgeSeconds: number;
}

const tags = ['auth'];

const toItem = (p: Passkey) => ({ ...p, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null });

/** Logs why a ceremony was refused (the answer itself is one generic code; auth.routes.ts logs that code). */
async function logRefusal(request: FastifyRequest, _reply: FastifyReply, error: FastifyError): Promise<void> {
  if (error instanceof AppError && typeof error.details?.reason === 'string') {
    request.log.info({ passkeyRefusal: error.details.reason, code: error.code }, 'passkey refused');
  }
}

/**
 * The passkey API (docs/auth.md, "Passkeys"): registration and sign-in ceremonies under
 * /api/v1/auth/passkeys, the account's list under /api/v1/me/passkeys. JSON only, so the storefront's and
 * the back office's sign-in pages use the same routes; each page decides where to go afterwards.
 * Cache-Control and the auth.failure log line come from the hooks of auth.routes.ts (same path prefixes).
 */
export function registerPasskeyRoutes(app: FastifyInstance, deps: PasskeyRouteDeps): void {
  const { passkeys, rateLimiter, sessionOf } = deps;
  const limitAccount = (request: FastifyRequest, reply: FastifyReply, accountId: string) => rateLimiter.check(request, reply, { ip: request.ip, accountId });

  app.post(
    '/api/v1/auth/passkeys/registration/options',
    { schema: { tags, body: S.EmptyBody, response: { 200: S.CeremonyOptions } } },
    async (request, reply) => {
      const session = await sessionOf(request);
      if (session !== undefined) await limitAccount(request, reply, `user:${session.userId}`);
      return { options: await passkeys.registrationOptions(session) };
    },
  );

  app.post<{ Body: { name: string; response: RegistrationResponseJSON } }>(
    '/api/v1/auth/passkeys/registration/verify',
    { schema: { tags, body: S.RegisterBody, response: { 201: S.PasskeyItem } }, onError: logRefusal },
    async (request, reply) => {
      const session = await sessionOf(request);
      if (session !== undefined) await limitAccount(request, reply, `user:${session.userId}`);
      const passkey = await passkeys.register(session, request.body);
      logAuthEvent(request.log, 'auth.passkey_added', { userId: session?.userId, clientIp: request.ip });
      return reply.code(201).send(toItem(passkey));
    },
  );

  app.post('/api/v1/auth/passkeys/sign-in/options', { schema: { tags, body: S.EmptyBody, response: { 200: S.CeremonyOptions } } }, async () => ({
    options: await passkeys.signInOptions(),
  }));

  app.post<{ Body: { response: AuthenticationResponseJSON } }>(
    '/api/v1/auth/passkeys/sign-in/verify',
    { schema: { tags, body: S.SignInBody, response: { 200: S.SignedIn } }, onError: logRefusal },
    async (request, reply) => {
      // Counted per credential as well as per client address, whether or not the credential exists.
      const credentialKey = createHash('sha256').update(request.body.response.id).digest('hex').slice(0, 32);
      await limitAccount(request, reply, `passkey:${credentialKey}`);
      const result = await passkeys.signIn(request.body.response, await sessionOf(request));
      setSessionCookie(request, reply, result.token, deps.cookieMaxAgeSeconds);
      logAuthEvent(request.log, 'auth.passkey_sign_in', { userId: result.session.userId, clientIp: request.ip });
      return { status: 'signed_in' };
    },
  );

  app.get('/api/v1/me/passkeys', { schema: { tags, response: { 200: S.PasskeyList } } }, async (request) => ({
    items: (await passkeys.list(await sessionOf(request))).map(toItem),
    limit: passkeyLimit,
  }));

  app.delete<{ Params: { id: string } }>('/api/v1/me/passkeys/:id', { schema: { tags, params: S.PasskeyParams } }, async (request, reply) => {
    const session = await sessionOf(request);
    await passkeys.remove(session, request.params.id);
    logAuthEvent(request.log, 'auth.passkey_removed', { userId: session?.userId, clientIp: request.ip });
    return reply.code(204).send();
  });
}
