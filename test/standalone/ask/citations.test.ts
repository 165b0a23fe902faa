import { describe, expect, it } from "vitest";
import { createCitationStreamFilter, resolveCitations } from "@/lib/citations";
import type { UsedPassage } from "@/lib/prompt";
import { hit } from "./fixtures";

const used: UsedPassage[] = [
  { n: 1, hit: hit("Close valve V-12 before opening pump P-101.", { fileName: "pump.pdf", page: 14, charStart: 120, charEnd: 163 }) },
  { n: 2, hit: hit("Lock out breaker B-4 and tag it.", { fileName: "safety.docx", page: null, charStart: 0, charEnd: 32 }) },
];

describe("resolveCitations", () => {
  it("maps each valid [n] to its passage: document, file, page, offsets and exact quote", () => {
    const r = resolveCitations("Close valve V-12 first [1]. Then lock out breaker B-4 [2].", used);
    expect(r.dropped).toEqual([]);
    expect(r.citations).toEqual([
      {
        n: 1,
        chunkId: used[0].hit.id,
        documentId: used[0].hit.documentId,
        collectionId: "col-a",
        fileName: "pump.pdf",
        page: 14,
        headingPath: "",
        charStart: 120,
        charEnd: 163,
        quote: "Close valve V-12 before opening pump P-101.",
      },
      expect.objectContaining({ n: 2, fileName: "safety.docx", page: null, charStart: 0, charEnd: 32, quote: used[1].hit.text }),
    ]);
    expect(r.unsupportedSentences).toEqual([]);
  });

  it("drops a citation to a passage that was not given ([3] when only 2 were) and reports it", () => {
    const r = resolveCitations("Close valve V-12 [1]. The pump runs at 40 bar [3].", used);
    expect(r.answer).toBe("Close valve V-12 [1]. The pump runs at 40 bar.");
    expect(r.dropped).toEqual([{ n: 3, marker: "[3]" }]);
    expect(r.citations.map((c) => c.n)).toEqual([1]);
    expect(r.unsupportedSentences).toEqual([{ start: 22, end: 46, text: "The pump runs at 40 bar." }]);
  });

  it("handles grouped, ranged, adjacent and duplicate forms", () => {
    const r = resolveCitations("A [1, 3]. B [2][1]. C [1;2]. D [1-2]. E [2, 2]. F [0]. G [7][8].", used);
    expect(r.answer).toBe("A [1]. B [2][1]. C [1, 2]. D [1, 2]. E [2]. F. G.");
    expect(r.dropped.map((d) => d.n)).toEqual([3, 0, 7, 8]);
    expect(r.citations.map((c) => c.n)).toEqual([1, 2]);
    expect(r.sentences.map((s) => [s.text, s.citations])).toEqual([
      ["A [1].", [1]],
      ["B [2][1].", [2, 1]],
      ["C [1, 2].", [1, 2]],
      ["D [1, 2].", [1, 2]],
      ["E [2].", [2]],
      ["F.", []],
      ["G.", []],
    ]);
    expect(r.unsupportedSentences.map((s) => s.text)).toEqual(["F.", "G."]);
  });

  it("flags sentences without a citation, with offsets the UI can use", () => {
    const answer = "Close valve V-12 before work [1].\nThe pump is blue. It was made in 1990.\n- Lock out breaker B-4 [2]";
    const r = resolveCitations(answer, used);
    expect(r.answer).toBe(answer);
    expect(r.unsupportedSentences.map((s) => s.text)).toEqual(["The pump is blue.", "It was made in 1990."]);
    for (const s of r.unsupportedSentences) expect(r.answer.slice(s.start, s.end)).toBe(s.text);
    expect(r.sentences.filter((s) => s.supported).map((s) => s.text)).toEqual(["Close valve V-12 before work [1].", "- Lock out breaker B-4 [2]"]);
  });

  it("credits a marker written after the full stop to the sentence before it", () => {
    const r = resolveCitations("Close valve V-12. [1] Then wait ten minutes.", used);
    expect(r.sentences.map((s) => [s.text, s.citations])).toEqual([
      ["Close valve V-12.", [1]],
      ["Then wait ten minutes.", []],
    ]);
  });

  it("leaves brackets that are not citations alone", () => {
    const text = "See [appendix A] and item [b]; the array a[i] is fine [1].";
    expect(resolveCitations(text, used).answer).toBe(text);
  });

  it("the stream filter yields exactly the final answer, however the text is split into tokens", () => {
    const raw = "Close valve V-12 [1]. Pump P-101 runs [3]  at 40 bar [1, 4].\nLock B-4 [2][9]. Items [a] and [12 are odd [ 2 ].";
    const expected = resolveCitations(raw, used).answer;
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const filter = createCitationStreamFilter(used);
      let out = "";
      for (let i = 0; i < raw.length; ) {
        const len = 1 + Math.floor(rand() * 6);
        out += filter.push(raw.slice(i, i + len));
        i += len;
      }
      out += filter.flush();
      expect(out).toBe(expected);
    }
    expect(expected).toBe("Close valve V-12 [1]. Pump P-101 runs  at 40 bar [1].\nLock B-4 [2]. Items [a] and [12 are odd [2].");
  });

  it("the stream filter holds back only a possible unfinished marker", () => {
    const filter = createCitationStreamFilter(used);
    expect(filter.push("Close valve")).toBe("Close valve");
    expect(filter.push(" V-12 [")).toBe(" V-12");
    expect(filter.push("3")).toBe("");
    expect(filter.push("]. Done")).toBe(". Done");
    expect(filter.dropped).toEqual([{ n: 3, marker: "[3]" }]);
  });
});
