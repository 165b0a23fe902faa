import { describe, expect, it } from "vitest";
import { deadlinesBody, exportBody } from "@/app/api/deadlines/schema";
import { summaryBody } from "@/app/api/summaries/schema";
import { checkObligation, definedParties, extractDeadlines, obligationFromClause } from "@/lib/deadlines";
import { furnitureLines, splitClauses } from "@/lib/utils/clauses";
import { deadlinesCsv, deadlinesIcs, type ExportRow } from "@/lib/utils/deadlineExport";
import { findTemporalExpressions } from "@/lib/utils/deadlinePatterns";
import { parseWrittenDate, quantityOf, resolveDeadline } from "@/lib/utils/deadlineResolve";
import { contractFiles, contractText, loadCheckSet, score, type Row } from "@/test/utils/deadlineCheckSet";

const one = (text: string) => extractDeadlines({ documentId: "d", fileName: "a.txt", pages: [{ page: 1, text }] }).rows;

describe("deadline finder: deterministic pass", () => {
  it("touches every dated clause of the 14 CUAD agreements (recall 100%) and reports precision", () => {
    const set = loadCheckSet();
    expect(set.length).toBeGreaterThan(100);
    const rows: Row[] = [];
    for (const file of contractFiles()) {
      const text = contractText(file);
      for (const r of extractDeadlines({ documentId: file, fileName: file, pages: [{ page: null, text }] }).rows) {
        expect(text.slice(r.charStart, r.charEnd), "a row's clause is the page text at its offsets").toBe(r.clause.replace(/…$/, "").length < r.clause.length ? text.slice(r.charStart, r.charEnd) : r.clause);
        rows.push({ file, start: r.charStart, end: r.charEnd });
      }
    }
    const s = score(rows, set);
    console.log(`deadline check set: recall ${s.found}/${s.clauses}, precision ${s.realRows}/${s.rows} = ${(100 * s.precision).toFixed(1)}%`, s.byForm);
    expect(s.missed.map((m) => `${m.file}: ${m.deadline}`)).toEqual([]);
    expect(s.precision, "precision is reported; a mark-every-number extractor would be near 21%").toBeGreaterThan(0.5);
  });

  it.each([
    ["Seller shall deliver the goods within two (2) working days of the order.", "within two (2) working days"],
    ["Payment is due no later than 30 days after the Effective Date.", "no later than 30 days"],
    ["The Licensee shall file the report on or before March 1, 2024.", "on or before March 1, 2024"],
    ["Fees are payable on the fifteenth (15th) day of each calendar month.", "fifteenth (15th) day"],
    ["The option lapses on the fifth (5th) anniversary of the Closing.", "fifth (5th) anniversary"],
    ["This Agreement is effective as of the date of the Closing.", "effective as of the date of the Closing"],
    ["The covenant applies until completion of the Research Program.", "until completion"],
    ["The notice period runs from the date the notice is received.", "the date the"],
    ["The Principal shall pay within 30 (thirty) banking days after the Delivery Date.", "30 (thirty) banking days"],
    ["The breach must be cured within (30) days of notice.", "within (30) days"],
    ["The proceeding must be dismissed within a sixty (60) period.", "sixty (60) period"],
    ["The Suppliers shall respond within [***]hours of receipt.", "within [***]hours"],
    ["Distributor shall report sales quarterly and pay royalties twice per year.", "quarterly"],
    ["The committee meets every two (2) weeks.", "every two (2) weeks"],
    ["Signed: 2-6-2020", "2-6-2020"],
  ])("finds %j", (clause, expected) => {
    const rows = one(clause);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.deadline).toContain(expected);
  });

  it("writes the deadline as the clause words it is, not the rest of the clause", () => {
    expect(one("Upon termination of this Agreement all further rights and obligations of the parties shall cease.")[0]!.deadline).toBe("Upon termination of this Agreement");
    expect(one("All payments shall be made within thirty (30) days after the receipt by Detto of the invoice.")[0]!.deadline).toBe("within thirty (30) days after the receipt");
  });

  it("leaves out page furniture repeated on every page, keeps a signature block's repeated dates", () => {
    const furniture = "Source: ACME CORP, 10-K, 3/21/2019";
    const pages = [1, 2, 3, 4].map((page) => ({ page, text: `Clause ${page}. The ${["buyer", "seller", "agent", "bank"][page - 1]} agrees.\n${furniture}\n` }));
    expect(extractDeadlines({ documentId: "d", fileName: "a.pdf", pages }).rows).toEqual([]);
    expect(furnitureLines(pages).size).toBe(1);
    const pageless = Array.from({ length: 4 }, () => `${"The parties agree on nothing in particular. ".repeat(25)}\n${furniture}\n`).join("");
    expect(extractDeadlines({ documentId: "d", fileName: "a.txt", pages: [{ page: null, text: pageless }] }).rows).toEqual([]);
    const signatures = Array.from({ length: 5 }, () => "Name: A. Smith Title: President Date: Dec 28, 1990\n").join("");
    expect(extractDeadlines({ documentId: "d", fileName: "a.txt", pages: [{ page: null, text: signatures }] }).rows).toHaveLength(5);
  });

  it("keeps 'U.S.' and '4.4' inside one clause", () => {
    const c = splitClauses([{ page: 1, text: "Notice under Section 4.4 shall be sent by U.S. mail within ten (10) days. Next clause here." }]);
    expect(c.map((x) => x.text)).toEqual(["Notice under Section 4.4 shall be sent by U.S. mail within ten (10) days.", "Next clause here."]);
  });
});

