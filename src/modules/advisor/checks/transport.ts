import { setting, type CheckGroup } from '../advisor.types.js';

/** TLS: the process serves HTTPS itself, or sits behind a proxy it trusts; HSTS follows from HTTPS. */
export const transportChecks: CheckGroup = ({ config, env }) => {
  const production = config.nodeEnv === 'production';
  const tls = setting(config, 'tls') !== undefined && setting(config, 'tls') !== null;
  const trustProxy = setting(config, 'trustProxy');
  // TRUST_PROXY parses to false/undefined when unset, and to a hop count or address list otherwise.
  const proxied = trustProxy !== undefined && trustProxy !== false && trustProxy !== null;
  const httpsUrl = config.publicUrl.startsWith('https://');
  return [
    tls || proxied
      ? { id: 'tls', title: 'TLS or a trusted proxy', status: 'pass', detail: tls ? 'the process serves HTTPS (TLS_CERT/TLS_KEY)' : `HTTPS ends at a trusted proxy (TRUST_PROXY=${env.TRUST_PROXY ?? 'set'})` }
      : {
          id: 'tls', title: 'TLS or a trusted proxy', status: production ? 'fail' : 'warn',
          detail: 'the process serves plain HTTP and trusts no proxy',
          fix: 'Set TLS_CERT and TLS_KEY, or TRUST_PROXY to the load balancer\'s CIDRs (or hop count).',
        },
    httpsUrl && (tls || proxied)
      ? { id: 'hsts', title: 'HSTS', status: 'pass', detail: 'Strict-Transport-Security (2 years, subdomains) is sent on every HTTPS response' }
      : {
          id: 'hsts', title: 'HSTS', status: production ? 'fail' : 'warn',
          detail: httpsUrl ? 'PUBLIC_URL is https, but no request arrives as HTTPS, so HSTS is never sent' : 'PUBLIC_URL is not https, so browsers are never told to insist on HTTPS',
          fix: 'Serve the shop over HTTPS: PUBLIC_URL=https://..., plus TLS_CERT/TLS_KEY or TRUST_PROXY.',
        },
  ];
};
