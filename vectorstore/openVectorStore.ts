import { connect } from "@lancedb/lancedb";
import { config } from "@/core/config";
import { CairnError } from "@/core/errors";
import { DEFAULT_INDEX_SETTINGS, ensureBaseIndexes, type IndexSettings } from "./indexes";
import { CHUNKS_TABLE, chunkSchema } from "./schema";
import { DEFAULT_SEARCH_TUNING, type SearchTuning } from "./search";
import { checkAndMigrateLayout, CHUNKS_SCHEMA_VERSION, MIGRATIONS, type Migration } from "./storeVersion";
import { withCommitRetry } from "./utils/commitRetry";
import { VectorStore } from "./VectorStore";

export interface OpenVectorStoreOptions {
  /** A local folder, or any URI LanceDB accepts (s3://…, gs://…) for object storage. */
  uri: string;
  /** Length of the embedder's vectors; must match the store. */
  dimensions: number;
  /** Recorded on first open; a different model later is refused (its vectors are not comparable). */
  embeddingModel?: string;
  /** Passed to LanceDB for object storage (credentials, endpoint); default for an s3:// (any URL) URI: CAIRN_S3_* from the config. */
  storageOptions?: Record<string, string>;
  /**
   * How stale a read may be with respect to writes from another process (the ingest
   * worker), in seconds. 0 (default) checks for a newer version on every read; null
   * never checks (only for a single process that does all the writing itself).
   */
  readConsistencyIntervalSeconds?: number | null;
  index?: Partial<IndexSettings>;
  search?: Partial<SearchTuning>;
}

const isUrl = (uri: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(uri);

/** Opens (creating if needed) the chunks store, checking and migrating its layout. */
export function openVectorStore(options: OpenVectorStoreOptions): Promise<VectorStore> {
  return openVectorStoreWithLayout(options, CHUNKS_SCHEMA_VERSION, MIGRATIONS);
}

/** As openVectorStore, with the layout version and migrations given; lets tests exercise migration. */
export async function openVectorStoreWithLayout(
  options: OpenVectorStoreOptions,
  schemaVersion: number,
  migrations: readonly Migration[],
): Promise<VectorStore> {
  const { uri, dimensions, embeddingModel } = options;
  if (typeof uri !== "string" || uri.trim() === "")
    throw new CairnError("bad_request:config", "The vector store location (URI) is empty.", { reason: "invalid_uri" });
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_384)
    throw new CairnError("bad_request:config", `Embedding dimensions must be an integer from 1 to 16384, got ${dimensions}.`, {
      reason: "invalid_dimensions",
    });

  let db;
  try {
    db = await connect(uri, {
      readConsistencyInterval: options.readConsistencyIntervalSeconds === null ? undefined : (options.readConsistencyIntervalSeconds ?? 0),
      storageOptions: options.storageOptions ?? (isUrl(uri) ? config().lancedbStorageOptions : undefined),
    });
  } catch (cause) {
    throw new CairnError("unavailable:vectorstore", `Cannot open the vector store at ${uri}: ${(cause as Error).message}`, { cause });
  }
  const schema = chunkSchema(dimensions, schemaVersion, embeddingModel);
  // existOk: the web server and the worker may both open a brand-new store at once.
  let table;
  try {
    table = (await db.tableNames()).includes(CHUNKS_TABLE)
      ? await db.openTable(CHUNKS_TABLE)
      : await db.createEmptyTable(CHUNKS_TABLE, schema, { mode: "create", existOk: true });
  } catch (cause) {
    db.close();
    throw new CairnError("unavailable:vectorstore", `Cannot open the vector store at ${uri}: ${(cause as Error).message}`, { cause });
  }
  let tableSchema;
  try {
    // Several processes may open a new store at once: each step re-checks, so a lost race is run again.
    await withCommitRetry(() => checkAndMigrateLayout(table, { uri, dimensions, embeddingModel, schemaVersion, migrations }));
    await withCommitRetry(() => ensureBaseIndexes(table));
    // Writes use the table's own schema (after migration), not the one this build would create.
    tableSchema = await table.schema();
  } catch (e) {
    table.close();
    db.close();
    throw e;
  }
  return new VectorStore(
    uri,
    dimensions,
    db,
    table,
    tableSchema,
    { ...DEFAULT_INDEX_SETTINGS, ...options.index },
    { ...DEFAULT_SEARCH_TUNING, ...options.search },
  );
}
