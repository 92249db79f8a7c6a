import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Staff roles of the back office; the app maps a user's Cognito groups to these roles. */
export const STAFF_GROUPS = ['owner', 'admin', 'catalog_manager', 'order_manager', 'support', 'auditor'] as const;

export interface UserPoolProps {
  readonly domainName: string;
  readonly domainPrefix: string;
}

/**
 * The Cognito user pool behind `AUTH_PROVIDER=cognito`. The app signs users in with the authorization
 * code flow and PKCE through the hosted UI; it needs no AWS credentials for end users, so there is no
 * identity pool (see docs/deploy-aws.md).
 */
export class ShopUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: UserPoolProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'TOTP MFA is offered to every user (OPTIONAL) rather than forced on shoppers, which would stop most customers from buying; staff accounts are to enrol TOTP (the back office\'s policy, docs/deploy-aws.md), and threat protection (Plus) adds adaptive challenges to risky sign-ins.',
    });

    for (const group of STAFF_GROUPS) {
      this.userPool.addGroup(`Group-${group}`, { groupName: group, description: `Bastion staff role ${group}` });
    }

    this.domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.domainPrefix } });

    const site = `https://${props.domainName}`;
    // A public client with PKCE: the app never needs a client secret, so none exists to leak or rotate.
    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${site}/account/oauth/callback`, `${site}/admin/oauth/callback`],
        logoutUrls: [`${site}/`, `${site}/admin/sign-in`],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(15),
      idTokenValidity: Duration.minutes(15),
      refreshTokenValidity: Duration.days(7),
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    });
  }
}
