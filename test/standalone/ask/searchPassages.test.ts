import { describe, expect, it } from "vitest";
import { highlightRanges, searchPassages } from "@/lib/searchPassages";
import type { SearchQuery } from "@/vectorstore/types";
import { hit } from "./fixtures";

const slices = (text: string, ranges: { start: number; end: number }[]) => ranges.map((r) => text.slice(r.start, r.end));

describe("highlightRanges", () => {
  it("marks whole query words, case-insensitively, with stemming, and nothing else", () => {
    const text = "ISOLATING the pump: isolate Pumps P-101 and P-102; a pumpkin is not a pump-house. Isolation!";
    const ranges = highlightRanges(text, "isolate pumps");
    // Porter stemming: "Isolation" shares the stem; "pumpkin" does not, "pump-house" has the part "pump".
    expect(slices(text, ranges)).toEqual(["ISOLATING", "pump", "isolate", "Pumps", "pump", "Isolation"]);
    expect(ranges[0]).toEqual({ start: 0, end: 9 });
    // Sorted, non-overlapping.
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].start).toBeGreaterThanOrEqual(ranges[i - 1].end);
  });

  it("matches codes whole, and their parts when the query names a part", () => {
    const text = "Valve V-12 feeds pump P-101 (see P-1010).";
    expect(slices(text, highlightRanges(text, "P-101"))).toEqual(["P-101"]);
    expect(slices(text, highlightRanges(text, "101"))).toEqual(["101"]);
    const r = highlightRanges(text, "v-12 valve");
    expect(r).toEqual([
      { start: 0, end: 5 },
      { start: 6, end: 10 },
    ]);
  });

  it("ignores stopwords unless the query has nothing else", () => {
    const text = "The end of the line.";
    expect(slices(text, highlightRanges(text, "what is the line"))).toEqual(["line"]);
    expect(slices(text, highlightRanges(text, "the"))).toEqual(["The", "the"]);
  });

  it("handles accents and non-Latin scripts exactly", () => {
    const text = "Café Müller — Пожарный насос, насос Б.";
    expect(slices(text, highlightRanges(text, "müller насос"))).toEqual(["Müller", "насос", "насос"]);
  });
});

describe("searchPassages", () => {
  it("searches only the given collections and returns highlights per hit", async () => {
    const h = hit("Close valve V-12 before opening pump P-101.");
    const seen: SearchQuery[] = [];
    const results = await searchPassages({
      query: "valve P-101",
      collections: ["col-a"],
      limit: 3,
      deps: {
        search: async (q) => {
          seen.push(q);
          return [h];
        },
        documentNames: async (ids) => new Map(ids.map((id) => [id, "pump.pdf"])),
      },
    });
    expect(seen).toEqual([{ query: "valve P-101", vector: undefined, collections: ["col-a"], limit: 3, mode: "keyword" }]);
    expect(results).toHaveLength(1);
    expect(results[0].hit.fileName).toBe("pump.pdf");
    expect(slices(h.text, results[0].highlights)).toEqual(["valve", "P-101"]);
  });

  it("returns nothing, without searching, for a caller who may read no collection", async () => {
    let called = false;
    const results = await searchPassages({
      query: "valve",
      collections: [],
      deps: {
        search: async () => {
          called = true;
          return [];
        },
      },
    });
    expect(results).toEqual([]);
    expect(called).toBe(false);
  });
});
