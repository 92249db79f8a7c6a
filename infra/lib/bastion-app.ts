import { resolve } from 'node:path';
import { Annotations, type App } from 'aws-cdk-lib';
import { readConfig, type BastionConfig } from './config/bastion-config.js';
import { loadRateLimitRules, mirrorRateLimits, type RateLimitMirror } from './config/rate-limits.js';
import { addNagChecks } from './nag.js';
import { AppStack } from './stacks/app-stack.js';
import { EdgeStack } from './stacks/edge-stack.js';
import { PipelineStack } from './stacks/pipeline-stack.js';
import { RecoveryStack } from './stacks/recovery-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';

export interface BastionStacks {
  readonly config: BastionConfig;
  readonly rateLimits: RateLimitMirror & { readonly origin: string };
  readonly stateful: StatefulStack;
  readonly edge: EdgeStack;
  readonly app: AppStack;
  readonly recovery: RecoveryStack;
  /** Present when `bastion:repository` names the source (see PipelineConfig). */
  readonly pipeline: PipelineStack | undefined;
}

/** The Region CloudFront requires for its certificate and WebACL. */
export const EDGE_REGION = 'us-east-1';

/**
 * Builds every Bastion stack into `app` from its context; the CLI entry and the tests share it.
 * `baseDir` anchors relative paths from context (the infra package directory under the CLI).
 */
export function buildBastion(app: App, baseDir: string = process.cwd()): BastionStacks {
  const config = readConfig((key) => app.node.tryGetContext(key));
  const source = loadRateLimitRules(resolve(baseDir, config.rateLimitsFile));
  const mirror = mirrorRateLimits(source.rules);

  const regional = { account: config.account, region: config.region };
  const recovery = new RecoveryStack(app, 'BastionRecovery', {
    env: { account: config.account, region: config.backupCopyRegion },
    config,
    description: 'Bastion: backup vault receiving database copies in a second Region (retained)',
  });
  const stateful = new StatefulStack(app, 'BastionStateful', {
    env: regional,
    config,
    description: 'Bastion: keys, network, database, cache, buckets, user pool, secrets, audit (retained)',
  });
  stateful.addStackDependency(recovery, 'the backup plan copies into the recovery vault');
  const edge = new EdgeStack(app, 'BastionEdge', {
    env: { account: config.account, region: EDGE_REGION },
    crossRegionReferences: true,
    config,
    mirroredRules: mirror.mirrored,
    description: 'Bastion: CloudFront WAF WebACL and certificate (us-east-1)',
  });
  const appStack = new AppStack(app, 'BastionApp', {
    env: regional,
    crossRegionReferences: true,
    config,
    stateful,
    edge,
    mirroredRules: mirror.mirrored,
    description: 'Bastion: load balancer, app fleet, CDN, alarms, dashboard (stateless)',
  });

  const pipeline =
    config.pipeline === undefined
      ? undefined
      : new PipelineStack(app, 'BastionPipeline', {
          env: regional,
          config,
          pipeline: config.pipeline,
          accessLogs: stateful.logBuckets.accessLogs,
          description: 'Bastion: release pipeline (build and test, staging, approval, production)',
        });

  for (const rule of mirror.skipped) {
    Annotations.of(edge).addInfo(
      `Rate limit "${rule.name}" (${rule.windowSeconds}s window) is enforced by the app only: WAF windows are 60/120/300/600s.`,
    );
  }

  addNagChecks(app);
  return { config, rateLimits: { ...mirror, origin: source.origin }, stateful, edge, app: appStack, recovery, pipeline };
}
