export interface PostgresCluster {
  /** The `postgres` maintenance database (trust auth, 127.0.0.1 only). */
  url: string;
  port: number;
  dir: string;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown, then the temp dir is removed. */
  stop(): Promise<void>;
  logs(): string;
}
export function ensurePostgres(): string;
export function startPostgres(opts?: { port?: number; dirPrefix?: string }): Promise<PostgresCluster>;
