import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A user of the test pool, with the attributes Cognito puts in its ID tokens. */
export interface PoolUser {
  email?: string;
  emailVerified?: boolean;
  groups?: string[];
}

/**
 * A real OpenID provider (`oidc-provider`) on 127.0.0.1, configured like an Amazon Cognito user pool's app
 * client: a public client (no secret) for the code flow with PKCE required, RS256 ID tokens that carry
 * `email`, `email_verified`, `cognito:groups` and `token_use: 'id'`, signed with a key generated here and
 * published at its JWKS URI (found through its discovery document).
 *
 * There is no login page: the interaction step signs in `nextLogin` (a key of `users`) and grants the
 * client's scopes, or answers `error=access_denied` when it is 'deny', so a test drives the whole flow with
 * plain HTTP requests. `tamperNextIdToken` rewrites the ID token of the next token response, to send a
 * forged token through the real callback path.
 */
export interface TestIssuer {
  issuer: string;
  clientId: string;
  jwksUri: string;
  /** The signing key (its public half is in the JWKS under `kid`), for crafting tokens in tests. */
  privateKey: KeyObject;
  kid: string;
  users: Map<string, PoolUser>;
  nextLogin: string;
  tamperNextIdToken: ((idToken: string) => string) | undefined;
  /** Signs a JWT with a key (the issuer's by default); `alg: 'none'` leaves the signature empty. */
  signJwt(payload: Record<string, unknown>, options?: { key?: KeyObject; kid?: string; alg?: string }): string;
  close(): Promise<void>;
}

const b64u = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function signJwt(payload: Record<string, unknown>, options: { key: KeyObject; kid: string; alg?: string }): string {
  const alg = options.alg ?? 'RS256';
  const signingInput = `${b64u(JSON.stringify({ alg, typ: 'JWT', kid: options.kid }))}.${b64u(JSON.stringify(payload))}`;
  const signature = alg === 'none' ? '' : sign('sha256', Buffer.from(signingInput), options.key).toString('base64url');
  return `${signingInput}.${signature}`;
}

export async function startTestIssuer(options: { clientId: string; redirectUris: string[]; postLogoutRedirectUris?: string[] }): Promise<TestIssuer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `test-key-${randomBytes(4).toString('hex')}`;
  const users = new Map<string, PoolUser>();

  const provider = new Provider(issuerUrl, {
    clients: [
      {
        client_id: options.clientId,
        token_endpoint_auth_method: 'none',
        // Cognito's ID tokens always carry auth_time; the app decides from it whether a sign-in re-authenticates.
        require_auth_time: true,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    // Cognito's ID token carries the user's attributes and groups itself, not only the userinfo endpoint.
    conformIdTokenClaims: false,
    claims: { openid: ['sub', 'token_use', 'cognito:groups', 'cognito:username'], email: ['email', 'email_verified'] },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = users.get(sub);
      if (user === undefined) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          token_use: 'id',
          'cognito:username': sub,
          ...(user.email !== undefined ? { email: user.email, email_verified: user.emailVerified ?? true } : {}),
          ...(user.groups !== undefined ? { 'cognito:groups': user.groups } : {}),
        }),
      };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
  });

  const issuer: TestIssuer = {
    issuer: issuerUrl,
    clientId: options.clientId,
    jwksUri: `${issuerUrl}/jwks`,
    privateKey,
    kid,
    users,
    nextLogin: '',
    tamperNextIdToken: undefined,
    signJwt: (payload, o = {}) => signJwt(payload, { key: o.key ?? privateKey, kid: o.kid ?? kid, ...(o.alg ? { alg: o.alg } : {}) }),
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };

  provider.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      let result: Record<string, unknown>;
      if (issuer.nextLogin === 'deny') {
        result = { error: 'access_denied', error_description: 'The user cancelled signing in.' };
      } else {
        const grant = new provider.Grant({ accountId: issuer.nextLogin, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        result = { login: { accountId: issuer.nextLogin }, consent: { grantId: await grant.save() } };
      }
      ctx.status = 303;
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
      return;
    }
    await next();
    const tamper = issuer.tamperNextIdToken;
    if (ctx.path === '/token' && tamper !== undefined && typeof ctx.body === 'object' && ctx.body !== null && 'id_token' in ctx.body) {
      issuer.tamperNextIdToken = undefined;
      const body = ctx.body as { id_token: string };
      body.id_token = tamper(body.id_token);
    }
  });
  server.on('request', provider.callback());
  return issuer;
}
