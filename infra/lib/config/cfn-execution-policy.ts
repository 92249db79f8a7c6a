/**
 * The policy `cdk bootstrap --cloudformation-execution-policies` should give CloudFormation's execution role
 * instead of AdministratorAccess: the services this app deploys, and IAM only on the app's own roles,
 * policies and users. `npm run cfn-execution-policy -w infra` prints it; a test checks that it covers every
 * resource type the stacks contain, so a new service fails the tests before it fails a deploy.
 */

/** CloudFormation namespace (`AWS::<Namespace>::...`) to the IAM service prefix that manages it. */
export const SERVICE_PREFIXES: Readonly<Record<string, readonly string[]>> = {
  AutoScaling: ['autoscaling'],
  Backup: ['backup', 'backup-storage'],
  CertificateManager: ['acm'],
  CloudFront: ['cloudfront'],
  CloudTrail: ['cloudtrail'],
  CloudWatch: ['cloudwatch'],
  CodeBuild: ['codebuild'],
  CodePipeline: ['codepipeline', 'codestar-connections', 'codeconnections'],
  Cognito: ['cognito-idp'],
  Config: ['config'],
  EC2: ['ec2'],
  ElastiCache: ['elasticache'],
  ElasticLoadBalancingV2: ['elasticloadbalancing'],
  Events: ['events'],
  GlobalAccelerator: ['globalaccelerator'],
  GuardDuty: ['guardduty'],
  KMS: ['kms'],
  Lambda: ['lambda'],
  Logs: ['logs'],
  RDS: ['rds'],
  Route53: ['route53'],
  S3: ['s3'],
  SES: ['ses'],
  SNS: ['sns'],
  SSM: ['ssm'],
  SecretsManager: ['secretsmanager', 'serverlessrepo'],
  SecurityHub: ['securityhub'],
  WAFv2: ['wafv2'],
};

interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, unknown>;
}

/** The policy document for one account (`partition` is `aws` outside China and GovCloud). */
export function cfnExecutionPolicy(account: string, partition = 'aws'): { Version: string; Statement: Statement[] } {
  const services = [...new Set(Object.values(SERVICE_PREFIXES).flat())].sort();
  const own = (kind: string): string[] =>
    ['Bastion*', 'bastion*', 'cdk-hnb659fds-*'].map((name) => `arn:${partition}:iam::${account}:${kind}/${name}`);
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AppServices', Effect: 'Allow', Action: services.map((service) => `${service}:*`), Resource: '*' },
      // The hosted rotation's transform and the stacks' own change sets.
      { Sid: 'CloudFormationTransforms', Effect: 'Allow', Action: ['cloudformation:*'], Resource: '*' },
      { Sid: 'OwnRolesPoliciesAndUsers', Effect: 'Allow', Action: ['iam:*'], Resource: [...own('role'), ...own('policy'), ...own('user'), ...own('instance-profile')] },
      { Sid: 'ServiceLinkedRoles', Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole', 'iam:GetRole'], Resource: `arn:${partition}:iam::${account}:role/aws-service-role/*` },
      { Sid: 'ReadIam', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
      // Whatever the services above allow, the role never touches account-wide identity or billing.
      {
        Sid: 'NeverAccountWide',
        Effect: 'Deny',
        Action: ['organizations:*', 'account:*', 'iam:CreateAccountAlias', 'iam:UpdateAccountPasswordPolicy', 'iam:*LoginProfile', 'iam:CreateOpenIDConnectProvider', 'iam:CreateSAMLProvider'],
        Resource: '*',
      },
    ],
  };
}
