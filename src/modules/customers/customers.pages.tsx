import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../kernel/errors.js';
import type { Csrf } from '../../http/csrf.js';
import type { PageContextOf } from '../../web/page-context.js';
import { requestContext } from '../../kernel/request-context.js';
import { logAuthEvent } from '../auth/index.js';
import type { AuthService } from '../auth/index.js';
import { MessagePage } from '../auth/index.js';
import type { FormError } from '../../web/forms/fields.js';
import { clearSessionCookie, type Session } from '../auth/index.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { sendPrivatePage } from '../../web/html-reply.js';
import { fullSessionOr as fullSessionOrRedirect, recentSessionOr as recentSessionOrRedirect } from '../auth/index.js';
import { fieldProblemsOf } from './customers.errors.js';
import { maxAddresses, type AddressInput, type CustomersService } from './customers.service.js';
import { AddressesPage, AddressFormPage, DeleteAccountPage, DeleteAddressPage, ProfilePage } from './pages/customer-pages.js';

export interface CustomerPageDeps {
  customers: CustomersService;
  auth: Pick<AuthService, 'me' | 'requireRecent' | 'reauthOptions'>;
  csrf: Csrf;
  pageContext: PageContextOf;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
}

/** A refused request as form errors; an address refused field by field keeps each problem at its field. */
function formErrors(err: unknown, reply: FastifyReply, fieldFor?: (code: string) => string | undefined): FormError[] {
  const errors = formErrorsOf(err, reply, fieldFor);
  return fieldProblemsOf(err) ?? errors;
}

// Form bodies: every field optional text (an incomplete form is shown again with its errors), no
// unknown fields. Bounds are loose here so an over-long value gets the service's sentence, not a 400 page.
const text = (max = 1000) => Type.Optional(Type.String({ maxLength: max }));
const tick = Type.Optional(Type.Literal('yes'));
const strict = { additionalProperties: false } as const;
const ProfileForm = Type.Object({ fullName: text(), phone: text(), marketingOptIn: tick }, strict);
const addressFields = {
  label: text(),
  name: text(),
  line1: text(),
  line2: text(),
  city: text(),
  region: text(),
  postalCode: text(),
  country: text(),
  phone: text(),
  isDefaultShipping: tick,
  isDefaultBilling: tick,
};
const AddressForm = Type.Object(addressFields, strict);
const DeleteAccountForm = Type.Object({ password: text(1024), code: text(64) }, strict);
const EmptyForm = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) });

type AddressFormBody = { [K in keyof typeof addressFields]?: string };

/** A posted address form as service input: a box left unticked means "not a default". */
const addressInputOf = (body: AddressFormBody): AddressInput => ({
  label: body.label ?? null,
  name: body.name ?? '',
  line1: body.line1 ?? '',
  line2: body.line2 ?? null,
  city: body.city ?? '',
  region: body.region ?? null,
  postalCode: body.postalCode ?? '',
  country: body.country ?? '',
  phone: body.phone ?? null,
  isDefaultShipping: body.isDefaultShipping === 'yes',
  isDefaultBilling: body.isDefaultBilling === 'yes',
});

const addressNotices: Record<string, string> = {
  added: 'The address is saved.',
  changed: 'The address is changed.',
  deleted: 'The address is deleted.',
};

/**
 * The customer's account pages (GOV.UK-style forms that work without JavaScript): details, addresses
 * (list, add, change, delete behind a confirmation) and account deletion. Each form posts back with its
 * CSRF token; success redirects (303), failure shows the form again with an error summary, inline errors
 * and the values kept (never a password). Every page is `private, no-store`.
 */
