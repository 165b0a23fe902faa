import { describe, expect, it } from "vitest";
import { CairnError } from "@/core/errors";
import { axisVector, chunk, documentChunks, tempDir, tempStore } from "./helpers";

async function reason(promise: Promise<unknown>): Promise<string | undefined> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CairnError);
  return (e as CairnError).reason;
}

describe("replaceDocumentChunks", () => {
  it("inserts, then replaces a document's chunks, leaving other documents alone", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("other", documentChunks("other", 4));
    const first = await store.replaceDocumentChunks("d1", documentChunks("d1", 5));
    expect(first).toMatchObject({ inserted: 5, updated: 0, deleted: 0 });

    const second = await store.replaceDocumentChunks("d1", documentChunks("d1", 3, { version: "v2" }));
    expect(second).toMatchObject({ inserted: 3, updated: 0, deleted: 5 });
    expect(second.version).toBeGreaterThan(first.version);
    expect((await store.getChunks("d1")).map((c) => c.id)).toEqual(["d1#v2#0", "d1#v2#1", "d1#v2#2"]);
    expect(await store.countChunks({ documentId: "other" })).toBe(4);

    // Same ids again: updated in place, not duplicated.
    const third = await store.replaceDocumentChunks("d1", documentChunks("d1", 3, { version: "v2", text: (i) => `edited ${i}` }));
    expect(third).toMatchObject({ inserted: 0, updated: 3, deleted: 0 });
    expect((await store.getChunks("d1")).map((c) => c.text)).toEqual(["edited 0", "edited 1", "edited 2"]);
    expect(await store.countChunks()).toBe(7);
  });

  it("deletes the document when given no chunks", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("d1", documentChunks("d1", 3));
    expect(await store.replaceDocumentChunks("d1", [])).toMatchObject({ deleted: 3 });
    expect(await store.countChunks()).toBe(0);
  });

  it("round-trips every field exactly, including null pages and vectors", async () => {
    const store = await tempStore();
    const original = chunk({
      id: "c-1",
      documentId: "d1",
      collectionId: "manuals",
      documentSha256: "ab".repeat(32),
      ordinal: 7,
      page: null,
      headingPath: "Safety > Isolation",
      charStart: 120,
      charEnd: 180,
      tokenCount: 14,
      text: "Close valve V-3 before opening — «unicode» ✓",
      vector: axisVector(8, 2, 5, 0.3),
    });
    await store.replaceDocumentChunks("d1", [original, { ...original, id: "c-2", ordinal: 8, page: 3 }]);
    expect(await store.getChunk("c-1")).toEqual(original);
    expect((await store.getChunk("c-2"))?.page).toBe(3);
    expect(await store.getChunk("missing")).toBeNull();
  });

  it("returns all chunks of a long document in ordinal order", async () => {
    const store = await tempStore();
    const chunks = documentChunks("big", 57).reverse();
    await store.replaceDocumentChunks("big", chunks);
    expect((await store.getChunks("big")).map((c) => c.ordinal)).toEqual([...Array(57).keys()]);
    expect(await store.getChunks("nothing-here")).toEqual([]);
  });

  it("refuses bad input and leaves the store unchanged", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("owner", documentChunks("owner", 2));
    const good = documentChunks("d1", 2);
    expect(await reason(store.replaceDocumentChunks("d1", [{ ...good[0], documentId: "d2" }]))).toBe("document_mismatch");
    expect(await reason(store.replaceDocumentChunks("d1", [good[0], { ...good[1], id: good[0].id }]))).toBe("duplicate_chunk_id");
    expect(await reason(store.replaceDocumentChunks("d1", [{ ...good[0], vector: new Float32Array(4) }]))).toBe("dimension_mismatch");
    expect(await reason(store.replaceDocumentChunks("d1", [{ ...good[0], vector: Float32Array.from([NaN, 0, 0, 0, 0, 0, 0, 1]) }]))).toBe(
      "invalid_vector",
    );
    expect(await reason(store.replaceDocumentChunks("d1", [good[0], { ...good[1], collectionId: "c2" }]))).toBe("collection_mismatch");
    expect(await reason(store.replaceDocumentChunks("", []))).toBe("invalid_id");
    expect(await reason(store.replaceDocumentChunks("d1", [{ ...good[0], id: "bad\nid" }]))).toBe("invalid_id");
    // A chunk id owned by another document would be silently moved by the merge.
    expect(await reason(store.replaceDocumentChunks("d1", [{ ...good[0], id: "owner#v1#0" }]))).toBe("chunk_id_taken");
    expect(await store.countChunks()).toBe(2);
    expect((await store.getChunk("owner#v1#0"))?.documentId).toBe("owner");
  });

  it("lands every write when many documents are replaced at once", async () => {
    const store = await tempStore();
    await Promise.all(Array.from({ length: 8 }, (_, d) => store.replaceDocumentChunks(`d${d}`, documentChunks(`d${d}`, 3, { seed: d }))));
    expect(await store.countChunks()).toBe(24);
  });
});

