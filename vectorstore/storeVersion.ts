import type { Table } from "@lancedb/lancedb";
import { FixedSizeList } from "apache-arrow";
import { CairnError } from "@/core/errors";
import { CHUNK_COLUMNS, META_EMBEDDING_MODEL, META_SCHEMA_VERSION, SEARCH_TEXT_COLUMN } from "./schema";

// The chunks table records its own layout version (field metadata on `id`) and the
// embedding model that filled it (field metadata on `vector`). Opening checks both,
// so a store is migrated forward, or refused with a message saying what to do —
// never read with the wrong layout or searched with vectors from another model.

/** Layout version this build writes. Bump it and add a Migration when the schema changes. */
export const CHUNKS_SCHEMA_VERSION = 2;

export interface Migration {
  from: number;
  to: number;
  description: string;
  migrate(table: Table): Promise<void>;
}

/** v1 is the first layout; later versions append their step here. */
export const MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    to: 2,
    description: "chunk context headers: `context` (title, parties, section path) and `searchText` (what BM25 searches)",
    // Old chunks get an empty header and keep their vectors: searchable at once, as before; the
    // app re-indexes their documents to give them headers (lib/store.ts).
    async migrate(table) {
      const names = new Set((await table.schema()).fields.map((f) => f.name));
      const add = [
        ...(names.has("context") ? [] : [{ name: "context", valueSql: "''" }]),
        ...(names.has(SEARCH_TEXT_COLUMN) ? [] : [{ name: SEARCH_TEXT_COLUMN, valueSql: "text" }]),
      ];
      if (add.length) await table.addColumns(add);
    },
  },
];

export interface LayoutExpectations {
  uri: string;
  dimensions: number;
  embeddingModel?: string;
  schemaVersion: number;
  migrations: readonly Migration[];
}

const reindex = (uri: string) =>
  `Re-index needed: move the folder ${uri} aside (or point CAIRN_DATA_DIR elsewhere) and re-ingest the documents, or switch back to the embedding model the store was built with.`;

/** Validates an existing chunks table and migrates it to `schemaVersion`. */
export async function checkAndMigrateLayout(table: Table, expect: LayoutExpectations): Promise<void> {
  const schema = await table.schema();
  const raw = schema.fields.find((f) => f.name === "id")?.metadata.get(META_SCHEMA_VERSION);
  const version = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
  if (version === undefined)
    throw new CairnError(
      "conflict:vectorstore",
      `The search index at ${expect.uri} has no Cairn schema version, so it was not created by Cairn. Move it aside or point CAIRN_DATA_DIR at another folder, then re-ingest the documents.`,
      { reason: "unknown_schema" },
    );
  if (version > expect.schemaVersion)
    throw new CairnError(
      "conflict:vectorstore",
      `The search index at ${expect.uri} has schema version ${version}, newer than this Cairn supports (${expect.schemaVersion}). Upgrade Cairn, or move the folder aside and re-ingest the documents.`,
      { reason: "schema_too_new" },
    );

  const vectorField = schema.fields.find((f) => f.name === "vector");
  const storedDims = vectorField && FixedSizeList.isFixedSizeList(vectorField.type) ? vectorField.type.listSize : undefined;
  if (storedDims !== expect.dimensions)
    throw new CairnError(
      "conflict:vectorstore",
      `The search index at ${expect.uri} holds ${storedDims ?? "unknown"}-dimension embeddings, but the embedding model produces ${expect.dimensions}. ${reindex(expect.uri)}`,
      { reason: "dimension_mismatch" },
    );

  const storedModel = vectorField?.metadata.get(META_EMBEDDING_MODEL);
  if (expect.embeddingModel !== undefined && storedModel !== undefined && storedModel !== expect.embeddingModel)
    throw new CairnError(
      "conflict:vectorstore",
      `The search index at ${expect.uri} was built with embedding model "${storedModel}", not "${expect.embeddingModel}"; their vectors are not comparable. ${reindex(expect.uri)}`,
      { reason: "embedding_model_mismatch" },
    );
  if (expect.embeddingModel !== undefined && storedModel === undefined)
    await table.updateFieldMetadata([{ path: "vector", metadata: { [META_EMBEDDING_MODEL]: expect.embeddingModel } }]);

  for (let v = version; v < expect.schemaVersion; ) {
    const step = expect.migrations.find((m) => m.from === v);
    if (!step)
      throw new CairnError(
        "conflict:vectorstore",
        `The search index at ${expect.uri} has schema version ${v} and this Cairn has no migration from it. Move the folder aside and re-ingest the documents.`,
        { reason: "no_migration" },
      );
    await step.migrate(table);
    // Stamped after the step, so an interrupted migration reruns (steps must be idempotent).
    await table.updateFieldMetadata([{ path: "id", metadata: { [META_SCHEMA_VERSION]: String(step.to) } }]);
    v = step.to;
  }

  const names = new Set((await table.schema()).fields.map((f) => f.name));
  const missing = [...CHUNK_COLUMNS, SEARCH_TEXT_COLUMN].filter((c) => !names.has(c));
  if (missing.length > 0)
    throw new CairnError("conflict:vectorstore", `The search index at ${expect.uri} lacks columns ${missing.join(", ")}. ${reindex(expect.uri)}`, {
      reason: "schema_mismatch",
    });
}
