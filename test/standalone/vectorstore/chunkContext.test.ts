import { connect, makeArrowTable } from "@lancedb/lancedb";
import { Schema } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { openVectorStore } from "@/vectorstore";
import { chunkSchema, CHUNKS_TABLE } from "@/vectorstore/schema";
import { CHUNKS_SCHEMA_VERSION } from "@/vectorstore/storeVersion";
import { axisVector, chunk, tempDir, tempStore } from "./helpers";

// The context header (title, parties, section path) is keyword-indexed with the chunk but is
// never its text; a document-narrowed search stays inside the LanceDB query; a store of the
// first layout (no header columns) is migrated in place and its documents listed for re-indexing.

describe("chunk context in the store", () => {
  it("finds a chunk by words only its header has, and returns the text without them", async () => {
    const store = await tempStore();
    const law = "This Agreement is governed by the laws of the State of Delaware.";
    await store.replaceDocumentChunks("kub", [
      chunk({ id: "kub-1", documentId: "kub", text: law, context: "Master Services Agreement\nParties: Kubient Inc.; The Associated Press\nSection: 14. Governing Law", vector: axisVector(8, 0) }),
    ]);
    await store.replaceDocumentChunks("pivx", [
      chunk({ id: "pivx-1", documentId: "pivx", text: "This Agreement shall be governed by the laws of the State of California.", context: "Reseller Agreement\nParties: PivX Corporation; Detto Technologies", vector: axisVector(8, 1) }),
    ]);
    await store.ensureIndexes();
    const hits = await store.hybridSearch({ query: "Kubient governing law", collections: ["c1"], mode: "keyword", limit: 5 });
    expect(hits[0]?.id).toBe("kub-1");
    expect(hits[0]?.text).toBe(law);
    expect(hits[0]?.text).not.toContain("Kubient");
    expect(hits[0]?.context).toContain("Kubient Inc.");
    expect(hits[0]?.charEnd).toBe(law.length);
    // Term counts read the text alone: the header's words occur in no chunk text.
    expect(await store.keywordMatches("Kubient", ["c1"], 10)).toEqual([]);
  });

  it("narrows a search to given documents inside the query, and refuses an empty list", async () => {
    const store = await tempStore();
    for (const d of ["a", "b", "c"]) await store.replaceDocumentChunks(d, [chunk({ id: `${d}-1`, documentId: d, text: `renewal term of ${d}`, vector: axisVector(8, 2) })]);
    await store.ensureIndexes();
    const hits = await store.hybridSearch({ query: "renewal term", vector: axisVector(8, 2), collections: ["c1"], documents: ["b", "c"], limit: 10 });
    expect(hits.map((h) => h.documentId).sort()).toEqual(["b", "c"]);
    await expect(store.hybridSearch({ query: "renewal", vector: axisVector(8, 2), collections: ["c1"], documents: [], limit: 10 })).rejects.toThrow(/at least one document/);
  });

  it("migrates a first-layout store: old chunks stay searchable, with no header, and are listed for re-indexing", async () => {
    const uri = tempDir();
    const db = await connect(uri);
    const v1 = new Schema(chunkSchema(8, 1).fields.filter((f) => f.name !== "context" && f.name !== "searchText"));
    const old = chunk({ id: "old-1", documentId: "old", text: "The initial term is one year.", vector: axisVector(8, 3) });
    const { context: _, ...row } = old;
    const table = await db.createEmptyTable(CHUNKS_TABLE, v1);
    await table.add(makeArrowTable([row], { schema: v1 }));
    table.close();
    db.close();

    const store = await openVectorStore({ uri, dimensions: 8 });
    try {
      const schema = await (await (await connect(uri)).openTable(CHUNKS_TABLE)).schema();
      expect(schema.fields.find((f) => f.name === "id")?.metadata.get("cairn.schemaVersion")).toBe(String(CHUNKS_SCHEMA_VERSION));
      expect(schema.fields.map((f) => f.name)).toEqual(expect.arrayContaining(["context", "searchText"]));
      await store.ensureIndexes();
      const hits = await store.hybridSearch({ query: "initial term", collections: ["c1"], mode: "keyword", limit: 5 });
      expect(hits.map((h) => [h.id, h.context])).toEqual([["old-1", ""]]);
      expect(await store.documentsWithoutContext()).toEqual(["old"]);
      // Re-indexed with a header, the document is no longer listed.
      await store.replaceDocumentChunks("old", [{ ...old, id: "old-2", context: "Supply Agreement" }]);
      expect(await store.documentsWithoutContext()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
