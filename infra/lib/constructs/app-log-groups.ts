import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The app's log groups, kept in the stateful stack so replacing the app stack never loses logs. The
 * CloudWatch agent on each instance ships the app's JSON lines to `app` and its Embedded Metric Format
 * records to `metrics`, where CloudWatch turns them into the `Bastion` namespace metrics.
 */
export class AppLogGroups extends Construct {
  readonly app: logs.LogGroup;
  readonly metrics: logs.LogGroup;

  constructor(scope: Construct, id: string, props: { readonly encryptionKey: kms.IKey }) {
    super(scope, id);
    const common = { encryptionKey: props.encryptionKey, removalPolicy: RemovalPolicy.RETAIN };
    this.app = new logs.LogGroup(this, 'App', { ...common, retention: logs.RetentionDays.THREE_MONTHS });
    // Metrics are extracted on ingestion; the raw EMF records are only needed for a short look back.
    this.metrics = new logs.LogGroup(this, 'Metrics', { ...common, retention: logs.RetentionDays.ONE_MONTH });
  }
}
