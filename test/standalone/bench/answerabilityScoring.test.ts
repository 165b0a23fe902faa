import { describe, expect, it } from "vitest";
import { figuresOf, normaliseFigures, statesValue, unsupportedFigures } from "../../bench/utils/answerabilityScoring";

// The answerability bench's scoring: a wrong verdict here would misreport Cairn's answers.

describe("answerability scoring", () => {
  it("reads contract idioms and spelled-out numbers as the figures they state", () => {
    expect(normaliseFigures("thirty (30) days")).toBe("30 days");
    expect(normaliseFigures("forty-five (45) days' notice")).toBe("45 days notice");
    expect(figuresOf("$5,000,000 per event [2]; one and one-half percent (1.50%)")).toEqual(["5000000", "1", "1", "1.5"]);
    expect(figuresOf("May 31, 2015 and 10/27/2006")).toEqual(["31", "2015", "10", "27", "2006"]);
  });

  it("finds the gold value in an answer that words it differently, and not a different value", () => {
    expect(statesValue("Detto must pay within 30 days of the invoice [1].", "thirty (30) days")).toBe(true);
    expect(statesValue("The term is ten years.", "ten (10) years")).toBe(true);
    expect(statesValue("Discectomy at C6-C7 and C5-C6 [1].", "C5-C6 and C6-C7")).toBe(true);
    expect(statesValue("A 3 mm dural tear.", "3-mm")).toBe(true);
    expect(statesValue("The patient was 55 years old. [1].", "55-year-old")).toBe(true);
    expect(statesValue("Payment is due within 20 days [1].", "thirty (30) days")).toBe(false);
    expect(statesValue("It is governed by Texas law.", "New York")).toBe(false);
  });

  it("flags figures no given passage holds, but not citation markers or figures the question names", () => {
    const passages = ["DISCHARGE MEDICATIONS: OxyContin SR 10 mg p.o. q.12h."];
    expect(unsupportedFigures("The dose of lisinopril is 100 mg b.i.d. [5]", passages, "What dose of lisinopril?")).toEqual(["100"]);
    expect(unsupportedFigures("OxyContin 10 mg every 12 hours [1].", passages, "Which opioid?")).toEqual([]);
    expect(unsupportedFigures("The scan on 2/14/97 showed nothing new [1].", passages, "What did the 2/14/97 scan show?")).toEqual([]);
  });
});
