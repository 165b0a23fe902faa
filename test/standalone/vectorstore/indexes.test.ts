import { connect } from "@lancedb/lancedb";
import { describe, expect, it } from "vitest";
import type { AnnIndexType } from "@/vectorstore";
import { axisVector, documentChunks, tempDir, tempStore } from "./helpers";

const D = 16;

async function fill(store: Awaited<ReturnType<typeof tempStore>>, docs: number, perDoc: number) {
  for (let d = 0; d < docs; d++)
    await store.replaceDocumentChunks(`doc${d}`, documentChunks(`doc${d}`, perDoc, { dimensions: D, seed: d + 1, collectionId: d % 2 === 0 ? "even" : "odd" }));
}

describe("ensureIndexes", () => {
  it.each<AnnIndexType>(["ivf_pq", "ivf_hnsw_sq", "ivf_flat"])(
    "stays exact below the threshold, builds %s at it, and still finds rows added after the index",
    async (annIndexType) => {
      const uri = tempDir();
      const store = await tempStore({ uri, dimensions: D, index: { annMinRows: 600, annIndexType } });
      await fill(store, 5, 100);
      expect(await store.ensureIndexes()).toMatchObject({ rows: 500, vectorIndex: "none" });
      await fill(store, 6, 100);
      const report = await store.ensureIndexes();
      expect(report).toMatchObject({ rows: 600, vectorIndex: annIndexType, created: ["vector_idx"] });

      const db = await connect(uri);
      const indices = await (await db.openTable("chunks")).listIndices();
      expect(indices.find((i) => i.columns[0] === "vector")?.indexType.toLowerCase()).toContain(annIndexType.split("_").at(-1));
      db.close();

      // A chunk written after the index exists is found (LanceDB scans unindexed rows).
      const target = axisVector(D, 3);
      const late = documentChunks("late", 1, { dimensions: D, collectionId: "even" }).map((c) => ({ ...c, vector: target }));
      await store.replaceDocumentChunks("late", late);
      const hits = await store.hybridSearch({ query: "", vector: target, collections: ["even"], mode: "vector", limit: 5 });
      expect(hits[0].id).toBe("late#v1#0");
      expect(hits.every((h) => h.collectionId === "even")).toBe(true);
      expect(hits).toHaveLength(5);

      // The collection filter is applied inside the ANN search: a tiny collection whose
      // chunks are far from the query still fills the result, though 600 rows match better.
      const far = documentChunks("far", 3, { dimensions: D, collectionId: "tiny" }).map((c) => ({ ...c, vector: axisVector(D, 3).map((x) => -x) }));
      await store.replaceDocumentChunks("far", far);
      await store.ensureIndexes();
      const tiny = await store.hybridSearch({ query: "", vector: target, collections: ["tiny"], mode: "vector", limit: 3 });
      expect(tiny.map((h) => h.id).sort()).toEqual(["far#v1#0", "far#v1#1", "far#v1#2"]);

      await store.deleteDocument("late");
      const after = await store.hybridSearch({ query: "", vector: target, collections: ["even"], mode: "vector", limit: 5 });
      expect(after.map((h) => h.documentId)).not.toContain("late");
    },
  );

  it("folds unindexed rows into the indexes once enough pile up, and search stays correct", async () => {
    const store = await tempStore({ dimensions: D, index: { annMinRows: 300, optimizeMinUnindexedRows: 50, optimizeMinSmallFragments: 1000 } });
    await fill(store, 3, 100);
    // The FTS index was built on the empty table, so its 300 rows are folded in first; then the ANN index is built.
    expect(await store.ensureIndexes()).toMatchObject({ created: ["vector_idx"], optimized: true });
    expect((await store.ensureIndexes()).optimized).toBe(false);

    const target = axisVector(D, 5);
    await store.replaceDocumentChunks("new", documentChunks("new", 60, { dimensions: D, text: (i) => `quokka ${i}` }).map((c, i) => (i === 0 ? { ...c, vector: target } : c)));
    const report = await store.ensureIndexes();
    expect(report.optimized).toBe(true);
    expect((await store.ensureIndexes()).optimized).toBe(false);

    const byVector = await store.hybridSearch({ query: "", vector: target, collections: ["c1"], mode: "vector", limit: 3 });
    expect(byVector[0].id).toBe("new#v1#0");
    expect(await store.hybridSearch({ query: "quokka", collections: ["c1"], mode: "keyword", limit: 100 })).toHaveLength(60);
    expect(await store.countChunks()).toBe(360);
  });

  it("spaces index refreshes by a fraction of the table, since refreshing costs as much as the table is large", async () => {
    const store = await tempStore({ dimensions: D, index: { optimizeMinUnindexedRows: 10, optimizeMinUnindexedFraction: 0.5, optimizeMinSmallFragments: 1000 } });
    await fill(store, 1, 100);
    expect((await store.ensureIndexes()).optimized).toBe(true); // 100 unindexed ≥ max(10, 50)
    await store.replaceDocumentChunks("more1", documentChunks("more1", 40, { dimensions: D }));
    expect((await store.ensureIndexes()).optimized).toBe(false); // 40 < 70
    await store.replaceDocumentChunks("more2", documentChunks("more2", 60, { dimensions: D }));
    expect((await store.ensureIndexes()).optimized).toBe(true); // 100 ≥ 100
  });

  it("compacts once many small write fragments pile up", async () => {
    const store = await tempStore({ dimensions: D, index: { optimizeMinSmallFragments: 5 } });
    for (let d = 0; d < 6; d++) await store.replaceDocumentChunks(`d${d}`, documentChunks(`d${d}`, 2, { dimensions: D, seed: d }));
    expect((await store.ensureIndexes()).optimized).toBe(true);
    expect(await store.countChunks()).toBe(12);
    expect((await store.getChunks("d3")).length).toBe(2);
  });
});
