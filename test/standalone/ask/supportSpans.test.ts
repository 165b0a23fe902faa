import { describe, expect, it } from "vitest";
import type { Citation } from "@/lib/citations";
import { passageSentences, supportRange, withSupport } from "@/lib/supportSpans";
import type { VerifiedSentence } from "@/lib/verifyAnswer";
import { viewerHref } from "@/app/components/types";

// A citation carries the page-text offsets of the passage sentence(s) that back the answer
// sentence citing it: exact offsets, the whole passage when no sentence matches.

const page = "Header text on the page. 4. Term and Termination. (a) The initial term of\nthis Agreement shall be one (1) year from the Effective Date. This Agreement will\nautomatically renew for additional 1-year terms. 5. Fees. Customer pays monthly.";
const charStart = page.indexOf("4. Term");
const charEnd = page.indexOf(" 5. Fees");
const citation: Citation = {
  n: 1,
  chunkId: "c1",
  documentId: "kub",
  collectionId: "default",
  fileName: "kubient.pdf",
  page: 2,
  headingPath: "4. Term and Termination",
  charStart,
  charEnd,
  quote: page.slice(charStart, charEnd),
};
const at = (word: string) => ({ n: 1, charStart: page.indexOf(word), charEnd: page.indexOf(word) + word.length });
const sentence = (support: VerifiedSentence["support"], verdict: VerifiedSentence["verdict"] = "verified"): VerifiedSentence => ({
  start: 0,
  end: 10,
  text: "The initial term is one year [1].",
  citations: [1],
  verdict,
  claims: [],
  missingClaims: [],
  support,
});

describe("supporting sentence offsets", () => {
  it("splits a passage into sentences across its line breaks", () => {
    const s = passageSentences(citation.quote).map((x) => citation.quote.slice(x.start, x.end));
    expect(s).toContain("(a) The initial term of\nthis Agreement shall be one (1) year from the Effective Date.");
  });

  it("narrows a citation to the sentence holding the verified words, as page offsets", () => {
    const [c] = withSupport([citation], [sentence([at("initial term"), at("one (1) year")])]);
    const expected = "(a) The initial term of\nthis Agreement shall be one (1) year from the Effective Date.";
    expect(page.slice(c!.supportStart, c!.supportEnd)).toBe(expected);
    expect(c!.supportStart).toBeGreaterThanOrEqual(c!.charStart);
    expect(c!.supportEnd).toBeLessThanOrEqual(c!.charEnd);
  });

  it("takes in the neighbouring sentence when the words run on into it", () => {
    const r = supportRange(citation, [at("one (1) year"), at("automatically renew")]);
    expect(page.slice(r.supportStart, r.supportEnd)).toBe("(a) The initial term of\nthis Agreement shall be one (1) year from the Effective Date. This Agreement will\nautomatically renew for additional 1-year terms.");
  });

  it("falls back to the whole passage when no verified sentence's words are in it", () => {
    for (const sentences of [[], [sentence([at("initial term")], "not_in_cited")], [sentence([at("Customer pays")])], undefined]) {
      const [c] = withSupport([citation], sentences);
      expect([c!.supportStart, c!.supportEnd]).toEqual([charStart, charEnd]);
    }
  });

  it("puts a narrower support in the viewer link, and leaves it out when it is the whole passage", () => {
    const [narrow] = withSupport([citation], [sentence([at("initial term")])]);
    const href = new URL(viewerHref(narrow!), "http://x");
    expect(href.searchParams.get("sstart")).toBe(String(narrow!.supportStart));
    expect(href.searchParams.get("send")).toBe(String(narrow!.supportEnd));
    const [whole] = withSupport([citation], []);
    expect(new URL(viewerHref(whole!), "http://x").searchParams.has("sstart")).toBe(false);
  });
});
