import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../lib/config/bastion-config.js';
import { OPS_PROJECT_NAME } from '../lib/constructs/release-operations.js';
import { inlineStatements, resourceText } from './support/policies.js';
import { cdkJsonContext, resourcesOf, synthBastion, type SynthesizedBastion } from './support/synth.js';

const PIPELINE = {
  'bastion:repository': 'example/bastion',
  'bastion:connectionArn': 'arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-0000-4000-8000-000000000000',
  'bastion:staging': '210987654321/eu-west-1/staging.shop.example.com',
};

let bastion: SynthesizedBastion;

/** The one build command of a buildspec (both projects keep their work in a single script). */
const scriptOf = (buildSpec: string): string =>
  (JSON.parse(buildSpec) as { phases: { build: { commands: string[] } } }).phases.build.commands.join('\n');
beforeAll(() => {
  bastion = synthBastion(PIPELINE);
});

interface StageJson {
  readonly Name: string;
  readonly Actions: { Name: string; ActionTypeId: { Category: string; Provider: string }; Configuration?: Record<string, string> }[];
}
const stagesOf = (b: SynthesizedBastion): StageJson[] => {
  const pipelines = Object.values(resourcesOf(b.templates.pipeline!, 'AWS::CodePipeline::Pipeline'));
  expect(pipelines).toHaveLength(1);
  return pipelines[0]?.Properties?.['Stages'] as StageJson[];
};

describe('release pipeline', () => {
  it('exists only when a repository is named', () => {
    expect(synthBastion().pipeline).toBeUndefined();
    expect(bastion.pipeline).toBeDefined();
  });

  it('builds and tests, deploys staging, waits for an approval, then deploys production', () => {
    const stages = stagesOf(bastion);
    expect(stages.map((stage) => stage.Name)).toEqual(['Source', 'Build', 'Staging', 'Approve', 'Production']);
    expect(stages[0]?.Actions[0]?.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
    expect(stages[3]?.Actions[0]?.ActionTypeId).toMatchObject({ Category: 'Approval', Provider: 'Manual' });
    const variables = (stage: StageJson) => JSON.parse(stage.Actions[0]?.Configuration?.['EnvironmentVariables'] ?? '[]') as { name: string; value: string }[];
    expect(variables(stages[1]!)).toEqual([{ name: 'STEP', value: 'build', type: 'PLAINTEXT' }]);
    expect(variables(stages[2]!)).toEqual(expect.arrayContaining([{ name: 'STAGE_ACCOUNT', value: '210987654321', type: 'PLAINTEXT' }, { name: 'STAGE_REGION', value: 'eu-west-1', type: 'PLAINTEXT' }]));
    expect(variables(stages[4]!)).toEqual(expect.arrayContaining([{ name: 'STAGE_ACCOUNT', value: '123456789012', type: 'PLAINTEXT' }, { name: 'STAGE_REGION', value: 'us-east-1', type: 'PLAINTEXT' }]));
  });

  it('tests before packaging, and per environment migrates before the app rolls and refreshes after', () => {
    const project = Object.values(resourcesOf(bastion.templates.pipeline!, 'AWS::CodeBuild::Project'))[0]?.Properties as { Source: { BuildSpec: string } };
    const script = scriptOf(project.Source.BuildSpec);
    const order = (...needles: string[]) => needles.map((needle) => {
      const at = script.indexOf(needle);
      expect(at, needle).toBeGreaterThanOrEqual(0);
      return at;
    });
    const build = order('npm run typecheck', 'npm run lint', 'npm test', 'npx vitest run --project infra', 'npm run release');
    expect([...build].sort((a, b) => a - b)).toEqual(build);
    const deploy = order('cdk deploy BastionRecovery BastionStateful', 'inspector2 enable --resource-types EC2', 's3 cp "release/bastion-', 'run_ops migrate', 'cdk deploy BastionEdge BastionApp', 'run_ops refresh');
    expect([...deploy].sort((a, b) => a - b)).toEqual(deploy);
    expect(script).toContain(`--project-name ${OPS_PROJECT_NAME}`);
  });

  it('gives the build role exact permissions: its artifacts, and the bootstrap and release roles of both environments', () => {
    const statements = inlineStatements(bastion.templates.pipeline!, 'BuildRole');
    for (const statement of statements) expect([statement.Action].flat().some((action) => action.includes('*')), statement.Sid).toBe(false);
    const assume = statements.find((statement) => statement.Sid === 'DeployThroughTargets');
    const roles = [assume?.Resource].flat().map(resourceText);
    expect(roles).toContain('arn:aws:iam::210987654321:role/bastion-release');
    expect(roles).toContain('arn:aws:iam::123456789012:role/bastion-release');
    expect(roles.some((role) => role.includes('cfn-exec'))).toBe(false);
  });
});

describe('database operations in each environment', () => {
  it('run migrations in the VPC as the owner, between two db:roles runs as the master user', () => {
    const project = Object.values(resourcesOf(bastion.templates.stateful, 'AWS::CodeBuild::Project'))[0]?.Properties as {
      Name: string;
      VpcConfig: unknown;
      Source: { BuildSpec: string };
    };
    expect(project.Name).toBe(OPS_PROJECT_NAME);
    expect(project.VpcConfig).toBeDefined();
    const script = scriptOf(project.Source.BuildSpec);
    const migrate = script.slice(script.indexOf('migrate)'), script.indexOf('refresh)'));
    expect(migrate).toMatch(/DATABASE_SECRET_ARN="\$MASTER_SECRET_ARN"[^\n]*db-roles\.js[\s\S]*DATABASE_SECRET_ARN="\$OWNER_SECRET_ARN" node dist\/cli\/migrate\.js[\s\S]*DATABASE_SECRET_ARN="\$MASTER_SECRET_ARN" node dist\/cli\/db-roles\.js/);
  });

  it('let the release role only upload releases, start database operations and do the account set-up', () => {
    const statements = inlineStatements(bastion.templates.stateful, 'ReleaseOpsReleaseRole');
    expect(statements.map((statement) => statement.Sid).sort()).toEqual(['EnableInspectorScanning', 'PublishReleases', 'RunDatabaseOperations', 'ServiceLinkedRoles']);
    const role = Object.entries(resourcesOf(bastion.templates.stateful, 'AWS::IAM::Role')).find(([id]) => id.startsWith('ReleaseOpsReleaseRole'))?.[1];
    expect(JSON.stringify(role?.Properties?.['AssumeRolePolicyDocument'])).toContain('role/bastion-pipeline-build');
  });
});

describe('pipeline configuration', () => {
  const read = (overrides: Record<string, unknown>) => {
    const context = { ...cdkJsonContext(), ...overrides };
    return () => readConfig((key) => context[key]);
  };
  it('needs a connection, and a staging environment apart from production', () => {
    expect(read({ 'bastion:repository': 'example/bastion' })).toThrow(/connectionArn/);
    expect(read({ ...PIPELINE, 'bastion:staging': '123456789012/us-east-1/staging.shop.example.com' })).toThrow(/staging must differ/);
    expect(read({ ...PIPELINE, 'bastion:staging': 'nonsense' })).toThrow(/staging must be/);
  });
});
