import type { App } from 'aws-cdk-lib';
import { readConfig, type BastionConfig } from './config/bastion-config.js';
import { addNagChecks } from './nag.js';
import { StatefulStack } from './stacks/stateful-stack.js';

export interface BastionStacks {
  readonly config: BastionConfig;
  readonly stateful: StatefulStack;
}

/** Builds every Bastion stack into `app` from its context. The CLI entry and the tests share this. */
export function buildBastion(app: App): BastionStacks {
  const config = readConfig((key) => app.node.tryGetContext(key));
  const env = { account: config.account, region: config.region };

  const stateful = new StatefulStack(app, 'BastionStateful', {
    env,
    config,
    description: 'Bastion: keys, network, database, cache, buckets, user pool, secrets, audit (retained)',
  });

  addNagChecks(app);
  return { config, stateful };
}
