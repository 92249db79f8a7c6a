import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Staff roles of the back office; the app maps a user's Cognito groups to these roles. */
export const STAFF_GROUPS = ['owner', 'admin', 'catalog_manager', 'order_manager', 'support', 'auditor'] as const;

export interface UserPoolProps {
  readonly domainName: string;
  readonly domainPrefix: string;
  /** Cognito sends its mails (verification, recovery, invitations) through this SES identity when set. */
  readonly email?: cognito.UserPoolEmail | undefined;
}

const PASSWORD_POLICY: cognito.PasswordPolicy = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  tempPasswordValidity: Duration.days(3),
  passwordHistorySize: 5,
};

/**
 * The Cognito user pools behind `AUTH_PROVIDER=cognito`, one per audience, because MFA is a pool setting:
 *
 * - the shopper pool (`COGNITO_USER_POOL_ID`): self sign-up, TOTP offered but not forced (forcing it would
 *   stop most customers from buying), threat protection challenging risky sign-ins; it has no staff groups,
 *   so no token from it can carry a staff role;
 * - the staff pool (`COGNITO_STAFF_USER_POOL_ID`): no self sign-up (owners invite), MFA REQUIRED, the staff
 *   groups the app maps to back-office roles, shorter sessions. The second factor is TOTP, or a passkey with
 *   user verification (biometric or PIN on the device), which Cognito counts as MFA on its own
 *   (`WebAuthnFactorConfiguration`). Passkeys need managed login (v2) on the staff domain and choice-based
 *   sign-in (`ALLOW_USER_AUTH`) on its client. Cognito wants another factor kept beside passkey MFA (TOTP
 *   here, which MFA REQUIRED makes everyone enrol first), so a lost passkey does not lock anyone out.
 *
 * The app signs users in with the authorization code flow and PKCE through the hosted UI; it needs no AWS
 * credentials for end users, so there is no identity pool (see docs/deploy-aws.md).
 */
export class ShopUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly staffPool: cognito.UserPool;
  readonly staffClient: cognito.UserPoolClient;
  readonly staffDomain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: UserPoolProps) {
    super(scope, id);
    const common = {
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: PASSWORD_POLICY,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.email ? { email: props.email } : {}),
    } satisfies cognito.UserPoolProps;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      ...common,
      selfSignUpEnabled: true,
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'The shopper pool only: TOTP is offered to every shopper rather than forced, which would stop most customers from buying; threat protection (Plus) challenges risky sign-ins. Staff sign in through the staff pool, where MFA is required, and this pool has no staff groups.',
    });
    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.domainPrefix } });

    const staffPrefix = staffDomainPrefix(props.domainPrefix);
    this.staffPool = new cognito.UserPool(this, 'StaffPool', {
      ...common,
      selfSignUpEnabled: false,
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      signInPolicy: { allowedFirstAuthFactors: { password: true, passkey: true } },
      // Passkeys are bound to the domain the sign-in page runs on: the staff pool's managed login domain.
      passkeyRelyingPartyId: staffSignInHost(staffPrefix, Stack.of(this).region),
      // Only authenticators that check who holds them (biometric or PIN): a passkey that merely proves
      // possession would be one factor, and Cognito would not count it as MFA.
      passkeyUserVerification: cognito.PasskeyUserVerification.REQUIRED,
    });
    // The L2 construct has no property for it yet: a user-verified passkey satisfies the required MFA, so a
    // staff member may sign in with the passkey alone instead of a password and a TOTP code.
    (this.staffPool.node.defaultChild as cognito.CfnUserPool).webAuthnFactorConfiguration = 'MULTI_FACTOR_WITH_USER_VERIFICATION';
    for (const group of STAFF_GROUPS) {
      this.staffPool.addGroup(`Group-${group}`, { groupName: group, description: `Bastion staff role ${group}` });
    }
    // The classic hosted UI offers no passkeys; managed login does.
    this.staffDomain = this.staffPool.addDomain('StaffHostedUi', {
      cognitoDomain: { domainPrefix: staffPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    const site = `https://${props.domainName}`;
    // Public clients with PKCE: the app never needs a client secret, so none exists to leak or rotate.
    const client = (pool: cognito.UserPool, clientId: string, path: string, sessionMinutes: number, refreshDays: number, authFlows: cognito.AuthFlow): cognito.UserPoolClient =>
      pool.addClient(clientId, {
        generateSecret: false,
        authFlows,
        oAuth: {
          flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
          scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
          callbackUrls: [`${site}${path}/oauth/callback`],
          logoutUrls: [path === '/admin' ? `${site}/admin/sign-in` : `${site}/`],
        },
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        accessTokenValidity: Duration.minutes(sessionMinutes),
        idTokenValidity: Duration.minutes(sessionMinutes),
        refreshTokenValidity: Duration.days(refreshDays),
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      });
    this.client = client(this.userPool, 'WebClient', '/account', 15, 7, { userSrp: true });
    // Choice-based sign-in (USER_AUTH) is what lets managed login offer the passkey beside the password.
    this.staffClient = client(this.staffPool, 'StaffClient', '/admin', 15, 1, { userSrp: true, user: true });
    // Managed login shows its pages only to an app client with a branding style; Cognito's defaults will do.
    new cognito.CfnManagedLoginBranding(this, 'StaffSignInBranding', {
      userPoolId: this.staffPool.userPoolId,
      clientId: this.staffClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });
  }
}

/** The host of a prefix domain's managed login pages, and so the relying party of the passkeys made there. */
export function staffSignInHost(prefix: string, region: string): string {
  return `${prefix}.auth.${region}.amazoncognito.com`;
}

/** The staff pool's hosted UI prefix: the shop's with `-staff`, within Cognito's 63 characters. */
export function staffDomainPrefix(prefix: string): string {
  return `${prefix.slice(0, 57).replace(/-+$/, '')}-staff`;
}
