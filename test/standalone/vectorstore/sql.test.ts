import { describe, expect, it } from "vitest";
import { assertValidId, sqlString } from "@/vectorstore";
import { sqlIn } from "@/vectorstore/sql";
import { documentChunks, tempStore } from "./helpers";

describe("sqlString", () => {
  it("quotes and doubles single quotes", () => {
    expect(sqlString("abc")).toBe("'abc'");
    expect(sqlString("O'Brien")).toBe("'O''Brien'");
    expect(sqlString("''")).toBe("''''''");
    expect(sqlString("a\\'b")).toBe("'a\\''b'");
  });

  it("refuses control characters", () => {
    expect(() => sqlString("a\u0000b")).toThrow(/control characters/);
    expect(() => sqlString("a\nb")).toThrow(/control characters/);
  });

  it("builds IN lists without duplicates and refuses an empty one", () => {
    expect(sqlIn("collectionId", ["a", "b'c", "a"], "Collection id")).toBe("collectionId IN ('a', 'b''c')");
    expect(() => sqlIn("collectionId", [], "Collection id")).toThrow(/Empty Collection id list/);
  });
});

describe("assertValidId", () => {
  it("accepts ordinary ids and refuses empty, huge, non-string and control-character ids", () => {
    expect(() => assertValidId("doc-1:abc", "Document id")).not.toThrow();
    expect(() => assertValidId("", "Document id")).toThrow(/non-empty/);
    expect(() => assertValidId("x".repeat(513), "Document id")).toThrow(/longer/);
    expect(() => assertValidId(42, "Document id")).toThrow(/non-empty string/);
    expect(() => assertValidId("a\tb", "Document id")).toThrow(/control/);
  });
});

describe("hostile ids through real LanceDB filters", () => {
  const hostile = ["x' OR '1'='1", "a\\' OR documentId != '", "); DROP TABLE chunks; --", "naïve \"quoted\" `tick` %_*", "d' OR 1=1 --"];

  it("treats every hostile id as a literal value in writes, reads, counts and deletes", async () => {
    const store = await tempStore();
    await store.replaceDocumentChunks("victim", documentChunks("victim", 3));
    for (const id of hostile) await store.replaceDocumentChunks(id, documentChunks(id, 2, { collectionId: id }));

    for (const id of hostile) {
      expect(await store.countChunks({ documentId: id })).toBe(2);
      expect((await store.getChunks(id)).map((c) => c.documentId)).toEqual([id, id]);
      expect((await store.getChunk(`${id}#v1#0`))?.documentId).toBe(id);
      const hits = await store.hybridSearch({ query: "chunk", collections: [id], mode: "keyword", limit: 20 });
      expect(hits.map((h) => h.collectionId)).toEqual([id, id]);
    }
    for (const id of hostile) await store.deleteDocument(id);
    expect(await store.countChunks()).toBe(3);
    expect(await store.countChunks({ documentId: "victim" })).toBe(3);
  });
});
