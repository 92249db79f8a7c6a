/**
 * Prints the CloudFormation execution policy for `cdk bootstrap --cloudformation-execution-policies`:
 *   npm run cfn-execution-policy -- --account 123456789012 > bastion-cfn-execution.json
 */
import { parseArgs } from 'node:util';
import { cfnExecutionPolicy } from '../lib/config/cfn-execution-policy.js';

const { values } = parseArgs({ options: { account: { type: 'string' }, partition: { type: 'string', default: 'aws' } } });
if (values.account === undefined || !/^\d{12}$/.test(values.account)) {
  process.stderr.write('--account <12-digit account id> is required\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(cfnExecutionPolicy(values.account, values.partition), null, 2)}\n`);
