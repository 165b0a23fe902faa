import { describe, expect, it } from "vitest";
import { attributeByWording, resolveCitations } from "@/lib/citations";
import type { UsedPassage } from "@/lib/prompt";
import { bestPassageByWording, longestSharedRun } from "@/lib/utils/attribution";
import { sentenceSpans } from "@/lib/utils/sentences";
import { hit } from "./fixtures";

// Post-hoc attribution of uncited sentences by wording: conservative, and always marked as such.

/** tracemonkey.pdf, page 4 (as extracted): the passage the lead's uncited "trace tree" answer came from. */
const TRACES =
  "3. Trace Trees\nIn this section, we describe traces, trace trees, and how they are\nformed at run time. Although our techniques apply to any dynamic\n" +
  "language interpreter, we will describe them assuming a bytecode\ninterpreter to keep the exposition simple.\n3.1 Traces\n" +
  "A trace is simply a program path, which may cross function call\nboundaries. TraceMonkey focuses on loop traces, that originate at\n" +
  "a loop edge and represent a single iteration through the associated\nloop.";
/** tracemonkey.pdf, page 1: same topic, different wording. */
const ABSTRACT =
  "Dynamic languages such as JavaScript are more difficult to com-\npile than statically typed ones. Since no concrete type information\n" +
  "is available, traditional compilers need to emit generic code that can\nhandle all possible type combinations at runtime.";

const pump = hit("Before any maintenance on a pump, isolate it from the circuit. The isolation valve for pump P-101 is V-17. Close V-17 fully and lock it.", {
  fileName: "pump-manual.pdf",
  page: 2,
});
const boiler = hit("Boiler B-2 has a maximum operating pressure of 12 bar. The boiler is inspected every March.", { fileName: "boiler.pdf", page: 5 });
const used: UsedPassage[] = [
  { n: 1, hit: hit(ABSTRACT, { fileName: "tracemonkey.pdf", page: 1 }) },
  { n: 2, hit: hit(TRACES, { fileName: "tracemonkey.pdf", page: 4 }) },
  { n: 3, hit: pump },
  { n: 4, hit: boiler },
];
const passages = used.map((u) => ({ n: u.n, text: u.hit.text }));

function attribute(text: string) {
  return attributeByWording(resolveCitations(text, used), used);
}

/** Every offset the result reports points at what it says it does. */
function expectConsistent(r: ReturnType<typeof attribute>) {
  for (const m of r.markers) expect(r.answer.slice(m.start, m.end)).toBe(`[${m.numbers.join(", ")}]`);
  for (const a of r.attributed) expect(r.answer.slice(a.start, a.end)).toBe(`[${a.n}]`);
  for (const s of [...r.sentences, ...r.unsupportedSentences]) expect(r.answer.slice(s.start, s.end)).toBe(s.text);
  // The sentences are still the answer's own sentences (inserting markers split or merged none).
  expect(sentenceSpans(r.answer).length).toBeGreaterThanOrEqual(r.sentences.length);
}

