/**
 * The client side of the OAuth 2.0 authorization-code flow with PKCE against the user pool, with
 * openid-client (discovery, PKCE, the authorization URL, the code exchange and its checks of `state`,
 * `iss`, `nonce` and the ID token's claims). The ID token's signature is checked by id-token.ts.
 *
 * Endpoints: for a Cognito pool they are fixed (the hosted UI domain's /oauth2/authorize and /oauth2/token,
 * the issuer's /.well-known/jwks.json), so nothing is fetched to learn them and a pool outage cannot stop
 * the app from starting. With COGNITO_ISSUER (tests, development) they come from the issuer's discovery
 * document, fetched on first use and kept; a failed fetch is retried on the next sign-in.
 */
import * as oidc from 'openid-client';
import type { CognitoConfig } from '../auth.settings.js';
import { oidcDenied, oidcTokenInvalid, oidcUnavailable } from './cognito.errors.js';

/** What one sign-in attempt must find again on the callback. */
export interface LoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcClient {
  /** Fresh random state, nonce and PKCE verifier (openid-client's generators: 32 random bytes each). */
  newChecks(): LoginChecks;
  /** Where to send the browser: the hosted UI's authorize endpoint with these checks' state, nonce and S256 challenge. */
  authorizationUrl(redirectUri: string, checks: LoginChecks): Promise<URL>;
  /**
   * Exchanges the code of a callback URL (whose `state` the caller has already matched), sending the PKCE
   * verifier and checking the ID token's claims and nonce; returns the raw ID token. Throws AUTH_OIDC_DENIED
   * for an error answer (`error=access_denied`), AUTH_OIDC_TOKEN_INVALID for a refused exchange or token,
   * AUTH_OIDC_UNAVAILABLE when the pool cannot be reached.
   */
  exchange(callbackUrl: URL, checks: LoginChecks): Promise<string>;
  /** The pool's JWKS URI (from discovery when COGNITO_ISSUER is set). */
  jwksUri(): Promise<string>;
}

/** Cognito's endpoints for a pool and its hosted UI domain, as the user pool documents them. */
export function cognitoServerMetadata(cognito: Pick<CognitoConfig, 'issuer' | 'domain'>): oidc.ServerMetadata {
  return {
    issuer: cognito.issuer,
    authorization_endpoint: `${cognito.domain}/oauth2/authorize`,
    token_endpoint: `${cognito.domain}/oauth2/token`,
    userinfo_endpoint: `${cognito.domain}/oauth2/userInfo`,
    jwks_uri: `${cognito.issuer}/.well-known/jwks.json`,
    code_challenge_methods_supported: ['S256'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

export function createOidcClient(options: {
  cognito: CognitoConfig;
  /** Plain http to the issuer (loopback tests and development; config refuses http in production). */
  allowHttp: boolean;
  /** Told why an exchange failed (never a token or a code). */
  onFailure?: (reason: string) => void;
}): OidcClient {
  const { cognito, allowHttp } = options;
  const clientMetadata = { token_endpoint_auth_method: 'none' } as const;
  let configuration: Promise<oidc.Configuration> | undefined;

  const load = async (): Promise<oidc.Configuration> => {
    if (cognito.discover) {
      return oidc.discovery(new URL(cognito.issuer), cognito.clientId, clientMetadata, oidc.None(), {
        ...(allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
        timeout: 5,
      });
    }
    const config = new oidc.Configuration(cognitoServerMetadata(cognito), cognito.clientId, clientMetadata, oidc.None());
    if (allowHttp) oidc.allowInsecureRequests(config);
    return config;
  };
  const configured = async (): Promise<oidc.Configuration> => {
    configuration ??= load().then((config) => {
      config.timeout = 5;
      return config;
    });
    try {
      return await configuration;
    } catch (err) {
      configuration = undefined;
      options.onFailure?.(`discovery failed: ${describe(err)}`);
      throw oidcUnavailable();
    }
  };

  return {
    newChecks: () => ({ state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() }),

    async authorizationUrl(redirectUri, checks) {
      const config = await configured();
      return oidc.buildAuthorizationUrl(config, {
        response_type: 'code',
        redirect_uri: redirectUri,
        // Cognito puts the e-mail and the groups in the ID token for these scopes; nothing else is needed.
        scope: 'openid email',
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
    },

    async exchange(callbackUrl, checks) {
      const config = await configured();
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        if (tokens.id_token === undefined) throw new Error('no id_token in the token response');
        return tokens.id_token;
      } catch (err) {
        options.onFailure?.(describe(err));
        if (err instanceof oidc.AuthorizationResponseError) throw oidcDenied();
        // fetch failed (TypeError) or timed out (DOMException): the pool did not answer.
        if (err instanceof TypeError || (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError'))) throw oidcUnavailable();
        throw oidcTokenInvalid();
      }
    },

    async jwksUri() {
      const uri = (await configured()).serverMetadata().jwks_uri;
      if (uri === undefined) throw oidcUnavailable();
      return uri;
    },
  };
}

/** An error's class, code and message, for the log (openid-client's messages carry no token or code). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const code = (err as { code?: unknown; error?: unknown }).code ?? (err as { error?: unknown }).error;
  return `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}`;
}
