import type { Readable } from 'node:stream';

/** A stored object's bytes and what a response needs to describe them. */
export interface StoredObject {
  body: Readable;
  contentType: string;
  size: number;
}

/**
 * The file storage port: product media and uploads. Local files by default, S3 on AWS.
 * Keys are relative paths of [a-z0-9/._-] chosen by the application, never by a client.
 */
export interface ObjectStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object, or undefined when no object has that key. */
  get(key: string): Promise<StoredObject | undefined>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

const validKey = /^(?!.*\.\.)[a-z0-9][a-z0-9/._-]{0,255}$/;

export function assertValidKey(key: string): void {
  if (!validKey.test(key)) throw new Error(`invalid object key: ${JSON.stringify(key)}`);
}
