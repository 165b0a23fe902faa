import { describe, expect, it } from "vitest";
import { withheldReason } from "@/app/components/AnswerText";

// A withheld sentence says why in words that are true: a term missing from the cited passage
// (a summary's check) is not "found in no passage" when another passage holds it.
describe("withheld sentence reasons", () => {
  it("names each reason as it is", () => {
    expect(withheldReason({ reason: "value_not_in_passages", values: ["lisinopril"] })).toBe("States “lisinopril”, found in no passage.");
    expect(withheldReason({ reason: "not_in_cited", values: ["underwent"] })).toBe("States “underwent”, not in the passage it cites.");
    expect(withheldReason({ reason: "uncited", values: ["L4-L5"] })).toBe("Cites no passage.");
    expect(withheldReason({ reason: "opposite_of_passage", values: ["continue aspirin"] })).toBe("Says “continue aspirin”, the opposite of what its passage says.");
    expect(withheldReason({ reason: "incomplete", values: [] })).toBe("States nothing (an unfinished sentence).");
  });
});
