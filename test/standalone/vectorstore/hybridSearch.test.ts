import { describe, expect, it } from "vitest";
import { CairnError } from "@/core/errors";
import type { SearchMode } from "@/vectorstore";
import { axisVector, chunk, documentChunks, normalize, randomUnitVector, rng, tempStore } from "./helpers";

const D = 8;
const modes: SearchMode[] = ["hybrid", "vector", "keyword"];

describe("hybridSearch: collection filter", () => {
  it("returns only readable collections, even when another collection matches better and the limit is small", async () => {
    const store = await tempStore();
    const query = axisVector(D, 0);
    // The unreadable collection holds many perfect matches, by vector and by keyword.
    await store.replaceDocumentChunks(
      "secret-doc",
      Array.from({ length: 30 }, (_, i) =>
        chunk({ id: `s${i}`, documentId: "secret-doc", collectionId: "secret", ordinal: i, text: "pump isolation procedure pump", vector: query }),
      ),
    );
    await store.replaceDocumentChunks("public-doc", [
      chunk({ id: "p0", documentId: "public-doc", collectionId: "public", text: "pump notes", vector: axisVector(D, 0, 1, 1) }),
      chunk({ id: "p1", documentId: "public-doc", collectionId: "public", ordinal: 1, text: "general pump care", vector: axisVector(D, 1, 0, 0.5) }),
      chunk({ id: "p2", documentId: "public-doc", collectionId: "public", ordinal: 2, text: "unrelated", vector: axisVector(D, 3) }),
    ]);
    for (const mode of modes) {
      const hits = await store.hybridSearch({ query: "pump isolation", vector: query, collections: ["public"], limit: 2, mode });
      expect(hits.map((h) => h.collectionId)).toEqual(["public", "public"]);
    }
    const both = await store.hybridSearch({ query: "pump", vector: query, collections: ["public", "secret"], limit: 5 });
    expect(both.some((h) => h.collectionId === "secret")).toBe(true);
  });

  it("returns nothing for an empty collections list, in every mode", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("d", documentChunks("d", 5, { text: () => "pump" }));
    for (const mode of modes) expect(await store.hybridSearch({ query: "pump", vector: axisVector(D, 0), collections: [], mode })).toEqual([]);
  });

  it("treats collection ids as literals, not SQL", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("d", documentChunks("d", 3, { collectionId: "real", text: () => "pump" }));
    const hits = await store.hybridSearch({ query: "pump", vector: axisVector(D, 0), collections: ["x') OR collectionId != ('"] });
    expect(hits).toEqual([]);
  });
});

describe("hybridSearch: ranking and fusion", () => {
  it("ranks hand-made semantic vectors by cosine distance, and reports similarity as the vector score", async () => {
    const store = await tempStore();
    const topics = { pump: 0, valve: 1, invoice: 2 };
    await store.replaceDocumentChunks("d", [
      chunk({ id: "pump", documentId: "d", text: "centrifugal pump", vector: axisVector(D, topics.pump) }),
      chunk({ id: "pump-valve", documentId: "d", ordinal: 1, text: "pump discharge valve", vector: axisVector(D, topics.pump, topics.valve, 0.8) }),
      chunk({ id: "valve", documentId: "d", ordinal: 2, text: "gate valve", vector: axisVector(D, topics.valve) }),
      chunk({ id: "invoice", documentId: "d", ordinal: 3, text: "invoice due", vector: axisVector(D, topics.invoice) }),
    ]);
    const hits = await store.hybridSearch({ query: "", vector: axisVector(D, topics.pump, topics.valve, 0.1), collections: ["c1"], mode: "vector" });
    expect(hits.map((h) => h.id)).toEqual(["pump", "pump-valve", "valve", "invoice"]);
    expect(hits.map((h) => h.vectorRank)).toEqual([1, 2, 3, 4]);
    for (const h of hits) expect(h.score).toBeCloseTo(1 - h.vectorDistance!, 6);
    expect(hits[0].vectorDistance!).toBeLessThan(0.01);
    expect(hits[3].vectorDistance!).toBeCloseTo(1, 5); // orthogonal
  });

  it("surfaces both a keyword-only hit and a vector-only hit in hybrid mode", async () => {
    const store = await tempStore();
    const query = axisVector(D, 0);
    const random = rng(7);
    // 60 fillers closer to the query than the keyword chunk, without the query's words.
    const fillers = Array.from({ length: 60 }, (_, i) =>
      chunk({ id: `f${i}`, documentId: "d", ordinal: i + 2, text: `general maintenance note ${i}`, vector: normalize(query.map((x, j) => x * 3 + randomUnitVector(D, random)[j])) }),
    );
    const keywordOnly = chunk({ id: "kw", documentId: "d", ordinal: 0, text: "How to isolate pump P-101 safely", vector: axisVector(D, 0).map((x) => -x) });
    const vectorOnly = chunk({ id: "vec", documentId: "d", ordinal: 1, text: "shutting the flow before service", vector: query });
    await store.replaceDocumentChunks("d", [keywordOnly, vectorOnly, ...fillers]);

    const hits = await store.hybridSearch({ query: "isolate P-101", vector: query, collections: ["c1"], limit: 5 });
    const kw = hits.find((h) => h.id === "kw");
    const vec = hits.find((h) => h.id === "vec");
    expect(kw).toMatchObject({ keywordRank: 1, vectorRank: undefined, vectorDistance: undefined });
    expect(kw!.keywordScore).toBeGreaterThan(0);
    expect(vec).toMatchObject({ vectorRank: 1, keywordRank: undefined, keywordScore: undefined });
    expect(kw!.score).toBeCloseTo(1 / 61, 12);
    expect(vec!.score).toBeCloseTo(1 / 61, 12);
    // Exact-score tie: the vector list wins the tie-break.
    expect(hits.slice(0, 2).map((h) => h.id)).toEqual(["vec", "kw"]);
  });

  it("puts a chunk found by both searches first and returns citation fields", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("d", [
      chunk({ id: "both", documentId: "d", page: 4, headingPath: "Safety > Isolation", charStart: 10, charEnd: 52, text: "isolate pump P-101 at valve V-3", vector: axisVector(D, 0, 1, 0.3) }),
      chunk({ id: "vec", documentId: "d", ordinal: 1, text: "shutting the flow", vector: axisVector(D, 0) }),
      chunk({ id: "kw", documentId: "d", ordinal: 2, text: "pump P-101 spare parts", vector: axisVector(D, 5) }),
    ]);
    const [first] = await store.hybridSearch({ query: "isolate pump P-101", vector: axisVector(D, 0), collections: ["c1"], limit: 3 });
    expect(first).toMatchObject({ id: "both", documentId: "d", page: 4, headingPath: "Safety > Isolation", charStart: 10, charEnd: 52, vectorRank: 2, keywordRank: 1 });
    expect(first.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(first).not.toHaveProperty("vector");
  });
});

