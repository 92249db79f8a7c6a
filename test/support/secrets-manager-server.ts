import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSecretsManager {
  url: string;
  secrets: Map<string, string>;
  requests: { target: string; authorization: string; secretId: string }[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server speaking the one Secrets Manager call Bastion makes (GetSecretValue, AWS JSON
 * 1.1 protocol), so the real AWS SDK client can be pointed at it. It checks the request is SigV4-signed
 * but does not verify the signature (it has no real credentials to verify against).
 */
export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const secrets = new Map<string, string>();
  const requests: FakeSecretsManager['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const authorization = String(req.headers.authorization ?? '');
      const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
      requests.push({ target, authorization, secretId: SecretId ?? '' });
      const send = (status: number, payload: object): void => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) return send(400, { __type: 'MissingAuthenticationTokenException', message: 'unsigned' });
      if (target !== 'secretsmanager.GetSecretValue') return send(400, { __type: 'UnknownOperationException', message: target });
      const value = SecretId === undefined ? undefined : secrets.get(SecretId);
      if (value === undefined) return send(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      send(200, { ARN: SecretId, Name: SecretId, SecretString: value, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secrets,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
