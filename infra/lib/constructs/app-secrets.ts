import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Keys the app reads from the `SECRETS_ARN` secret; operators fill the empty ones after the first deploy. */
export const APP_SECRET_KEYS = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'PAYPAL_CLIENT_SECRET', 'SMTP_URL'] as const;

/**
 * The app's settings secret (`SECRETS_ARN`): payment and mail credentials, read at start-up and on
 * rotation, never written to an instance's disk. `CSRF_SECRET` (the form-token signing key, required in production) is generated here so no person ever sees it.
 */
export class AppSecrets extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: { readonly encryptionKey: kms.IKey }) {
    super(scope, id);
    const template = Object.fromEntries(APP_SECRET_KEYS.map((key) => [key, '']));
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Bastion app settings (SECRETS_ARN)',
      encryptionKey: props.encryptionKey,
      generateSecretString: {
        secretStringTemplate: JSON.stringify(template),
        generateStringKey: 'CSRF_SECRET',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Holds third-party credentials (Stripe, PayPal, SMTP) that only the issuing provider can rotate; the documented procedure is to roll them at the provider and update this secret, which the app re-reads.',
    });
  }
}