describe("attributeByWording", () => {
  it("credits the lead's uncited near-verbatim answer to the passage it was copied from, marked as by wording", () => {
    const r = attribute("A trace tree is a program path, which may cross function call boundaries.");
    expect(r.answer).toBe("A trace tree is a program path, which may cross function call boundaries [2].");
    expect(r.citations.map((c) => [c.n, c.fileName, c.page])).toEqual([[2, "tracemonkey.pdf", 4]]);
    expect(r.attributed).toEqual([{ n: 2, coverage: expect.any(Number), sharedRun: expect.any(Number), start: 73, end: 76 }]);
    expect(r.attributed[0].coverage).toBeGreaterThanOrEqual(0.7);
    expect(r.attributed[0].sharedRun).toBeGreaterThanOrEqual(8);
    expect(r.markers).toEqual([{ start: 73, end: 76, numbers: [2], origin: "wording" }]);
    expect(r.unsupportedSentences).toEqual([]);
    expect(r.sentences.map((s) => [s.citations, s.supported])).toEqual([[[2], true]]);
    expectConsistent(r);
  });

  it("never credits a sentence stating a figure or code the passage does not contain", () => {
    // Same wording as passage 3, but the valve is invented.
    const invented = attribute("The isolation valve for pump P-101 is V-18.");
    expect(invented.attributed).toEqual([]);
    expect(invented.answer).toBe("The isolation valve for pump P-101 is V-18.");
    expect(invented.unsupportedSentences.map((s) => s.text)).toEqual(["The isolation valve for pump P-101 is V-18."]);
    // A figure that only appears as part of a longer one is not stated either.
    expect(bestPassageByWording("Boiler B-2 has a maximum operating pressure of 1 bar.", passages)).toBeNull();
    expect(bestPassageByWording("Boiler B-2 has a maximum operating pressure of 120 bar.", passages)).toBeNull();
    // With the figure the passage states, the same sentence is credited.
    expect(attribute("The isolation valve for pump P-101 is V-17.").answer).toBe("The isolation valve for pump P-101 is V-17 [3].");
    expect(bestPassageByWording("Boiler B-2 has a maximum operating pressure of 12 bar.", passages)).toMatchObject({ n: 4, coverage: 1 });
  });

  it("needs a run of shared words, not just the same terms scattered through the passage", () => {
    // Every term of this sentence is in passage 2, but never more than two in a row.
    const s = "Function boundaries cross the program: loop traces path.";
    expect(bestPassageByWording(s, passages, { minCoverage: 0.7, minTerms: 3, minSharedRun: 0 })).toMatchObject({ n: 2, coverage: 1 });
    expect(bestPassageByWording(s, passages)).toBeNull();
  });

  it("leaves short sentences (fewer than 3 content terms) and loosely related ones unsupported", () => {
    const r = attribute("Close V-17. Traces are fast. JavaScript compilers emit generic code for every loop edge in the trace tree.");
    expect(r.attributed).toEqual([]);
    expect(r.unsupportedSentences.map((s) => s.text)).toEqual([
      "Close V-17.",
      "Traces are fast.",
      "JavaScript compilers emit generic code for every loop edge in the trace tree.",
    ]);
  });

  it("does not credit a negated claim to a passage that states it positively", () => {
    expect(bestPassageByWording("A trace is not a program path that may cross function call boundaries.", passages)).toBeNull();
  });

  it("picks the best of several passages: most terms covered, then the longest shared run", () => {
    const two: UsedPassage[] = [
      { n: 1, hit: hit("Pump P-101 has an isolation valve. The valve for the pump is listed in the register, V-17 among them.") },
      { n: 2, hit: hit("The isolation valve for pump P-101 is V-17.") },
    ];
    const r = attributeByWording(resolveCitations("The isolation valve for pump P-101 is V-17.", two), two);
    expect(r.attributed.map((a) => a.n)).toEqual([2]);
    // With a low run threshold both qualify, and the verbatim one still wins.
    expect(bestPassageByWording("The isolation valve for pump P-101 is V-17.", two.map((u) => ({ n: u.n, text: u.hit.text })), { minCoverage: 0.7, minTerms: 3, minSharedRun: 1 })?.n).toBe(2);
    // Both cover every term; the verbatim one shares the longer run.
    const any = { minCoverage: 0, minTerms: 0, minSharedRun: 0 };
    const [loose, exact] = two.map((u) => bestPassageByWording("The isolation valve for pump P-101 is V-17.", [{ n: u.n, text: u.hit.text }], any));
    expect(loose!.coverage).toBe(exact!.coverage);
    expect(exact!.sharedRun).toBeGreaterThan(loose!.sharedRun);
  });

  it("leaves sentences the model cited untouched, even when another passage matches their wording better", () => {
    const text = "The isolation valve for pump P-101 is V-17 [4]. A trace is simply a program path, which may cross function call boundaries.";
    const r = attribute(text);
    expect(r.answer).toBe(text.replace(/boundaries\.$/, "boundaries [2]."));
    expect(r.markers.map((m) => [m.numbers, m.origin])).toEqual([
      [[4], "model"],
      [[2], "wording"],
    ]);
    expect(r.citations.map((c) => c.n)).toEqual([4, 2]);
    expect(r.sentences.map((s) => s.citations)).toEqual([[4], [2]]);
    expectConsistent(r);
  });

  it("keeps marker and sentence offsets consistent across several insertions, list items and unsupported sentences", () => {
    const text =
      "Boiler B-2 has a maximum operating pressure of 12 bar! It is painted green.\n" +
      "- The isolation valve for pump P-101 is V-17\n" +
      "TraceMonkey focuses on loop traces that originate at a loop edge [2]. Traces \"may cross function call boundaries.\"";
    const r = attribute(text);
    expect(r.answer).toBe(
      "Boiler B-2 has a maximum operating pressure of 12 bar [4]! It is painted green.\n" +
        "- The isolation valve for pump P-101 is V-17 [3]\n" +
        "TraceMonkey focuses on loop traces that originate at a loop edge [2]. Traces \"may cross function call boundaries [2].\"",
    );
    expect(r.attributed.map((a) => a.n)).toEqual([4, 3, 2]);
    expect(r.markers.map((m) => m.origin)).toEqual(["wording", "wording", "model", "wording"]);
    expect(r.unsupportedSentences.map((s) => s.text)).toEqual(["It is painted green."]);
    expectConsistent(r);
  });

  it("returns the resolved answer unchanged when nothing matches, and resolveCitations alone attributes nothing", () => {
    const resolved = resolveCitations("The pump is blue.", used);
    expect(resolved.attributed).toEqual([]);
    expect(resolved.markers).toEqual([]);
    expect(attributeByWording(resolved, used)).toBe(resolved);
    // A citation dropped as invalid stays reported after attribution.
    const r = attribute("The isolation valve for pump P-101 is V-17 [9].");
    expect(r.dropped).toEqual([{ n: 9, marker: "[9]" }]);
    expect(r.answer).toBe("The isolation valve for pump P-101 is V-17 [3].");
  });

  it("the threshold is an option", () => {
    // "Traces originate at a loop edge and cross function boundaries.": 6 terms, not all in passage 2.
    const s = "TraceMonkey traces originate at a loop edge and cross function boundaries quickly.";
    const m = bestPassageByWording(s, passages, { minCoverage: 0, minTerms: 3, minSharedRun: 3 });
    expect(m?.n).toBe(2);
    expect(m!.coverage).toBeLessThan(1);
    expect(bestPassageByWording(s, passages, { minCoverage: 1, minTerms: 3, minSharedRun: 3 })).toBeNull();
  });
});

describe("longestSharedRun", () => {
  it("counts consecutive equal words", () => {
    expect(longestSharedRun(["a", "b", "c", "d"], ["x", "b", "c", "d", "a"])).toBe(3);
    expect(longestSharedRun([], ["a"])).toBe(0);
  });
});
