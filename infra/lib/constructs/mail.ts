import { Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface ShopMailProps {
  readonly domainName: string;
  /** With a hosted zone, the DKIM and MAIL FROM records are created here; otherwise docs/deploy-aws.md lists them. */
  readonly hostedZoneId: string | undefined;
  /**
   * The identity has passed verification (DKIM records seen by SES). Cognito refuses an unverified sender,
   * so its mail moves to SES only on the deploy after verification (docs/deploy-aws.md, step 4).
   */
  readonly verified: boolean;
}

/**
 * Amazon SES for every mail the shop sends: Cognito's (verification, recovery, staff invitations; its own
 * sender allows about 50 a day) and the app's (`SMTP_URL`, SES SMTP). A domain identity signed with Easy
 * DKIM (2048-bit), a custom MAIL FROM domain so SPF aligns, and a configuration set that requires TLS and
 * tracks reputation. SPF and DMARC records are published by the operator (docs/deploy-aws.md).
 */
export class ShopMail extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  /** The sender the app and Cognito use: `no-reply@<domain>`. */
  readonly fromAddress: string;
  /** Cognito's email setting: SES once verified, Cognito's default sender before. */
  readonly cognitoEmail: cognito.UserPoolEmail | undefined;
  /** IAM user whose access key becomes the app's SES SMTP password; it may send as the shop's domain only. */
  readonly smtpUser: iam.User;

  constructor(scope: Construct, id: string, props: ShopMailProps) {
    super(scope, id);
    const { region, account, partition } = Stack.of(this);
    this.fromAddress = `no-reply@${props.domainName}`;

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    const zone =
      props.hostedZoneId === undefined
        ? undefined
        : route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZoneId, zoneName: props.domainName });
    this.identity = new ses.EmailIdentity(this, 'Domain', {
      identity: zone ? ses.Identity.publicHostedZone(zone) : ses.Identity.domain(props.domainName),
      dkimSigning: true,
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain: `mail.${props.domainName}`,
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.REJECT_MESSAGE,
      configurationSet: this.configurationSet,
    });

    this.cognitoEmail = props.verified
      ? cognito.UserPoolEmail.withSES({
          fromEmail: this.fromAddress,
          fromName: 'Bastion',
          sesRegion: region,
          sesVerifiedDomain: props.domainName,
          configurationSetName: this.configurationSet.configurationSetName,
        })
      : undefined;

    this.smtpUser = new iam.User(this, 'SmtpUser');
    this.smtpUser.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SendAsShopDomain',
        actions: ['ses:SendRawEmail'],
        resources: [
          `arn:${partition}:ses:${region}:${account}:identity/${props.domainName}`,
          `arn:${partition}:ses:${region}:${account}:configuration-set/${this.configurationSet.configurationSetName}`,
        ],
        conditions: { StringLike: { 'ses:FromAddress': `*@${props.domainName}` } },
      }),
    );
  }
}
