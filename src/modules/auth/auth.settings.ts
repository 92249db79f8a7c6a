import type { SettingsReader } from '../../kernel/settings.js';

/** An Amazon Cognito user pool and its public app client (AUTH_PROVIDER=cognito). */
export interface CognitoConfig {
  /** COGNITO_USER_POOL_ID, e.g. us-east-1_AbC123. */
  poolId: string;
  /** COGNITO_CLIENT_ID: a public client (no secret) using the code flow with PKCE. */
  clientId: string;
  /** COGNITO_DOMAIN: the hosted UI's base URL (its /oauth2/authorize, /oauth2/token and /logout). */
  domain: string;
  /** The pool's region: the prefix of its id (its issuer lives there, whatever AWS_REGION says). */
  region: string;
  /** The ID tokens' `iss`: the pool's, or COGNITO_ISSUER (tests, development), whose discovery gives the endpoints. */
  issuer: string;
  /** True when COGNITO_ISSUER was given: endpoints come from its discovery document. */
  discover: boolean;
}

/** Sessions of the built-in accounts (sessions.ts) and who signs people in. */
export interface AuthSettings {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Staff need a second factor before the back office opens; not a setting: required for every staff account. */
  staffMfaRequired: true;
  /** Who signs people in (AUTH_PROVIDER): the built-in accounts, or an Amazon Cognito user pool. */
  provider: 'local' | 'cognito';
  /** The user pool, when `provider` is cognito (docs/auth-cognito.md). */
  cognito: CognitoConfig | undefined;
  /**
   * The staff pool (COGNITO_STAFF_*), where MFA is required: when set, /admin signs in there and only its
   * groups give staff roles; the shoppers' pool then neither grants nor removes one.
   */
  cognitoStaff: CognitoConfig | undefined;
}

/** AUTH_PROVIDER, the session lifetimes and, with Cognito, the user pool. */
export function readAuthSettings(read: SettingsReader, ctx: { nodeEnv: 'development' | 'production' | 'test' }): AuthSettings {
  // NIST SP 800-63B AAL2: reauthenticate after 30 minutes idle and at least every 12 hours.
  const provider = read.oneOf('AUTH_PROVIDER', ['local', 'cognito'] as const, 'local');
  return {
    sessionIdleMinutes: read.integer('SESSION_IDLE_MINUTES', 30, { min: 5, max: 43_200 }),
    sessionAbsoluteHours: read.integer('SESSION_ABSOLUTE_HOURS', 12, { min: 1, max: 720 }),
    staffMfaRequired: true as const,
    provider,
    cognito: provider === 'cognito' ? readCognito(read, ctx.nodeEnv) : undefined,
    cognitoStaff: provider === 'cognito' && read.optionalString('COGNITO_STAFF_USER_POOL_ID') !== undefined ? readCognito(read, ctx.nodeEnv, 'COGNITO_STAFF_') : undefined,
  };
}

/**
 * The user pool for AUTH_PROVIDER=cognito. COGNITO_ISSUER replaces the pool's issuer for tests and
 * development against another OpenID provider (a loopback one in the tests). Plain http is refused outside
 * NODE_ENV=test/development: the discovery document, the signing keys and the token exchange would travel
 * unprotected, so anyone on the path could swap the keys or the tokens and sign in as anybody.
 */
function readCognito(read: SettingsReader, nodeEnv: 'development' | 'production' | 'test', prefix: 'COGNITO_' | 'COGNITO_STAFF_' = 'COGNITO_'): CognitoConfig {
  const required = (name: string, example: string): string => {
    const value = read.optionalString(name);
    if (value === undefined) read.problem(`${name}: required with AUTH_PROVIDER=cognito (${example})`);
    return value ?? '';
  };
  const poolId = required(`${prefix}USER_POOL_ID`, 'the user pool id, such as us-east-1_AbC123');
  const clientId = required(`${prefix}CLIENT_ID`, 'the app client id of a public client without a secret');
  const domainRaw = required(`${prefix}DOMAIN`, 'the hosted UI base URL, such as https://shop.auth.us-east-1.amazoncognito.com');
  const poolShape = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})_[0-9A-Za-z]{1,55}$/.exec(poolId);
  if (poolId !== '' && poolShape === null) read.problem(`${prefix}USER_POOL_ID: "${poolId}" is not a user pool id such as us-east-1_AbC123`);
  if (clientId !== '' && !/^[\w+]{1,128}$/.test(clientId)) read.problem(`${prefix}CLIENT_ID: is not an app client id (letters, digits, + and _)`);
  const region = poolShape?.[1] ?? '';
  const secureUrl = (name: string, value: string): string => {
    const url = read.url(name, value, ['https:', 'http:']);
    if (nodeEnv === 'production' && URL.canParse(url) && new URL(url).protocol === 'http:') {
      read.problem(`${name}: must use https:// outside NODE_ENV=test or development (over plain http the keys and tokens could be swapped in transit)`);
    }
    return url;
  };
  const domain = domainRaw === '' ? '' : secureUrl(`${prefix}DOMAIN`, domainRaw);
  const issuerOverride = read.optionalString(`${prefix}ISSUER`);
  const issuer = issuerOverride === undefined ? `https://cognito-idp.${region}.amazonaws.com/${poolId}` : secureUrl(`${prefix}ISSUER`, issuerOverride);
  return { poolId, clientId, domain, region, issuer, discover: issuerOverride !== undefined };
}