describe("hybridSearch: keyword index stays in sync with writes", () => {
  it("finds new chunks by keyword as soon as the write returns, and never finds replaced or deleted ones", async () => {
    const store = await tempStore();
    const search = (q: string) => store.hybridSearch({ query: q, collections: ["c1"], mode: "keyword", limit: 20 });
    await store.replaceDocumentChunks("d", documentChunks("d", 3, { text: (i) => `zebra manual page ${i}` }));
    expect(await search("zebra")).toHaveLength(3);

    await store.replaceDocumentChunks("d", documentChunks("d", 2, { version: "v2", text: (i) => `giraffe manual page ${i}` }));
    expect(await search("zebra")).toHaveLength(0);
    expect((await search("giraffe")).map((h) => h.id)).toEqual(expect.arrayContaining(["d#v2#0", "d#v2#1"]));

    // Fold everything into the FTS index, then keep writing: indexed and unindexed rows both stay correct.
    await store.replaceDocumentChunks("e", documentChunks("e", 2, { text: () => "okapi" }));
    expect((await store.ensureIndexes()).created).toEqual([]);
    await store.ensureIndexes();
    await store.deleteDocument("d");
    expect(await search("giraffe")).toHaveLength(0);
    await store.replaceDocumentChunks("f", documentChunks("f", 1, { text: () => "giraffe returns" }));
    expect((await search("giraffe")).map((h) => h.id)).toEqual(["f#v1#0"]);
    expect(await search("okapi")).toHaveLength(2);
  });
});

describe("hybridSearch: hostile and odd queries", () => {
  const queries = ["", "   ", '"', "'", "a:b", "title:(pump OR valve)", "(((", "pump*", "*", "?", "~2", "+pump -valve", "pump AND NOT", "\\", "%_", "--", "'; DROP TABLE chunks; --", "ünïcödé ✓ 日本語", "x".repeat(20_000), "pump ".repeat(3_000)];

  it("never throws, in any mode", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("d", documentChunks("d", 5, { text: (i) => `pump valve ${i} (P-101): "quoted"` }));
    for (const query of queries)
      for (const mode of modes) {
        const hits = await store.hybridSearch({ query, vector: axisVector(D, 0), collections: ["c1"], mode });
        expect(Array.isArray(hits)).toBe(true);
      }
    const long = await store.hybridSearch({ query: "pump ".repeat(3_000), collections: ["c1"], mode: "keyword" });
    expect(long.length).toBe(5);
  });

  it("refuses a missing or wrong-sized vector, a bad limit and an unknown mode with clear errors", async () => {
    const store = await tempStore();
    const fail = async (q: Parameters<typeof store.hybridSearch>[0]) => {
      const e = await store.hybridSearch(q).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(CairnError);
      return (e as CairnError).reason;
    };
    expect(await fail({ query: "x", collections: ["c1"] })).toBe("invalid_vector");
    expect(await fail({ query: "x", collections: ["c1"], mode: "vector" })).toBe("invalid_vector");
    expect(await fail({ query: "x", vector: new Float32Array(3), collections: ["c1"] })).toBe("dimension_mismatch");
    expect(await fail({ query: "x", collections: ["c1"], mode: "keyword", limit: 0 })).toBe("invalid_limit");
    expect(await fail({ query: "x", collections: ["c1"], mode: "keyword", limit: 1.5 })).toBe("invalid_limit");
    expect(await fail({ query: "x", collections: ["c1"], mode: "fuzzy" as SearchMode })).toBe("invalid_mode");
    expect(await fail({ query: "x", collections: ["bad\u0000id"], mode: "keyword" })).toBe("invalid_id");
  });

  it("falls back to the vector side alone in hybrid mode when the query has no text", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("d", documentChunks("d", 4));
    const hits = await store.hybridSearch({ query: "  ", vector: axisVector(D, 0), collections: ["c1"], limit: 3 });
    expect(hits).toHaveLength(3);
    for (const h of hits) expect(h.keywordRank).toBeUndefined();
  });
});
