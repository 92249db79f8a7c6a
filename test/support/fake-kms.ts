import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that speaks the subset of the AWS KMS JSON protocol Bastion uses:
 * `X-Amz-Target: TrentService.GenerateDataKey | Encrypt | Decrypt` (awsJson1_1, blobs in base64).
 * Each key is a real AES-256-GCM key; a ciphertext blob names its key and is bound to the request's
 * encryption context, so a wrong key or context fails as it would on KMS. It does not check SigV4
 * signatures, IAM or key policies, grants, key states or quotas (see docs/security.md).
 */
export interface FakeKms {
  endpoint: string;
  region: string;
  /** Creates a key and returns its ARN. */
  createKey(): string;
  /** Requests received, by operation name. */
  calls: Record<string, number>;
  /** Makes the next `count` requests for `operation` fail with this KMS error. */
  failNext(operation: string, error: { type: string; status: number; message?: string }, count?: number): void;
  close(): Promise<void>;
}

interface Failure {
  operation: string;
  type: string;
  status: number;
  message: string;
  remaining: number;
}

class KmsError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const account = '111122223333';

/** Sorted, so the same context always gives the same bytes (KMS binds it as AAD). */
function contextAad(context: Record<string, string> | undefined): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries));
}

async function body(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

export async function startFakeKms(region = 'eu-west-2'): Promise<FakeKms> {
  const keys = new Map<string, Buffer>();
  const calls: Record<string, number> = {};
  const failures: Failure[] = [];

  const resolveKey = (keyId: unknown): { arn: string; key: Buffer } => {
    const arn = typeof keyId === 'string' ? keyId : '';
    const key = keys.get(arn);
    if (!key) throw new KmsError('NotFoundException', 400, `Key '${arn}' does not exist`);
    return { arn, key };
  };

  const seal = (arn: string, key: Buffer, plaintext: Buffer, context: Record<string, string> | undefined): Buffer => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(contextAad(context));
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const name = Buffer.from(arn);
    const header = Buffer.alloc(2);
    header.writeUInt16BE(name.length);
    return Buffer.concat([header, name, iv, cipher.getAuthTag(), sealed]);
  };

  const open = (blob: Buffer, expectedKeyId: unknown, context: Record<string, string> | undefined) => {
    const invalid = () => new KmsError('InvalidCiphertextException', 400, 'The ciphertext is invalid');
    if (blob.length < 2) throw invalid();
    const nameLength = blob.readUInt16BE(0);
    const arn = blob.subarray(2, 2 + nameLength).toString();
    const key = keys.get(arn);
    if (!key) throw invalid();
    if (typeof expectedKeyId === 'string' && expectedKeyId !== arn) {
      throw new KmsError('IncorrectKeyException', 400, 'The key ID in the request does not identify the key that encrypted the ciphertext');
    }
    const at = 2 + nameLength;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(at, at + 12));
      decipher.setAAD(contextAad(context));
      decipher.setAuthTag(blob.subarray(at + 12, at + 28));
      return { arn, plaintext: Buffer.concat([decipher.update(blob.subarray(at + 28)), decipher.final()]) };
    } catch {
      throw invalid();
    }
  };

  type Handler = (input: Record<string, unknown>) => Record<string, unknown>;
  const operations: Record<string, Handler> = {
    GenerateDataKey: (input) => {
      const { arn, key } = resolveKey(input.KeyId);
      const size = typeof input.NumberOfBytes === 'number' ? input.NumberOfBytes : input.KeySpec === 'AES_128' ? 16 : 32;
      const plaintext = randomBytes(size);
      const context = input.EncryptionContext as Record<string, string> | undefined;
      return { KeyId: arn, Plaintext: plaintext.toString('base64'), CiphertextBlob: seal(arn, key, plaintext, context).toString('base64') };
    },
    Encrypt: (input) => {
      const { arn, key } = resolveKey(input.KeyId);
      const plaintext = Buffer.from(String(input.Plaintext), 'base64');
      const context = input.EncryptionContext as Record<string, string> | undefined;
      return { KeyId: arn, CiphertextBlob: seal(arn, key, plaintext, context).toString('base64') };
    },
    Decrypt: (input) => {
      const blob = Buffer.from(String(input.CiphertextBlob), 'base64');
      const { arn, plaintext } = open(blob, input.KeyId, input.EncryptionContext as Record<string, string> | undefined);
      return { KeyId: arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
      calls[operation] = (calls[operation] ?? 0) + 1;
      const reply = (status: number, payload: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomBytes(8).toString('hex') });
        response.end(JSON.stringify(payload));
      };
      try {
        const input = await body(request);
        if (request.method !== 'POST' || !String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) {
          throw new KmsError('MissingAuthenticationTokenException', 400, 'Request is missing Authentication Token');
        }
        const failure = failures.find((f) => f.operation === operation && f.remaining > 0);
        if (failure) {
          failure.remaining -= 1;
          throw new KmsError(failure.type, failure.status, failure.message);
        }
        const handler = operations[operation];
        if (!handler) throw new KmsError('UnknownOperationException', 400, `Unsupported operation ${target}`);
        reply(200, handler(input));
      } catch (err) {
        const e = err instanceof KmsError ? err : new KmsError('KMSInternalException', 500, String(err));
        reply(e.status, { __type: e.type, message: e.message });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    calls,
    createKey() {
      const arn = `arn:aws:kms:${region}:${account}:key/${crypto.randomUUID()}`;
      keys.set(arn, randomBytes(32));
      return arn;
    },
    failNext(operation, error, count = 1) {
      failures.push({ operation, type: error.type, status: error.status, message: error.message ?? error.type, remaining: count });
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
