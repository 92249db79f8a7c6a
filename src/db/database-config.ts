/** DATABASE_URL and its companions, as config.ts parses them. */
export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string | undefined }
  | {
      kind: 'postgres';
      url: string;
      poolSize: number;
      sslCaFile: string | undefined;
      /** RDS secret whose password the pool fetches per new connection (rotation without restart). */
      passwordSecretArn?: string;
    };