export function registerCustomerPages(app: FastifyInstance, deps: CustomerPageDeps): void {
  const { customers, csrf, pageContext, sessionOf } = deps;
  const hide = { hide: true };

  const send = sendPrivatePage;
  const ctxOf = (request: FastifyRequest) => pageContext(request.url, request);
  const fullSessionOr = fullSessionOrRedirect(sessionOf);
  const recentSessionOr = recentSessionOrRedirect(sessionOf, deps.auth);

  // --- profile ---------------------------------------------------------------------------------------
  app.get<{ Querystring: { done?: string } }>('/account/profile', { schema: { ...hide, querystring: DoneQuery } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    const profile = await customers.getProfile(session);
    const values = { fullName: profile.fullName ?? '', phone: profile.phone ?? '', marketingOptIn: profile.marketingOptIn };
    const notice = request.query.done === 'saved' ? 'Your details are saved.' : undefined;
    return send(reply, <ProfilePage ctx={await ctxOf(request)} csrf={csrf.token(request)} values={values} notice={notice} />);
  });

  app.post<{ Body: { fullName?: string; phone?: string; marketingOptIn?: 'yes' } }>(
    '/account/profile',
    { schema: { ...hide, body: ProfileForm } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      const values = { fullName: request.body.fullName ?? '', phone: request.body.phone ?? '', marketingOptIn: request.body.marketingOptIn === 'yes' };
      try {
        await customers.saveProfile(session, values);
        return reply.redirect('/account/profile?done=saved', 303);
      } catch (err) {
        const errors = formErrors(err, reply);
        return send(reply, <ProfilePage ctx={await ctxOf(request)} csrf={csrf.token(request)} values={values} errors={errors} />);
      }
    },
  );

  // --- addresses -------------------------------------------------------------------------------------
  app.get<{ Querystring: { done?: string } }>('/account/addresses', { schema: { ...hide, querystring: DoneQuery } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    const addresses = await customers.listAddresses(session);
    const notice = request.query.done === undefined ? undefined : addressNotices[request.query.done];
    return send(reply, <AddressesPage ctx={await ctxOf(request)} addresses={addresses} max={maxAddresses} notice={notice} />);
  });

  app.get('/account/addresses/new', { schema: hide }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    // A first address is ticked as both defaults; the shopper sees it and may untick.
    const first = (await customers.listAddresses(session)).length === 0;
    const values = first ? { isDefaultShipping: true, isDefaultBilling: true } : {};
    return send(reply, <AddressFormPage ctx={await ctxOf(request)} csrf={csrf.token(request)} action="/account/addresses" title="Add an address" submit="Save address" values={values} />);
  });

  app.post<{ Body: AddressFormBody }>('/account/addresses', { schema: { ...hide, body: AddressForm } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    const input = addressInputOf(request.body);
    try {
      await customers.addAddress(session, input);
      return reply.redirect('/account/addresses?done=added', 303);
    } catch (err) {
      const errors = formErrors(err, reply);
      return send(
        reply,
        <AddressFormPage ctx={await ctxOf(request)} csrf={csrf.token(request)} action="/account/addresses" title="Add an address" submit="Save address" values={input} errors={errors} />,
      );
    }
  });

  app.get<{ Params: { id: string } }>('/account/addresses/:id/edit', { schema: { ...hide, params: IdParams } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    // An id that is not the caller's throws CUSTOMER_ADDRESS_NOT_FOUND: the site's 404 page, as for an unknown one.
    const address = await customers.getAddress(session, request.params.id);
    const action = `/account/addresses/${address.id}`;
    return send(reply, <AddressFormPage ctx={await ctxOf(request)} csrf={csrf.token(request)} action={action} title="Change an address" submit="Save changes" values={address} />);
  });

  app.post<{ Params: { id: string }; Body: AddressFormBody }>(
    '/account/addresses/:id',
    { schema: { ...hide, params: IdParams, body: AddressForm } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      const input = addressInputOf(request.body);
      try {
        await customers.updateAddress(session, request.params.id, input);
        return reply.redirect('/account/addresses?done=changed', 303);
      } catch (err) {
        if (err instanceof AppError && err.code === 'CUSTOMER_ADDRESS_NOT_FOUND') throw err;
        const errors = formErrors(err, reply);
        const action = `/account/addresses/${request.params.id}`;
        return send(
          reply,
          <AddressFormPage ctx={await ctxOf(request)} csrf={csrf.token(request)} action={action} title="Change an address" submit="Save changes" values={input} errors={errors} />,
        );
      }
    },
  );

  app.get<{ Params: { id: string } }>('/account/addresses/:id/delete', { schema: { ...hide, params: IdParams } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    const address = await customers.getAddress(session, request.params.id);
    return send(reply, <DeleteAddressPage ctx={await ctxOf(request)} csrf={csrf.token(request)} address={address} />);
  });

  app.post<{ Params: { id: string } }>('/account/addresses/:id/delete', { schema: { ...hide, params: IdParams, body: EmptyForm } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    await customers.deleteAddress(session, request.params.id);
    return reply.redirect('/account/addresses?done=deleted', 303);
  });

  // --- account deletion ------------------------------------------------------------------------------
  // An account with a password confirms on this page; one without (passkey-only, Cognito) re-authenticates first.
  app.get('/account/delete', { schema: hide }, async (request, reply) => {
    let session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    const options = await deps.auth.reauthOptions(session);
    if (!options.password) session = await recentSessionOr(request, reply, '/account/delete');
    if (session === undefined) return reply;
    return send(reply, <DeleteAccountPage ctx={await ctxOf(request)} csrf={csrf.token(request)} mfaEnabled={options.mfa} password={options.password} />);
  });

  app.post<{ Body: { password?: string; code?: string } }>('/account/delete', { schema: { ...hide, body: DeleteAccountForm } }, async (request, reply) => {
    let session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    const options = await deps.auth.reauthOptions(session);
    if (!options.password) session = await recentSessionOr(request, reply, '/account/delete');
    if (session === undefined) return reply;
    const password = request.body.password ?? '';
    const code = (request.body.code ?? '').trim();
    let errors: FormError[] = options.password && password === '' ? [{ field: 'password', message: 'Enter your password' }] : [];
    if (errors.length === 0) {
      try {
        // Six digits are an app code; anything else typed there is a recovery code.
        const factor = code === '' ? {} : /^[0-9\s]{6,8}$/.test(code) ? { code: code.replace(/\s/g, '') } : { recoveryCode: code };
        await customers.deleteAccount(session, options.password ? { password, ...factor } : {}, requestContext(request));
        logAuthEvent(request.log, 'auth.account_deleted', { userId: session.userId, clientIp: request.ip });
        clearSessionCookie(request, reply);
        return reply.redirect('/account/deleted', 303);
      } catch (err) {
        errors = formErrors(err, reply, (c) => (c === 'AUTH_MFA_CODE_INVALID' || c === 'AUTH_MFA_CODE_REQUIRED' ? 'code' : undefined));
        if (err instanceof AppError) {
          if (err.code.startsWith('AUTH_')) logAuthEvent(request.log, 'auth.failure', { code: err.code, userId: session.userId, clientIp: request.ip });
          // Signed in, the address is known: say plainly that the password was wrong.
          if (err.code === 'AUTH_INVALID_CREDENTIALS') errors = [{ field: 'password', message: 'Your password is not right' }];
        }
      }
    } else reply.code(400);
    return send(reply, <DeleteAccountPage ctx={await ctxOf(request)} csrf={csrf.token(request)} mfaEnabled={options.mfa} password={options.password} errors={errors} />);
  });

  app.get('/account/deleted', { schema: hide }, async (request, reply) =>
    send(
      reply,
      <MessagePage
        ctx={await ctxOf(request)}
        title="Your account is deleted"
        message="Your details, addresses and sign-in details are gone, and you are signed out everywhere. We have sent a confirmation to your e-mail address."
        link={{ href: '/', label: 'Continue shopping' }}
      />,
    ),
  );
}
