import { describe, expect, it } from "vitest";
import { chunk, randomUnitVector, rng, tempStore } from "./helpers";

// LanceDB's flat BM25 over rows outside the FTS index returned arbitrary rows for
// multi-word queries (found by the ask benchmark); ensureIndexes must leave none outside.
describe("keyword ranking after ingest", () => {
  it("ranks the one chunk holding every query word first, once ensureIndexes has run", async () => {
    const D = 8;
    const random = rng(7);
    const store = await tempStore({ dimensions: D });
    const words = "pump valve pressure breaker gauge circuit maintenance report calibration clause notice contract supplier delivery".split(" ");
    for (let d = 0; d < 5; d++) {
      const chunks = Array.from({ length: 60 }, (_, k) => {
        const i = d * 60 + k;
        const text = i === 137 ? "The Harrowgate calibration report is due on 12 March." : Array.from({ length: 60 }, (_, w) => words[(i * 13 + w * 7) % words.length]).join(" ");
        return chunk({ id: `d${d}-c${k}`, documentId: `d${d}`, ordinal: k, text, vector: randomUnitVector(D, random) });
      });
      await store.replaceDocumentChunks(`d${d}`, chunks);
      await store.ensureIndexes();
    }
    const hits = await store.hybridSearch({ query: "Harrowgate calibration report", collections: ["c1"], mode: "keyword", limit: 5 });
    expect(hits[0]?.text).toContain("Harrowgate");
  });
});
