import { describe, expect, it } from "vitest";
import { checkSummary, instructionOf, isDegenerate, summaryCacheKey, SUMMARY_PRESETS } from "@/lib/summarize";
import { medicalReport, reportPassages } from "@/test/utils/reportPassages";

// The checks a summary goes through after generation, on a fixture report and model-like outputs.

const doc = reportPassages("pacemaker", medicalReport("Pacemaker (Dual Chamber) - 1"));
const used = doc.passages.map((hit, i) => ({ n: i + 1, hit }));
const nOf = (needle: string) => used.find((u) => u.hit.text.includes(needle))!.n;

describe("summary checks", () => {
  it("keeps verified cited sentences, drops invented terms and figures, uncited and repeated sentences", () => {
    const v = nOf("Versed 2.5 mg");
    const text = [
      `Clinical summary: The patient received Versed 2.5 mg [${v}].`,
      `The patient has diabetes [${v}].`,
      `Fentanyl 500 mcg was given [${v}].`,
      "The weather was fine.",
      `The patient received Versed 2.5 mg [${v}].`,
    ].join(" ");
    const r = checkSummary(text, used, SUMMARY_PRESETS.clinical);
    expect(r.sentences.map((s) => s.text.replace(/\s*\[\d+\]/, ""))).toEqual(["The patient received Versed 2.5 mg."]);
    expect(r.sentences.every((s) => s.verdict === "verified")).toBe(true);
    const left = r.withheld.map((w) => w.text);
    expect(left.some((t) => t.includes("diabetes"))).toBe(true);
    expect(left.some((t) => t.includes("500 mcg"))).toBe(true);
    expect(left.some((t) => t.includes("weather"))).toBe(true);
    for (const c of r.citations) expect(doc.pages.get(c.page!)!.slice(c.charStart, c.charEnd)).toBe(c.quote);
  });

  it("lists a sentence withheld for an invented figure once, also when nothing else is cut", () => {
    const v = nOf("Versed 2.5 mg");
    const r = checkSummary(`The patient received Versed 2.5 mg [${v}]. Fentanyl 500 mcg was given [${v}].`, used, SUMMARY_PRESETS.clinical);
    expect(r.withheld.filter((w) => w.text.includes("500 mcg"))).toHaveLength(1);
    expect(r.sentences.map((s) => s.text.replace(/\s*\[\d+\]/, ""))).toEqual(["The patient received Versed 2.5 mg."]);
  });

  it("leaves out a sentence that says the opposite of its passage in the passage's own words", () => {
    const lymphoma = reportPassages("mcl", medicalReport("Mantle Cell Lymphoma - Consult"));
    const u = lymphoma.passages.map((hit, i) => ({ n: i + 1, hit }));
    const n = u.find((x) => x.hit.text.includes("discontinue aspirin"))!.n;
    const r = checkSummary(`We will continue aspirin for now [${n}]. We will discontinue aspirin for now [${n}].`, u, SUMMARY_PRESETS.clinical);
    expect(r.sentences.map((s) => s.text)).toEqual([`We will discontinue aspirin for now [${n}].`]);
    expect(r.withheld).toContainEqual(expect.objectContaining({ reason: "opposite_of_passage", values: ["continue aspirin"] }));
  });

  it("leaves out a sentence that repeats a list item over and over", () => {
    const v = nOf("Versed 2.5 mg");
    const r = checkSummary(`Medications: Versed 2.5 mg, Versed 2.5 mg, Versed 2.5 mg, Versed 2.5 mg [${v}].`, used, SUMMARY_PRESETS.clinical);
    expect(r.sentences).toEqual([]);
    expect(isDegenerate("Versed 2.5 mg, fentanyl 150 mcg, Benadryl 50 mg")).toBe(false);
  });

  it("keys the cache by document version, instruction and model", () => {
    const k = summaryCacheKey("a".repeat(64), "x", "m");
    expect(summaryCacheKey("a".repeat(64), "x", "m")).toBe(k);
    expect(summaryCacheKey("b".repeat(64), "x", "m")).not.toBe(k);
    expect(summaryCacheKey("a".repeat(64), "y", "m")).not.toBe(k);
    expect(summaryCacheKey("a".repeat(64), "x", "n")).not.toBe(k);
    expect(instructionOf({ preset: "clinical", instruction: "  " })).toBe(SUMMARY_PRESETS.clinical);
    expect(instructionOf({ preset: "clinical", instruction: "list the doses" })).toBe("list the doses");
  });
});
