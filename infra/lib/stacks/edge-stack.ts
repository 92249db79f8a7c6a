import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { BastionConfig } from '../config/bastion-config.js';
import type { WafRateRule } from '../config/rate-limits.js';
import { certificateFor } from '../constructs/certificate.js';
import { BastionWebAcl } from '../constructs/web-acl.js';

export interface EdgeStackProps extends StackProps {
  readonly config: BastionConfig;
  readonly mirroredRules: readonly WafRateRule[];
}

/** Name of the CloudFront WebACL; also the `WebACL` dimension of its metrics. */
export const EDGE_WEB_ACL_NAME = 'bastion-edge';

/**
 * What CloudFront requires to live in us-east-1 whatever Region the shop runs in: its WAF WebACL (scope
 * CLOUDFRONT) with the WAF log group and the key encrypting it, and its ACM certificate. The app stack
 * reads the WebACL and certificate ARNs through cross-Region references.
 */
export class EdgeStack extends Stack {
  readonly webAcl: BastionWebAcl;
  readonly certificate: acm.ICertificate;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config } = props;

    // Log groups can only use a key in their own Region, so the edge has its own logs key.
    const logsKey = new kms.Key(this, 'EdgeLogsKey', {
      alias: 'alias/bastion/edge-logs',
      description: 'Bastion WAF logs (us-east-1)',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsUse',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` },
        },
      }),
    );

    this.webAcl = new BastionWebAcl(this, 'Waf', {
      scope: 'CLOUDFRONT',
      name: EDGE_WEB_ACL_NAME,
      anonymousIpList: config.anonymousIpList,
      perIpLimit: 2_000,
      mirroredRules: props.mirroredRules,
      logsKey,
    });

    this.certificate = certificateFor(this, 'CloudFrontCertificate', {
      existingArn: config.cloudFrontCertificateArn,
      domainName: config.domainName,
      alternativeNames: [],
      hostedZoneId: config.hostedZoneId,
      zoneName: config.domainName,
    });
  }
}