describe("deadline finder: resolved dates", () => {
  it("reads written dates and counts periods from the agreement's date only", () => {
    expect(parseWrittenDate("1st day of August, 2013")).toBe("2013-08-01");
    expect(parseWrittenDate("15 JANAURY, 2018")).toBe("2018-01-15");
    expect(parseWrittenDate("March 1, 2024")).toBe("2024-03-01");
    expect(parseWrittenDate("the year")).toBeNull();
    expect(quantityOf("forty-five (45) days")).toBe(45);
    expect(quantityOf("thirty days")).toBe(30);
    const anchor = { date: "2024-01-10", label: "the Effective Date" };
    const at = (clause: string) => resolveDeadline(clause, findTemporalExpressions(clause), anchor)?.date ?? null;
    expect(at("CNS shall pay within thirty (30) days after the Effective Date.")).toBe("2024-02-09");
    expect(at("The term is one (1) year commencing on the Effective Date.")).toBe("2025-01-10");
    expect(at("Payment within five (5) business days from the Effective Date.")).toBe("2024-01-17");
    expect(at("Cure within thirty (30) days of receipt of notice of the breach."), "a period from an event is not computable").toBeNull();
    expect(at("Deliver on or before March 1, 2024.")).toBe("2024-03-01");
  });

  it("takes the anchor from the document when the user gives none", () => {
    const doc = extractDeadlines({
      documentId: "d",
      fileName: "a.txt",
      pages: [{ page: null, text: 'This Agreement is made as of March 20, 2020 (the "Effective Date").\nCNS shall pay within thirty (30) days after the Effective Date.\n' }],
    });
    expect(doc.anchor).toEqual({ date: "2020-03-20", label: "the Effective Date" });
    expect(doc.rows.map((r) => r.resolvedDate)).toEqual(["2020-03-20", "2020-04-19"]);
    const given = extractDeadlines({ documentId: "d", fileName: "a.txt", pages: [{ page: null, text: "Pay within ten (10) days after the Effective Date.\n" }] }, "2021-05-01");
    expect(given.rows[0]!.resolvedDate).toBe("2021-05-11");
  });
});

