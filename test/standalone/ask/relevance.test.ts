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

describe("relevance: the document's name", () => {
  it("counts the words of the file's name, so a passage of 'Hypospadias Repair.txt' is about the hypospadias repair", () => {
    const q = "What dressing was put on at the end of the hypospadias repair?";
    const opts = { maxVectorDistance: 0.6, minKeywordCoverage: 0.5 };
    const text = "Telfa and the surgical eye tape was then used for the final dressing.";
    expect(partitionByRelevance([hit(text, { vectorDistance: 1.2, fileName: "Hypospadias Repair.txt" })], q, opts).relevant).toHaveLength(1);
    expect(partitionByRelevance([hit(text, { vectorDistance: 1.2, fileName: "ORIF & Closed Reduction.txt" })], q, opts).relevant).toHaveLength(0);
  });
});