describe("deletes and counts", () => {
  it("deletes one document or a whole collection, and counts by filter", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("a1", documentChunks("a1", 2, { collectionId: "A" }));
    await store.replaceDocumentChunks("a2", documentChunks("a2", 3, { collectionId: "A" }));
    await store.replaceDocumentChunks("b1", documentChunks("b1", 4, { collectionId: "B" }));
    expect(await store.countChunks({ collectionId: "A" })).toBe(5);
    expect(await store.countChunks({ collectionId: ["A", "B"] })).toBe(9);
    expect(await store.countChunks({ collectionId: [] })).toBe(0);
    expect(await store.countChunks({ collectionId: "A", documentId: "a2" })).toBe(3);

    await store.deleteDocument("a1");
    expect(await store.countChunks({ collectionId: "A" })).toBe(3);
    await store.deleteDocument("never-existed");
    await store.deleteCollection("A");
    expect(await store.countChunks()).toBe(4);
  });
});

describe("atomic replacement under concurrent reads", () => {
  it("a reader in another connection sees the old or the new version, never a mix, never empty", async () => {
    const uri = tempDir();
    const writer = await tempStore({ uri });
    const reader = await tempStore({ uri, readConsistencyIntervalSeconds: 0 });
    const versions = (v: number) =>
      documentChunks("doc", v % 2 === 0 ? 5 : 7, { version: `v${v}`, seed: v, text: (i) => `pump chunk ${i} version${v}` });
    await writer.replaceDocumentChunks("doc", versions(0));
    await writer.replaceDocumentChunks("noise", documentChunks("noise", 3, { text: () => "pump noise" }));

    let done = false;
    const seen = new Set<string>();
    let reads = 0;
    const problems: string[] = [];
    const check = (label: string, ids: string[]) => {
      const vs = new Set(ids.map((id) => id.split("#")[1]));
      const v = [...vs][0];
      const expected = v === undefined ? -1 : Number(v.slice(1)) % 2 === 0 ? 5 : 7;
      if (vs.size !== 1 || ids.length !== expected) problems.push(`${label}: ${ids.join(",")}`);
      vs.forEach((x) => seen.add(x));
      reads++;
    };
    const readLoop = async () => {
      while (!done) {
        const [kw, vec, all, count] = await Promise.all([
          reader.hybridSearch({ query: "pump chunk", collections: ["c1"], mode: "keyword", limit: 50 }),
          reader.hybridSearch({ query: "", vector: axisVector(8, 0), collections: ["c1"], mode: "vector", limit: 50 }),
          reader.getChunks("doc"),
          reader.countChunks({ documentId: "doc" }),
        ]);
        check("keyword", kw.filter((h) => h.documentId === "doc").map((h) => h.id));
        check("vector", vec.filter((h) => h.documentId === "doc").map((h) => h.id));
        check("getChunks", all.map((c) => c.id));
        if (count !== 5 && count !== 7) problems.push(`count ${count}`);
      }
    };
    const writeLoop = async () => {
      for (let v = 1; v <= 16; v++) await writer.replaceDocumentChunks("doc", versions(v));
      done = true;
    };
    await Promise.all([readLoop(), readLoop(), writeLoop()]);
    expect(problems).toEqual([]);
    // The test only proves something if reads really interleaved with several versions.
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(reads).toBeGreaterThan(20);
  });
});
