import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export const VPC_CIDR = '10.40.0.0/16';

export interface NetworkProps {
  readonly availabilityZones: readonly string[];
  readonly natGatewaysPerAz: boolean;
  readonly appPort: number;
  readonly flowLogsBucket: s3.IBucket;
  /** With Global Accelerator on, clients reach the internal ALB with their own source IPs (see below). */
  readonly globalAccelerator: boolean;
}

/**
 * The VPC and every security group. The groups live here, beside the database and cache they guard,
 * so each rule can name its peer group without a reference cycle between stacks.
 *
 * Subnets: public (NAT gateways only; nothing else is internet-facing), private with egress (ALB, app
 * instances, VPC endpoints, the secret-rotation function) and isolated (RDS, Redis: no route out at all).
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly albSecurityGroup: ec2.SecurityGroup;
  readonly appSecurityGroup: ec2.SecurityGroup;
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly redisSecurityGroup: ec2.SecurityGroup;
  readonly rotationSecurityGroup: ec2.SecurityGroup;
  /** The release pipeline's database operations project (migrations, restore checks). */
  readonly opsSecurityGroup: ec2.SecurityGroup;

  /** The VPC range as a literal, so rules that name it can be checked at synth time. */
  readonly cidr = VPC_CIDR;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      availabilityZones: [...props.availabilityZones],
      natGateways: props.natGatewaysPerAz ? props.availabilityZones.length : 1,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toS3(props.flowLogsBucket, 'vpc-flow-logs/'),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });

    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason:
        'Zones are named so that synth needs no account lookup and works offline; they are a setting (bastion:availabilityZones), not a hidden constant.',
    });

    const vpcRange = ec2.Peer.ipv4(VPC_CIDR);
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Bastion VPC interface endpoints: HTTPS from inside the VPC',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(vpcRange, ec2.Port.tcp(443), 'HTTPS from the VPC');

    // Calls to these services stay on the AWS network and keep working if the NAT path is down.
    const interfaceEndpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
      SsmMessages: ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
    };
    for (const [name, service] of Object.entries(interfaceEndpoints)) {
      this.vpc.addInterfaceEndpoint(`${name}Endpoint`, {
        service,
        privateDnsEnabled: true,
        securityGroups: [endpointSecurityGroup],
        open: false,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      });
    }

    const group = (name: string, description: string, allowAllOutbound = false): ec2.SecurityGroup =>
      new ec2.SecurityGroup(this, name, { vpc: this.vpc, description, allowAllOutbound });

    this.albSecurityGroup = group('AlbSecurityGroup', 'Bastion ALB: HTTPS from CloudFront VPC origin (and Global Accelerator when on)');
    this.appSecurityGroup = group('AppSecurityGroup', 'Bastion app instances: app port from the ALB only', true);
    this.databaseSecurityGroup = group('DatabaseSecurityGroup', 'Bastion RDS: 5432 from app and rotation only');
    this.redisSecurityGroup = group('RedisSecurityGroup', 'Bastion Redis: 6379 from app only');
    this.rotationSecurityGroup = group('RotationSecurityGroup', 'Bastion secret rotation function', true);
    this.opsSecurityGroup = group('OpsSecurityGroup', 'Bastion database operations (migrations, restore checks)', true);

    // The ALB is internal. CloudFront reaches it through a VPC origin whose network interfaces sit in this
    // VPC, so the VPC range is the only source it needs; nothing on the internet can route to it at all.
    this.albSecurityGroup.addIngressRule(vpcRange, ec2.Port.tcp(443), 'HTTPS from CloudFront VPC origin');
    this.albSecurityGroup.addIngressRule(vpcRange, ec2.Port.tcp(80), 'HTTP (redirected to HTTPS)');
    if (props.globalAccelerator) {
      // Global Accelerator preserves client IPs (needed for WAF rate limits and the app's own limits), so
      // its traffic arrives at the internal ALB from public source addresses. The ALB still has no route
      // from the internet; the only public path in is the accelerator, guarded by the regional WebACL.
      this.albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS via Global Accelerator (client IP preserved)');
      Validations.of(this.albSecurityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason:
          'Internal ALB with no internet route; 0.0.0.0/0 on 443 admits Global Accelerator traffic, which keeps client source IPs. A regional WAF WebACL guards that path.',
      });
    }
    this.albSecurityGroup.addEgressRule(this.appSecurityGroup, ec2.Port.tcp(props.appPort), 'To app instances');

    this.appSecurityGroup.addIngressRule(this.albSecurityGroup, ec2.Port.tcp(props.appPort), 'From the ALB');
    this.databaseSecurityGroup.addIngressRule(this.appSecurityGroup, ec2.Port.tcp(5432), 'From app instances');
    this.databaseSecurityGroup.addIngressRule(this.rotationSecurityGroup, ec2.Port.tcp(5432), 'From the rotation function');
    this.databaseSecurityGroup.addIngressRule(this.opsSecurityGroup, ec2.Port.tcp(5432), 'From database operations (migrations)');
    this.redisSecurityGroup.addIngressRule(this.appSecurityGroup, ec2.Port.tcp(6379), 'From app instances');
  }
}
