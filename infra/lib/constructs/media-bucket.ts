import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Objects under this prefix are public through CloudFront (`/media/*`); everything else stays private. */
export const PUBLIC_MEDIA_PREFIX = 'media/';

/**
 * The bucket's name, fixed per account and Region so the app stack, the docs and an operator can all name
 * it without a lookup (and a retained bucket is found again by a later deploy instead of duplicated).
 */
export function mediaBucketName(account: string, region: string): string {
  return `bastion-media-${account}-${region}`;
}

export interface MediaBucketProps {
  readonly encryptionKey: kms.IKey;
  readonly accessLogs: s3.IBucket;
}

/**
 * Product images and uploads (`STORAGE=s3`). Private, SSE-KMS with the data key, versioned so an
 * overwrite or delete can be undone; old versions expire after 90 days.
 */
export class MediaBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: MediaBucketProps) {
    super(scope, id);
    const { account, partition } = Stack.of(this);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: mediaBucketName(account, Stack.of(this).region),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3/media/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90), noncurrentVersionsToRetain: 3 },
        { id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
    });

    // CloudFront Origin Access Control may read the public prefix only. The distribution is in the app
    // stack (which depends on this one), so the condition names the account's distributions, not one id.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudFrontOacReadPublicMedia',
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${PUBLIC_MEDIA_PREFIX}*`)],
        conditions: {
          StringEquals: { 'AWS:SourceAccount': account },
          ArnLike: { 'AWS:SourceArn': `arn:${partition}:cloudfront::${account}:distribution/*` },
        },
      }),
    );
  }
}
