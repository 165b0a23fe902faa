import { describe, expect, it } from "vitest";
import { partitionByRelevance } from "@/lib/utils/relevance";
import { contentTerms } from "@/lib/utils/queryTerms";
import { hit } from "./fixtures";

// The relevance gate's keyword half on possessives: "the priest's weight" asks about the priest.
describe("relevance: possessives", () => {
  it("folds a possessive to its word, so a passage naming the priest counts", () => {
    expect(contentTerms("What was the Catholic priest's weight on examination at presentation?")).toEqual(["cathol", "priest", "weight", "examin", "present"]);
    const hx = hit("This 64 y/o man had difficulty remembering names for 12 months prior to presentation. He was a Catholic priest.", { vectorDistance: 1.2 });
    const { relevant } = partitionByRelevance([hx], "What was the Catholic priest's weight on examination at presentation?", { maxVectorDistance: 0.6, minKeywordCoverage: 0.5 });
    expect(relevant).toHaveLength(1);
  });

  it("keeps compounds whole", () => {
    expect(contentTerms("What is the P-101 pump's rating?")).toEqual(["p-101", "pump", "rate"]);
  });
});
