import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as globalaccelerator from 'aws-cdk-lib/aws-globalaccelerator';
import * as ga_endpoints from 'aws-cdk-lib/aws-globalaccelerator-endpoints';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { WafRateRule } from '../config/rate-limits.js';
import { BastionWebAcl } from './web-acl.js';

export interface AcceleratorProps {
  readonly alb: elbv2.IApplicationLoadBalancer;
  readonly logsKey: kms.IKey;
  readonly anonymousIpList: boolean;
  readonly mirroredRules: readonly WafRateRule[];
}

/** Name of the regional WebACL; also the `WebACL` dimension of its metrics. */
export const REGIONAL_WEB_ACL_NAME = 'bastion-regional';

/**
 * Optional AWS Global Accelerator in front of the ALB (for API clients far from the Region that do not
 * benefit from CloudFront's cache). Traffic on this path skips CloudFront and its WebACL, so the ALB gets a
 * regional WebACL with the same rules. Client IPs are preserved, which the rate limits depend on.
 */
export class Accelerator extends Construct {
  readonly accelerator: globalaccelerator.Accelerator;
  readonly webAcl: BastionWebAcl;

  constructor(scope: Construct, id: string, props: AcceleratorProps) {
    super(scope, id);
    this.accelerator = new globalaccelerator.Accelerator(this, 'Accelerator', {
      ipAddressType: globalaccelerator.IpAddressType.IPV4,
    });
    const listener = this.accelerator.addListener('Https', {
      portRanges: [{ fromPort: 443 }],
      protocol: globalaccelerator.ConnectionProtocol.TCP,
      clientAffinity: globalaccelerator.ClientAffinity.SOURCE_IP,
    });
    listener.addEndpointGroup('Region', {
      endpoints: [new ga_endpoints.ApplicationLoadBalancerEndpoint(props.alb, { preserveClientIp: true })],
    });

    this.webAcl = new BastionWebAcl(this, 'Waf', {
      scope: 'REGIONAL',
      name: REGIONAL_WEB_ACL_NAME,
      anonymousIpList: props.anonymousIpList,
      perIpLimit: 2_000,
      mirroredRules: props.mirroredRules,
      logsKey: props.logsKey,
    });
    new wafv2.CfnWebACLAssociation(this, 'AlbAssociation', {
      resourceArn: props.alb.loadBalancerArn,
      webAclArn: this.webAcl.webAcl.attrArn,
    });
  }
}
