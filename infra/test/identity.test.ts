import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAFF_GROUPS } from '../lib/constructs/user-pool.js';
import { resourcesOf, synthBastion, type SynthesizedBastion } from './support/synth.js';

let bastion: SynthesizedBastion;
beforeAll(() => {
  bastion = synthBastion();
});

const pools = (b: SynthesizedBastion) => Object.entries(resourcesOf(b.templates.stateful, 'AWS::Cognito::UserPool'));

describe('staff sign-in through Cognito', () => {
  it('gives staff their own pool where MFA is required, without self sign-up', () => {
    const staff = pools(bastion).filter(([id]) => id.startsWith('UsersStaffPool'));
    expect(staff).toHaveLength(1);
    expect(staff[0]?.[1].Properties).toMatchObject({
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolTier: 'PLUS',
    });
  });

  it('lets staff use a user-verified passkey as their MFA through managed login, keeping TOTP and MFA required', () => {
    const t = bastion.templates.stateful;
    const [staff] = pools(bastion).filter(([id]) => id.startsWith('UsersStaffPool'));
    expect(staff?.[1].Properties).toMatchObject({
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } },
      WebAuthnUserVerification: 'required',
      WebAuthnFactorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION',
    });
    // The relying party is the staff pool's own sign-in host, where managed login runs the WebAuthn ceremony.
    const rp = JSON.stringify(staff?.[1].Properties?.['WebAuthnRelyingPartyID']);
    expect(rp).toContain('bastion-shop-example-com-staff.auth.');
    expect(rp).toContain('.amazoncognito.com');
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: Match.stringLikeRegexp('^UsersStaffPool') },
      Domain: 'bastion-shop-example-com-staff',
      ManagedLoginVersion: 2,
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: Match.stringLikeRegexp('^UsersStaffPool') },
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_AUTH']),
    });
    t.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: { Ref: Match.stringLikeRegexp('^UsersStaffPool') },
      ClientId: { Ref: Match.stringLikeRegexp('^UsersStaffPoolStaffClient') },
      UseCognitoProvidedValues: true,
    });
    // Shoppers keep the classic hosted UI and password sign-in: nothing of this reaches their pool.
    const [shoppers] = pools(bastion).filter(([id]) => id.startsWith('UsersUserPool'));
    expect(shoppers?.[1].Properties?.['WebAuthnFactorConfiguration']).toBeUndefined();
    expect(shoppers?.[1].Properties?.['Policies']).not.toHaveProperty('SignInPolicy');
  });

  it('puts every staff group in the staff pool and none in the shopper pool', () => {
    const groups = Object.values(resourcesOf(bastion.templates.stateful, 'AWS::Cognito::UserPoolGroup'));
    expect(groups.map((group) => group.Properties?.['GroupName']).sort()).toEqual([...STAFF_GROUPS].sort());
    for (const group of groups) expect(JSON.stringify(group.Properties?.['UserPoolId'])).toContain('UsersStaffPool');
  });

  it('sends staff back to /admin and shoppers to /account, each client on its own pool', () => {
    const t = bastion.templates.stateful;
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: Match.stringLikeRegexp('^UsersStaffPool') },
      CallbackURLs: ['https://shop.example.com/admin/oauth/callback'],
      GenerateSecret: false,
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: Match.stringLikeRegexp('^UsersUserPool') },
      CallbackURLs: ['https://shop.example.com/account/oauth/callback'],
    });
  });

  it('tells the app which pool is the staff pool', () => {
    const launch = JSON.stringify(resourcesOf(bastion.templates.app, 'AWS::EC2::LaunchTemplate'));
    for (const name of ['COGNITO_STAFF_USER_POOL_ID=', 'COGNITO_STAFF_CLIENT_ID=', 'COGNITO_STAFF_DOMAIN=']) expect(launch).toContain(name);
  });
});

describe('mail through Amazon SES', () => {
  it('verifies the shop domain with 2048-bit Easy DKIM, a MAIL FROM domain and a TLS-only configuration set', () => {
    const t = bastion.templates.stateful;
    t.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'shop.example.com',
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: { MailFromDomain: 'mail.shop.example.com', BehaviorOnMxFailure: 'REJECT_MESSAGE' },
    });
    t.hasResourceProperties('AWS::SES::ConfigurationSet', { DeliveryOptions: { TlsPolicy: 'REQUIRE' } });
  });

  it('moves Cognito mail to SES once the identity is verified, for both pools', () => {
    for (const [, pool] of pools(bastion)) expect(pool.Properties?.['EmailConfiguration']).toBeUndefined();
    const verified = synthBastion({ 'bastion:sesVerified': 'true' });
    const emailed = pools(verified).map(([, pool]) => pool.Properties?.['EmailConfiguration'] as Record<string, unknown>);
    expect(emailed).toHaveLength(2);
    for (const email of emailed) {
      expect(email).toMatchObject({ EmailSendingAccount: 'DEVELOPER', From: 'Bastion <no-reply@shop.example.com>' });
      expect(JSON.stringify(email['SourceArn'])).toContain('identity/shop.example.com');
    }
  });

  it('creates the DKIM records itself when the hosted zone is known', () => {
    const zoned = synthBastion({ 'bastion:hostedZoneId': 'Z0000000000000000000' });
    const records = Object.values(resourcesOf(zoned.templates.stateful, 'AWS::Route53::RecordSet')).map((record) => record.Properties?.['Type']);
    expect(records.filter((type) => type === 'CNAME')).toHaveLength(3);
  });

  it('lets the SMTP user send only as the shop domain', () => {
    const policies = Object.values(resourcesOf(bastion.templates.stateful, 'AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties?.['Users'] ?? '').includes('MailSmtpUser'),
    );
    expect(policies).toHaveLength(1);
    const statement = (policies[0]?.Properties?.['PolicyDocument'] as { Statement: { Action: string; Condition: unknown }[] }).Statement[0];
    expect(statement?.Action).toBe('ses:SendRawEmail');
    expect(JSON.stringify(statement?.Condition)).toContain('*@shop.example.com');
  });
});
