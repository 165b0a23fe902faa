import { describe, expect, it } from "vitest";
import { boostByHeading } from "@/lib/headingBoost";

// A passage whose own section label holds the query's topic words moves up; words that only
// named the document, and words every agreement's headings share, do not count.

const h = (headingPath: string) => ({ headingPath, id: headingPath });

describe("boostByHeading", () => {
  const hits = [h("9. Notices"), h("5. TERM AND TERMINATION > 5.4 EFFECT"), h("12. Entire Agreement"), h("5. TERM AND TERMINATION > 5.1 TERM OF AGREEMENT"), h("")];

  it("puts the passage whose own heading holds the topic first, an outer heading's next", () => {
    const out = boostByHeading(hits, "How long is the term of the PivX agreement?", ["PivX"]).map((x) => x.id);
    expect(out.slice(0, 2)).toEqual(["5. TERM AND TERMINATION > 5.1 TERM OF AGREEMENT", "5. TERM AND TERMINATION > 5.4 EFFECT"]);
    // Everything else keeps its order.
    expect(out.slice(2)).toEqual(["9. Notices", "12. Entire Agreement", ""]);
  });

  it("keeps the order when no topic word is in any heading, when the weight is 0, or when only generic words remain", () => {
    expect(boostByHeading(hits, "Who are the parties?")).toEqual(hits);
    expect(boostByHeading(hits, "term", [], 0)).toEqual(hits);
    expect(boostByHeading(hits, "the agreement")).toEqual(hits);
  });
});
