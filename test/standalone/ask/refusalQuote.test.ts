import { describe, expect, it } from "vitest";
import type { UsedPassage } from "@/lib/passageTypes";
import { refusalMessage } from "@/lib/refusal";
import { hit } from "./fixtures";

// The closest passage Cairn quotes when it will not answer: a whole sentence, verbatim, with the
// page-text offsets its citation highlights.
const TEXT = "FLUOROSCOPY TIME: , 2.6 minutes.,MEDICATIONS AT THE TIME OF STUDY,1.  Versed 2.5 mg.,2.  Fentanyl 150 mcg.,3.  Benadryl 50 mg.";
const page = `${"x".repeat(40)}${TEXT}`;
const used: UsedPassage[] = [{ n: 1, hit: hit(TEXT, { charStart: 40, charEnd: 40 + TEXT.length, fileName: "pacemaker.txt" }) }];

describe("refusal quote", () => {
  it("stops before the next list item's number in a report flattened with commas", () => {
    const m = refusalMessage("no_relevant_passages", null, used, "What dose of Versed was given?");
    expect(m.text).toContain("reads: “");
    expect(m.text).not.toMatch(/mg\.,2\./);
    expect(m.text).not.toContain("…");
    expect(m.quote).not.toBeNull();
    const quoted = page.slice(m.quote!.charStart, m.quote!.charEnd);
    expect(quoted.endsWith("Versed 2.5 mg.")).toBe(true);
    expect(m.text).toContain(`“${quoted.replace(/\s+/g, " ").trim()}”`);
  });
});