describe("deadline finder: the model's words are checked against the clause", () => {
  it("falls back to the clause's own subject and verb phrase", () => {
    expect(obligationFromClause("Detto shall inspect all software delivered to it, upon receipt and shall, within 10 days of receipt, give notice.")).toEqual({
      party: "Detto",
      obligation: "shall inspect all software delivered to it",
    });
    expect(obligationFromClause("Either party may terminate this Agreement upon thirty (30) days notice.")).toEqual({ party: "Either party", obligation: "may terminate this Agreement upon thirty (30) days notice" });
    expect(obligationFromClause("Each party agrees to maintain in confidence any information.", ["Company"])).toEqual({ party: "Each party", obligation: "agrees to maintain in confidence any information" });
    expect(obligationFromClause("The term of this Agreement shall commence on the Effective Date.")).toBeNull();
    expect(obligationFromClause("This Agreement shall terminate on May 31, 2015.")).toBeNull();
  });

  it("names only the parties the preamble defines", () => {
    const preamble = 'This Reseller Agreement is entered into by and between PivX Corporation ("PivX") and Detto Technologies ("Detto"), for Qwik-Fix Pro (the "Product").';
    expect(definedParties(preamble)).toEqual(["PivX", "Detto"]);
    expect(obligationFromClause("All shipments of Products shall be made FOB within ten (10) days.", ["PivX", "Detto"])).toBeNull();
    expect(obligationFromClause("Detto shall pay within ten (10) days.", ["PivX", "Detto"])).toEqual({ party: "Detto", obligation: "shall pay within ten (10) days" });
    expect(checkObligation("Detto shall pay the Brand fee within ten (10) days.", "Brand", "pay the fee", ["PivX", "Detto"]).party).toBeNull();
  });

  const clause = "PivX shall provide Detto with at least forty-five (45) days written notice of any increase in the Per Copy Fees.";
  it("keeps a party and obligation the clause holds", () => {
    expect(checkObligation(clause, "PivX", "provide Detto written notice of any increase")).toEqual({ party: "PivX", obligation: "provide Detto written notice of any increase" });
  });
  it("drops an invented figure or party", () => {
    expect(checkObligation(clause, "Microsoft", "give 60 days notice of any increase")).toEqual({ party: null, obligation: null });
  });
});

describe("deadline export", () => {
  const row: ExportRow = {
    fileName: 'a "b", c.pdf',
    page: 2,
    party: "=HYPERLINK(\"x\")",
    obligation: "pay the invoice",
    deadline: "within thirty (30) days",
    resolvedDate: "2024-03-01",
    clause: "Line one,\nline two",
    link: "/view/d?page=2&start=1&end=9",
  };
  it("writes RFC 4180 CSV and never a live formula", () => {
    const csv = deadlinesCsv([row]);
    expect(csv.split("\r\n")[0]).toBe("Document,Page,Party,Obligation,Deadline as written,Resolved date,Clause,Link");
    expect(csv).toContain('"a ""b"", c.pdf",2,"\'=HYPERLINK(""x"")",pay the invoice');
    expect(csv).toContain('"Line one,\nline two"');
  });
  it("writes one all-day event per dated row, and refuses a calendar with no dates", () => {
    const ics = deadlinesIcs([row, { ...row, resolvedDate: null }], "http://127.0.0.1:3400");
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics).toMatch(/DTSTART;VALUE=DATE:20240301/);
    expect(ics).toContain("http://127.0.0.1:3400/view/d?page=2");
    expect(() => deadlinesIcs([{ ...row, resolvedDate: null }], "http://x")).toThrow(/anchor date/);
  });
});

describe("task request bodies", () => {
  it("reject hostile or broken input with the reason", () => {
    expect(deadlinesBody.safeParse({}).success).toBe(false);
    expect(deadlinesBody.safeParse({ collectionId: "default", anchorDate: "next tuesday" }).success).toBe(false);
    expect(deadlinesBody.safeParse({ collectionId: "default", sql: "drop" }).success).toBe(false);
    expect(deadlinesBody.parse({ documentIds: ["a"] }).annotate).toBe(true);
    expect(exportBody.safeParse({ format: "ics", rows: [] }).success).toBe(false);
    const bad = { fileName: "a", page: 1, party: null, obligation: null, deadline: "x", resolvedDate: null, clause: "c", link: "javascript:alert(1)" };
    expect(exportBody.safeParse({ format: "csv", rows: [bad] }).success).toBe(false);
    expect(summaryBody.safeParse({ documentId: "a", preset: "poem" }).success).toBe(false);
    expect(summaryBody.safeParse({ documentId: "a", instruction: "x".repeat(2001) }).success).toBe(false);
  });
});
