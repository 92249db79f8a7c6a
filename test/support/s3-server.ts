import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface LoopbackS3 {
  /** http://127.0.0.1:<port>, for S3_ENDPOINT. */
  endpoint: string;
  bucket: string;
  /** s3rver checks signatures against these. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/** A real S3-protocol server (s3rver) on a free loopback port, keeping its objects in a temporary folder. */
export async function startLoopbackS3(bucket = 'bastion-media-test'): Promise<LoopbackS3> {
  const directory = await mkdtemp(join(tmpdir(), 'bastion-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
