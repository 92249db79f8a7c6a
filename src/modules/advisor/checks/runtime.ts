import type { CheckGroup } from '../advisor.types.js';

/** Debug switches that must be off in production. */
export const runtimeChecks: CheckGroup = ({ config, env }) => {
  const production = config.nodeEnv === 'production';
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const nodeDebug = [env.NODE_OPTIONS ?? '', env.DEBUG ?? ''].some((v) => /--inspect|\*/.test(v));
  return [
    production && (verbose || nodeDebug)
      ? {
          id: 'debug', title: 'Debug settings in production', status: 'fail',
          detail: [verbose ? `LOG_LEVEL=${config.logLevel} logs request details` : '', nodeDebug ? 'a debugger or DEBUG=* is enabled' : ''].filter(Boolean).join('; '),
          fix: 'Set LOG_LEVEL=info and remove --inspect from NODE_OPTIONS and DEBUG.',
        }
      : { id: 'debug', title: 'Debug settings in production', status: 'pass', detail: production ? `LOG_LEVEL=${config.logLevel}` : `not production (NODE_ENV=${config.nodeEnv})` },
  ];
};
