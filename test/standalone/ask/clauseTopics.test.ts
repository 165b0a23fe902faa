import { describe, expect, it } from "vitest";
import { boostClauseHeadings, clauseTopicsOf, withClauseWords } from "@/lib/clauseTopics";

// The clause vocabulary a narrowed search adds to its keyword query and the clause headings it
// moves up (lib/clauseTopics); its effect on ranking is measured in `npm run bench -- retrieval`.

describe("clause topics", () => {
  it("recognises the clause type a question asks about, and none in a question about something else", () => {
    expect(clauseTopicsOf("Which law governs the Kubient agreement?").length).toBe(1);
    expect(withClauseWords("Which law governs the agreement?", "Which law governs the Kubient agreement?")).toMatch(/governed construed/);
    expect(withClauseWords("How long is the term?", "How long is the term?")).toMatch(/commence continue/);
    expect(clauseTopicsOf("What cages were used in the anterior cervical interbody fusion?")).toEqual([]);
    expect(withClauseWords("What cages were used?", "What cages were used?")).toBe("What cages were used?");
  });

  it("moves a passage under the asked-about clause heading up, including a clause label inside the passage", () => {
    const hits = [
      { headingPath: "14. General Provisions", text: "Notices shall be sent by mail.", score: 0.1 },
      { headingPath: "9. COSTS", text: "9. COSTS Each party bears its costs. 14.1 Governing Law This agreement shall be governed by the Laws of England.", score: 0.09 },
      { headingPath: "ARTICLE 4 TERM AND TERMINATION > 4.1 Term", text: "The term is ten years.", score: 0.085 },
    ];
    expect(boostClauseHeadings(hits, "Which law governs the Agape agreement?").map((h) => h.headingPath)).toEqual([
      "9. COSTS",
      "14. General Provisions",
      "ARTICLE 4 TERM AND TERMINATION > 4.1 Term",
    ]);
    // An outer heading counts half; the own heading of the term clause matches fully.
    expect(boostClauseHeadings(hits, "What is the initial term?")[0]!.headingPath).toBe("ARTICLE 4 TERM AND TERMINATION > 4.1 Term");
    expect(boostClauseHeadings(hits, "What cages were used?")).toEqual(hits);
  });
});
