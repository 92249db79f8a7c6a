import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Buckets that receive logs written by AWS services. They use SSE-S3, not the data key: S3 server access
 * logging, ALB access logs and CloudFront standard logs cannot write to SSE-KMS buckets.
 */
export class LogBuckets extends Construct {
  /** S3 server access logs, ALB access logs, VPC flow logs. */
  readonly accessLogs: s3.Bucket;
  /** CloudFront standard logs, which are delivered with ACLs and so need a bucket that allows them. */
  readonly cdnLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: { readonly retention: Duration }) {
    super(scope, id);
    const common = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-logs', expiration: props.retention, noncurrentVersionExpiration: Duration.days(7) },
        { id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    } satisfies s3.BucketProps;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });
    this.cdnLogs = new s3.Bucket(this, 'CdnLogs', {
      ...common,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 's3/cdn-logs/',
    });

    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket itself: logging it into itself would loop. Only AWS log-delivery services write to it, and CloudTrail records every change to its policy and settings.',
    });
  }
}
