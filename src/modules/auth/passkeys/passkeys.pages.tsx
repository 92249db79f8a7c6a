import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../../kernel/errors.js';
import type { Csrf } from '../../../http/csrf.js';
import type { PageContext } from '../../../web/page-context.js';
import { logAuthEvent } from '../auth.events.js';
import { sendPrivatePage } from '../../../web/html-reply.js';
import { fullSessionOr as fullSessionOrRedirect } from '../auth.http.js';
import type { Session } from '../sessions.js';
import { PasskeyGonePage, PasskeysPage, RemovePasskeyPage } from './passkeys-views.js';
import { credentialIdMax, passkeyLimit, type PasskeyService } from './passkeys.service.js';

export interface PasskeyPageDeps {
  passkeys: PasskeyService;
  csrf: Csrf;
  pageContext: (path: string) => Promise<PageContext>;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
}

const hide = { hide: true };
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: credentialIdMax, pattern: '^[A-Za-z0-9_-]+$' }) }, { additionalProperties: false });
const EmptyForm = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, { additionalProperties: false })]);
const notices: Record<string, string> = { added: 'Your passkey is added. You can use it the next time you sign in.', removed: 'The passkey is removed.' };

/**
 * /account/security/passkeys: the account's passkeys with their names, adding one (through the script
 * and the JSON API), and removing one behind a confirmation page (plain forms, no JavaScript needed).
 * A full session is required, as for every security page.
 */
export function registerPasskeyPages(app: FastifyInstance, deps: PasskeyPageDeps): void {
  const { passkeys, csrf, pageContext, sessionOf } = deps;
  const send = sendPrivatePage;
  const fullSessionOr = fullSessionOrRedirect(sessionOf);

  app.get<{ Querystring: { done?: string } }>(
    '/account/security/passkeys',
    { schema: { ...hide, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) }) } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      const [ctx, list] = await Promise.all([pageContext(request.url), passkeys.list(session)]);
      const notice = request.query.done === undefined ? undefined : notices[request.query.done];
      return send(reply, <PasskeysPage ctx={ctx} passkeys={list} limit={passkeyLimit} notice={notice} />);
    },
  );

  app.get<{ Params: { id: string } }>('/account/security/passkeys/:id/remove', { schema: { ...hide, params: IdParams } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    const [ctx, list] = await Promise.all([pageContext(request.url), passkeys.list(session)]);
    const passkey = list.find((p) => p.id === request.params.id);
    if (passkey === undefined) return send(reply.code(404), <PasskeyGonePage ctx={ctx} />);
    return send(reply, <RemovePasskeyPage ctx={ctx} csrf={csrf.token(request)} passkey={passkey} />);
  });

  app.post<{ Params: { id: string } }>(
    '/account/security/passkeys/:id/remove',
    { schema: { ...hide, params: IdParams, body: EmptyForm } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      try {
        await passkeys.remove(session, request.params.id);
      } catch (err) {
        if (err instanceof AppError && err.code === 'AUTH_PASSKEY_NOT_FOUND') return send(reply.code(404), <PasskeyGonePage ctx={await pageContext(request.url)} />);
        throw err;
      }
      logAuthEvent(request.log, 'auth.passkey_removed', { userId: session.userId, clientIp: request.ip });
      return reply.redirect('/account/security/passkeys?done=removed', 303);
    },
  );
}
