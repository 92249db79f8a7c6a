/**
 * Verifies an ID token from the user pool before anything trusts it, with aws-jwt-verify:
 *
 * - signature by a key of the pool's JWKS, found by `kid` (an unknown `kid` refetches the JWKS once, at most
 *   every 10 seconds, for key rotation), with an asymmetric algorithm from the library's allow-list (RS*,
 *   ES*, EdDSA): `alg: none` and HMAC tokens signed with the public key are refused;
 * - `iss` equal to the pool's issuer, `aud` containing the app client id, `exp` present and in the future
 *   (aws-jwt-verify only checks `exp` when present, so its presence is checked here), `nbf` if present;
 * - `token_use` equal to `id` (Cognito marks its tokens; an access token is not a statement of identity);
 * - `nonce` equal to the one this sign-in attempt sent (no replay of another sign-in's token);
 * - `sub` present.
 *
 * Why aws-jwt-verify rather than jose: it is AWS's own verifier for Cognito tokens, already a direct
 * dependency, small, with no algorithm choice left to the caller, and with JWKS caching and a rate-limited
 * refetch built in. openid-client checks the token's claims too on the code exchange, but (as OpenID Connect
 * allows for a token received straight from the token endpoint) not its signature; this check does.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { FetchError } from 'aws-jwt-verify/error';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { oidcTokenInvalid, oidcUnavailable } from './cognito.errors.js';

/** What Bastion takes from a verified ID token. */
export interface VerifiedIdentity {
  /** The pool's stable id of the user (`sub`); the link to the account. */
  subject: string;
  email: string | undefined;
  /** True only when the token says `email_verified: true` (the boolean, not a string). */
  emailVerified: boolean;
  /** `cognito:groups`, strings only. */
  groups: string[];
  /** When the user last gave their credentials at the pool (`auth_time`); a live pool session reuses it. */
  authenticatedAt: Date | undefined;
}

export interface IdTokenVerifier {
  /** The identity in a valid token; throws AUTH_OIDC_TOKEN_INVALID (or AUTH_OIDC_UNAVAILABLE when the JWKS cannot be fetched). */
  verify(idToken: string, expected: { nonce: string }): Promise<VerifiedIdentity>;
}

export interface IdTokenVerifierOptions {
  issuer: string;
  /** The app client id. */
  audience: string;
  jwksUri: string;
  /** Lets the JWKS come over plain http (loopback tests and development only; config refuses it in production). */
  allowHttp?: boolean;
  /** Told why a token was refused (never the token itself). */
  onRefused?: (reason: string) => void;
}

/**
 * aws-jwt-verify's own fetcher speaks only https (which is what production uses). For a loopback issuer in
 * tests and development, http goes through Node's fetch with a timeout; anything else is refused.
 */
function fetcherFor(allowHttp: boolean): Fetcher {
  const https = new SimpleFetcher({ defaultRequestOptions: { responseTimeout: 3000 } });
  return {
    fetch: async (uri, requestOptions, data) => {
      if (uri.startsWith('https://')) return https.fetch(uri, requestOptions, data);
      if (!allowHttp || !uri.startsWith('http://')) throw new FetchError(uri, 'only https JWKS URIs are allowed');
      const res = await fetch(uri, { signal: AbortSignal.timeout(3000) });
      if (res.status !== 200) throw new FetchError(uri, `Status code is ${res.status}, expected 200`);
      return res.arrayBuffer();
    },
  };
}

export function createIdTokenVerifier(options: IdTokenVerifierOptions): IdTokenVerifier {
  const verifier = JwtVerifier.create(
    { issuer: options.issuer, audience: options.audience, jwksUri: options.jwksUri },
    { jwksCache: new SimpleJwksCache({ fetcher: fetcherFor(options.allowHttp === true) }) },
  );
  const refuse = (reason: string): never => {
    options.onRefused?.(reason);
    throw oidcTokenInvalid();
  };

  return {
    async verify(idToken, expected) {
      let payload: JwtPayload;
      try {
        payload = await verifier.verify(idToken, {
          customJwtCheck: ({ payload: p }) => {
            if (typeof p.exp !== 'number') throw new Error('the token has no exp');
            if (p.token_use !== 'id') throw new Error('token_use is not id');
            if (typeof p.sub !== 'string' || p.sub === '' || p.sub.length > 255) throw new Error('the token has no usable sub');
            if (typeof p.nonce !== 'string' || p.nonce !== expected.nonce) throw new Error('the nonce is not this sign-in’s');
          },
        });
      } catch (err) {
        if (err instanceof FetchError) {
          options.onRefused?.(`JWKS unavailable: ${err.message}`);
          throw oidcUnavailable();
        }
        // aws-jwt-verify's errors keep the name "Error"; their class says what failed.
        return refuse(err instanceof Error ? `${err.constructor.name}: ${err.message}` : 'unknown');
      }
      const groups = payload['cognito:groups'];
      return {
        subject: payload.sub!,
        email: typeof payload.email === 'string' ? payload.email : undefined,
        emailVerified: payload.email_verified === true,
        groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
        authenticatedAt: typeof payload.auth_time === 'number' ? new Date(payload.auth_time * 1000) : undefined,
      };
    },
  };
}
