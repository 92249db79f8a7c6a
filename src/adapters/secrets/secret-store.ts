/**
 * The secrets port: named JSON secrets (AWS Secrets Manager in production). Secrets are fetched into
 * memory only; nothing here writes them to disk or logs.
 */
export interface SecretStore {
  /** The secret's value parsed as a JSON object of strings; throws when absent or not such an object. */
  getJson(id: string): Promise<Record<string, string>>;
}
