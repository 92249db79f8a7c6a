import { describeKeys } from '../adapters/keys/open-key-ring.js';
import { ConfigError } from '../config.js';
import { loadConfigWithSecrets } from '../load-config.js';
import { formatReport, runAdvisor } from '../modules/advisor/index.js';

/**
 * `npm run advisor`: checks the configuration this process would run with and prints pass/warn/fail
 * with a one-line fix for each finding. Exits 1 on any fail (and on a configuration that does not
 * load), so a deploy pipeline can gate on it. It reads settings only: it opens no database and
 * creates no key file.
 */
try {
  const config = (await loadConfigWithSecrets()).config;
  const report = runAdvisor({ config, env: process.env, keys: await describeKeys(config), now: new Date() });
  process.stdout.write(formatReport(report));
  process.exit(report.ok ? 0 : 1);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stdout.write(`FAIL  Configuration: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
