import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestContext } from '../../kernel/request-context.js';
import { storeNothing } from '../../http/answers.js';
import { logAuthEvent, logAuthFailures } from '../auth/index.js';
import { clearSessionCookie, type Session } from '../auth/index.js';
import * as S from './customers.schemas.js';
import { maxAddresses, type Address, type AddressInput, type CustomersService, type DeleteAccountInput, type Profile, type ProfileInput } from './customers.service.js';

export interface CustomerRouteDeps {
  customers: CustomersService;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
}

const tags = ['customers'];
const iso = (d: Date) => d.toISOString();
const addressDto = (a: Address) => ({ ...a, createdAt: iso(a.createdAt), updatedAt: iso(a.updatedAt) });
const profileDto = (p: Profile) => ({ ...p, updatedAt: p.updatedAt === null ? null : iso(p.updatedAt) });

/**
 * The customer API under /api/v1/me (docs/auth.md): profile, addresses, data export and account
 * deletion. Routes read the session and call the service, which checks it. Nothing here is ever stored
 * by a browser or a proxy.
 */
export function registerCustomerRoutes(app: FastifyInstance, deps: CustomerRouteDeps): void {
  const { customers, sessionOf } = deps;
  storeNothing(app);
  logAuthFailures(app, sessionOf);

  app.get('/api/v1/me/profile', { schema: { tags, response: { 200: S.Profile } } }, async (request) =>
    profileDto(await customers.getProfile(await sessionOf(request))),
  );

  app.put<{ Body: ProfileInput }>('/api/v1/me/profile', { schema: { tags, body: S.ProfileBody, response: { 200: S.Profile } } }, async (request) =>
    profileDto(await customers.saveProfile(await sessionOf(request), request.body)),
  );

  app.get('/api/v1/me/addresses', { schema: { tags, response: { 200: S.AddressList } } }, async (request) => ({
    items: (await customers.listAddresses(await sessionOf(request))).map(addressDto),
    max: maxAddresses,
  }));

  app.post<{ Body: AddressInput }>('/api/v1/me/addresses', { schema: { tags, body: S.AddressBody, response: { 201: S.Address } } }, async (request, reply) => {
    const address = await customers.addAddress(await sessionOf(request), request.body);
    return reply.code(201).header('location', `/api/v1/me/addresses/${address.id}`).send(addressDto(address));
  });

  app.get<{ Params: { id: string } }>('/api/v1/me/addresses/:id', { schema: { tags, params: S.AddressParams, response: { 200: S.Address } } }, async (request) =>
    addressDto(await customers.getAddress(await sessionOf(request), request.params.id)),
  );

  app.patch<{ Params: { id: string }; Body: AddressInput }>(
    '/api/v1/me/addresses/:id',
    { schema: { tags, params: S.AddressParams, body: S.AddressPatchBody, response: { 200: S.Address } } },
    async (request) => addressDto(await customers.updateAddress(await sessionOf(request), request.params.id, request.body)),
  );

  app.delete<{ Params: { id: string } }>('/api/v1/me/addresses/:id', { schema: { tags, params: S.AddressParams } }, async (request, reply) => {
    await customers.deleteAddress(await sessionOf(request), request.params.id);
    return reply.code(204).send();
  });

  app.get('/api/v1/me/export', { schema: { tags } }, async (request, reply) => {
    const data = await customers.exportData(await sessionOf(request));
    const day = data.exportedAt.slice(0, 10);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="my-data-${day}.json"`)
      .send(JSON.stringify(data, null, 2));
  });

  app.post<{ Body: DeleteAccountInput }>('/api/v1/me/delete', { schema: { tags, body: S.DeleteAccountBody, response: { 200: S.Deleted } } }, async (request, reply) => {
    const session = await sessionOf(request);
    await customers.deleteAccount(session, request.body, requestContext(request));
    logAuthEvent(request.log, 'auth.account_deleted', { userId: session?.userId, clientIp: request.ip });
    clearSessionCookie(request, reply);
    return { status: 'account_deleted', message: 'Your account and the data it held are deleted. You are signed out everywhere.' };
  });
}
