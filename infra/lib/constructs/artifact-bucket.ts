import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Key of a release tarball: the contract between `npm run release` + upload and the instances' user data. */
export function releaseObjectKey(version: string): string {
  return `releases/bastion-${version}.tgz`;
}

/** Fixed per account and Region: the release upload command in docs/deploy-aws.md names it directly. */
export function artifactBucketName(account: string, region: string): string {
  return `bastion-artifacts-${account}-${region}`;
}

/**
 * Release tarballs (`releases/bastion-<version>.tgz`). Versioned and retained: rolling back means
 * deploying an older version number, so old tarballs must still be here.
 */
export class ArtifactBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { readonly accessLogs: s3.IBucket }) {
    super(scope, id);
    const { account, region } = Stack.of(this);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: artifactBucketName(account, region),
      // SSE-S3 keeps the deploy role free of KMS grants; the tarball holds code, not data or secrets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3/artifacts/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-overwritten', noncurrentVersionExpiration: Duration.days(365) }],
    });
  }
}
