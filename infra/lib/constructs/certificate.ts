import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';

export interface CertificateChoice {
  /** Use this existing certificate when set. */
  readonly existingArn: string | undefined;
  readonly domainName: string;
  readonly alternativeNames: readonly string[];
  readonly hostedZoneId: string | undefined;
  /** The zone's apex name; certificates for sub-domains validate in the parent zone. */
  readonly zoneName: string;
}

/**
 * Imports the certificate the user named, or requests one validated through DNS: automatically when the
 * hosted zone is known, otherwise CloudFormation waits while the user adds the records ACM shows.
 */
export function certificateFor(scope: Construct, id: string, choice: CertificateChoice): acm.ICertificate {
  if (choice.existingArn !== undefined) return acm.Certificate.fromCertificateArn(scope, id, choice.existingArn);
  const zone =
    choice.hostedZoneId === undefined
      ? undefined
      : route53.HostedZone.fromHostedZoneAttributes(scope, `${id}Zone`, {
          hostedZoneId: choice.hostedZoneId,
          zoneName: choice.zoneName,
        });
  return new acm.Certificate(scope, id, {
    domainName: choice.domainName,
    subjectAlternativeNames: [...choice.alternativeNames],
    validation: acm.CertificateValidation.fromDns(zone),
  });
}
