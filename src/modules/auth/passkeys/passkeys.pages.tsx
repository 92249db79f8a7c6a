import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../../kernel/errors.js';
import type { Csrf } from '../../../http/csrf.js';
import type { PageContextOf } from '../../../web/page-context.js';
import { logAuthEvent } from '../auth.events.js';
import { sendPrivatePage } from '../../../web/html-reply.js';
import { fullSessionOr as fullSessionOrRedirect, recentSessionOr as recentSessionOrRedirect } from '../auth.http.js';
import type { Session } from '../sessions.js';
import type { FormError } from '../../../web/forms/fields.js';
import { formErrorsOf } from '../../../web/forms/page-replies.js';
import { PasskeyGonePage, PasskeysPage, RemovePasskeyPage, RenamePasskeyPage } from './passkeys-views.js';
import { credentialIdMax, passkeyLimit, type PasskeyService } from './passkeys.service.js';

export interface PasskeyPageDeps {
  passkeys: PasskeyService;
  /** The auth service's recent-re-authentication check: adding and removing a passkey need it. */
  auth: { requireRecent(session: Session | undefined): Session; isRecent(session: Session): boolean };
  csrf: Csrf;
  pageContext: PageContextOf;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
}

const hide = { hide: true };
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: credentialIdMax, pattern: '^[A-Za-z0-9_-]+$' }) }, { additionalProperties: false });
const EmptyForm = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, { additionalProperties: false })]);
const notices: Record<string, string> = {
  added: 'Your passkey is added. You can use it the next time you sign in.',
  removed: 'The passkey is removed.',
  renamed: 'The passkey is renamed.',
};

/**
 * /account/security/passkeys: the account's passkeys with their names, adding one (through the script
 * and the JSON API), and removing one behind a confirmation page (plain forms, no JavaScript needed).
 * A full session is required, as for every security page.
 */
export function registerPasskeyPages(app: FastifyInstance, deps: PasskeyPageDeps): void {
  const { passkeys, csrf, pageContext, sessionOf } = deps;
  const send = sendPrivatePage;
  const fullSessionOr = fullSessionOrRedirect(sessionOf);
  const recentSessionOr = recentSessionOrRedirect(sessionOf, deps.auth);

  app.get<{ Querystring: { done?: string } }>(
    '/account/security/passkeys',
    { schema: { ...hide, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) }) } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      const [ctx, list] = await Promise.all([pageContext(request.url, request), passkeys.list(session)]);
      const notice = request.query.done === undefined ? undefined : notices[request.query.done];
      // Adding needs a recent re-authentication: without one the page offers that step instead of the form.
      const recent = deps.auth.isRecent(session);
      return send(reply, <PasskeysPage ctx={ctx} passkeys={list} limit={passkeyLimit} notice={notice} recent={recent} />);
    },
  );

  app.get<{ Params: { id: string } }>('/account/security/passkeys/:id/rename', { schema: { ...hide, params: IdParams } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    const [ctx, list] = await Promise.all([pageContext(request.url, request), passkeys.list(session)]);
    const passkey = list.find((p) => p.id === request.params.id);
    if (passkey === undefined) return send(reply.code(404), <PasskeyGonePage ctx={ctx} />);
    return send(reply, <RenamePasskeyPage ctx={ctx} csrf={csrf.token(request)} passkey={passkey} name={passkey.name} />);
  });

  app.post<{ Params: { id: string }; Body: { name?: string } }>(
    '/account/security/passkeys/:id/rename',
    { schema: { ...hide, params: IdParams, body: Type.Object({ name: Type.Optional(Type.String({ maxLength: 256 })) }, { additionalProperties: false }) } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      const name = request.body.name ?? '';
      let errors: FormError[];
      try {
        await passkeys.rename(session, request.params.id, name);
        logAuthEvent(request.log, 'auth.passkey_renamed', { userId: session.userId, clientIp: request.ip });
        return reply.redirect('/account/security/passkeys?done=renamed', 303);
      } catch (err) {
        if (err instanceof AppError && err.code === 'AUTH_PASSKEY_NOT_FOUND') return send(reply.code(404), <PasskeyGonePage ctx={await pageContext(request.url, request)} />);
        errors = formErrorsOf(err, reply, (c) => (c === 'AUTH_PASSKEY_NAME_INVALID' ? 'name' : undefined));
      }
      const passkey = (await passkeys.list(session)).find((p) => p.id === request.params.id);
      if (passkey === undefined) return send(reply.code(404), <PasskeyGonePage ctx={await pageContext(request.url, request)} />);
      return send(reply, <RenamePasskeyPage ctx={await pageContext(request.url, request)} csrf={csrf.token(request)} passkey={passkey} name={name} errors={errors} />);
    },
  );

  app.get<{ Params: { id: string } }>('/account/security/passkeys/:id/remove', { schema: { ...hide, params: IdParams } }, async (request, reply) => {
    const session = await recentSessionOr(request, reply, `/account/security/passkeys/${request.params.id}/remove`);
    if (session === undefined) return reply;
    const [ctx, list] = await Promise.all([pageContext(request.url, request), passkeys.list(session)]);
    const passkey = list.find((p) => p.id === request.params.id);
    if (passkey === undefined) return send(reply.code(404), <PasskeyGonePage ctx={ctx} />);
    return send(reply, <RemovePasskeyPage ctx={ctx} csrf={csrf.token(request)} passkey={passkey} />);
  });

  app.post<{ Params: { id: string } }>(
    '/account/security/passkeys/:id/remove',
    { schema: { ...hide, params: IdParams, body: EmptyForm } },
    async (request, reply) => {
      const session = await recentSessionOr(request, reply, `/account/security/passkeys/${request.params.id}/remove`);
      if (session === undefined) return reply;
      let endedCurrent: boolean;
      try {
        ({ endedCurrent } = await passkeys.remove(session, request.params.id));
      } catch (err) {
        if (err instanceof AppError && err.code === 'AUTH_PASSKEY_NOT_FOUND') return send(reply.code(404), <PasskeyGonePage ctx={await pageContext(request.url, request)} />);
        throw err;
      }
      logAuthEvent(request.log, 'auth.passkey_removed', { userId: session.userId, clientIp: request.ip });
      // This browser signed in with the passkey just removed: its session went with it.
      if (endedCurrent) return reply.redirect('/account/sign-in?done=passkey-removed', 303);
      return reply.redirect('/account/security/passkeys?done=removed', 303);
    },
  );
}
