import { connect } from "@lancedb/lancedb";
import { Field, Schema, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { CairnError } from "@/core/errors";
import { CHUNKS_SCHEMA_VERSION, openVectorStore } from "@/vectorstore";
import { openVectorStoreWithLayout } from "@/vectorstore/openVectorStore";
import type { Migration } from "@/vectorstore/storeVersion";
import { documentChunks, tempDir, tempStore } from "./helpers";

async function openError(promise: Promise<unknown>): Promise<CairnError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CairnError);
  return e as CairnError;
}

describe("openVectorStore", () => {
  it("creates the chunks table with an explicit Arrow schema and its indexes", async () => {
    const uri = tempDir();
    const store = await tempStore({ uri, dimensions: 8 });
    expect(await store.countChunks()).toBe(0);

    const db = await connect(uri);
    const table = await db.openTable("chunks");
    const schema = await table.schema();
    const types = Object.fromEntries(schema.fields.map((f) => [f.name, `${f.type}${f.nullable ? "?" : ""}`]));
    expect(types).toMatchObject({ id: "Utf8", page: "Int32?", ordinal: "Int32", text: "Utf8", vector: "FixedSizeList[8]<Float32>" });
    expect(schema.fields.find((f) => f.name === "id")?.metadata.get("cairn.schemaVersion")).toBe(String(CHUNKS_SCHEMA_VERSION));
    const indexed = (await table.listIndices()).map((i) => `${i.columns[0]}:${i.indexType}`).sort();
    expect(indexed).toEqual(["collectionId:Bitmap", "documentId:BTree", "id:BTree", "searchText:FTS", "text:FTS"]);
    db.close();
  });

  it("reopens an existing store and keeps its chunks", async () => {
    const uri = tempDir();
    const first = await openVectorStore({ uri, dimensions: 8 });
    await first.replaceDocumentChunks("d1", documentChunks("d1", 3));
    first.close();
    const second = await tempStore({ uri, dimensions: 8 });
    expect(await second.countChunks()).toBe(3);
  });

  it("refuses a store built with another embedding dimension: re-index needed", async () => {
    const uri = tempDir();
    (await openVectorStore({ uri, dimensions: 8 })).close();
    const e = await openError(openVectorStore({ uri, dimensions: 16 }));
    expect(e.reason).toBe("dimension_mismatch");
    expect(e.message).toMatch(/8-dimension.*produces 16.*Re-index needed/);
  });

  it("refuses a store built with another embedding model of the same dimension", async () => {
    const uri = tempDir();
    (await openVectorStore({ uri, dimensions: 8, embeddingModel: "bge-small" })).close();
    (await openVectorStore({ uri, dimensions: 8 })).close(); // not naming a model is allowed
    (await openVectorStore({ uri, dimensions: 8, embeddingModel: "bge-small" })).close();
    const e = await openError(openVectorStore({ uri, dimensions: 8, embeddingModel: "minilm" }));
    expect(e.reason).toBe("embedding_model_mismatch");
    expect(e.message).toMatch(/"bge-small".*"minilm".*Re-index needed/);
  });

  it("records the embedding model on first open of an older store that lacks it", async () => {
    const uri = tempDir();
    (await openVectorStore({ uri, dimensions: 8 })).close();
    (await openVectorStore({ uri, dimensions: 8, embeddingModel: "a" })).close();
    const e = await openError(openVectorStore({ uri, dimensions: 8, embeddingModel: "b" }));
    expect(e.reason).toBe("embedding_model_mismatch");
  });

  it("refuses a store from a newer Cairn, saying what to do", async () => {
    const uri = tempDir();
    (await openVectorStoreWithLayout({ uri, dimensions: 8 }, CHUNKS_SCHEMA_VERSION + 1, [])).close();
    const e = await openError(openVectorStore({ uri, dimensions: 8 }));
    expect(e.reason).toBe("schema_too_new");
    expect(e.message).toMatch(/newer than this Cairn supports.*Upgrade Cairn/);
  });

  it("refuses a chunks table that Cairn did not create", async () => {
    const uri = tempDir();
    const db = await connect(uri);
    await db.createEmptyTable("chunks", new Schema([new Field("id", new Utf8(), false)]));
    db.close();
    const e = await openError(openVectorStore({ uri, dimensions: 8 }));
    expect(e.reason).toBe("unknown_schema");
  });

  it("migrates an older store forward, step by step, and stamps the new version", async () => {
    const uri = tempDir();
    const v1 = await openVectorStore({ uri, dimensions: 8 });
    await v1.replaceDocumentChunks("d1", documentChunks("d1", 2));
    v1.close();

    const ran: string[] = [];
    const v = CHUNKS_SCHEMA_VERSION;
    const migrations: Migration[] = [
      { from: v, to: v + 1, description: "add language", migrate: async (t) => { ran.push("1→2"); await t.addColumns([{ name: "language", valueSql: "CAST(NULL AS string)" }]); } },
      { from: v + 1, to: v + 2, description: "noop", migrate: async () => { ran.push("2→3"); } },
    ];
    const v3 = await openVectorStoreWithLayout({ uri, dimensions: 8 }, v + 2, migrations);
    expect(ran).toEqual(["1→2", "2→3"]);
    expect(await v3.countChunks()).toBe(2);
    // Writes still work against the migrated table (its new nullable column is left null).
    await v3.replaceDocumentChunks("d2", documentChunks("d2", 1));
    expect(await v3.countChunks()).toBe(3);
    v3.close();

    const again = await openVectorStoreWithLayout({ uri, dimensions: 8 }, v + 2, migrations);
    expect(ran).toEqual(["1→2", "2→3"]); // already at v3: nothing reruns
    again.close();
    const e = await openError(openVectorStore({ uri, dimensions: 8 }));
    expect(e.reason).toBe("schema_too_new");
  });

  it("refuses an older store with no migration path", async () => {
    const uri = tempDir();
    (await openVectorStore({ uri, dimensions: 8 })).close();
    const e = await openError(openVectorStoreWithLayout({ uri, dimensions: 8 }, CHUNKS_SCHEMA_VERSION + 1, []));
    expect(e.reason).toBe("no_migration");
  });

  it("validates its options", async () => {
    expect((await openError(openVectorStore({ uri: "", dimensions: 8 }))).reason).toBe("invalid_uri");
    expect((await openError(openVectorStore({ uri: tempDir(), dimensions: 0 }))).reason).toBe("invalid_dimensions");
    expect((await openError(openVectorStore({ uri: tempDir(), dimensions: 1.5 }))).reason).toBe("invalid_dimensions");
  });
});
