import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseBytes } from "@/ingest/parse/parseDocument";
import { CairnError } from "@/core/errors";
import { makeBlankPdf, makePdf, realWorldDir } from "./helpers";

const limits = { maxUnzippedBytes: 50 * 2 ** 20 };
const parse = (data: Uint8Array, name = "doc.pdf") => parseBytes(data, name, limits);
const fixture = (f: string) => new Uint8Array(readFileSync(path.join(realWorldDir, "pdf", f)));
const failure = async (p: Promise<unknown>) => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CairnError);
  return err as CairnError;
};

describe("PDF", () => {
  it("keeps page numbers and each page's own text", async () => {
    const pages = [
      ["Alpha page one", "second line of page one"],
      ["Bravo page two"],
      ["Charlie page three", "notice period 30 days"],
    ];
    const doc = await parse(await makePdf(pages));
    expect(doc.kind).toBe("pdf");
    expect(doc.pageCount).toBe(3);
    expect(doc.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    doc.pages.forEach((p, i) => {
      for (const line of pages[i]) expect(p.text).toContain(line);
      // No text from other pages leaks in.
      pages.filter((_, j) => j !== i).flat().forEach((other) => expect(p.text).not.toContain(other));
      expect(p.sections).toEqual([{ headingPath: [], start: 0, end: p.text.length }]);
    });
    expect(doc.pagesWithoutText).toEqual([]);
    expect(doc.warnings).toEqual([]);
  });

  it("lists pages without a text layer and warns", async () => {
    const mixed = await makePdf([["has text"], [], ["more text"], []]);
    const doc = await parse(mixed);
    expect(doc.pagesWithoutText).toEqual([2, 4]);
    expect(doc.warnings.join(" ")).toMatch(/2 of 4 page\(s\) have no text layer: 2, 4/);
  });

  it("records a fully scanned (textless) PDF with every page listed, instead of failing", async () => {
    const doc = await parse(await makeBlankPdf(3));
    expect(doc.pageCount).toBe(3);
    expect(doc.pagesWithoutText).toEqual([1, 2, 3]);
    expect(doc.warnings.join(" ")).toMatch(/None of the 3 page\(s\) has usable text/);
  });

  it("refuses a truncated PDF as corrupt with a readable message", async () => {
    const full = await makePdf(Array.from({ length: 20 }, (_, i) => [`page ${i + 1} text`]));
    const err = await failure(parse(full.subarray(0, Math.floor(full.length / 2)), "cut.pdf"));
    expect(err.reason).toBe("corrupt");
    expect(err.message).toMatch(/^cut\.pdf looks like a PDF but is damaged or truncated/);
  });

  it("refuses random bytes named .pdf", async () => {
    const junk = new Uint8Array(10_000).map((_, i) => (i * 31 + 7) % 256);
    expect((await failure(parse(junk, "junk.pdf"))).reason).toBe("unrecognized_format");
  });

  it("refuses a PDF encrypted with a user password", async () => {
    // issue6010_1.pdf from PDF.js: needs a password (poppler cannot open it either).
    const err = await failure(parse(fixture("issue6010_1.pdf"), "locked.pdf"));
    expect(err.reason).toBe("encrypted");
    expect(err.message).toMatch(/locked\.pdf is password-protected/);
  });

  it("opens an encrypted PDF whose user password is empty", async () => {
    // bug1815476.pdf is encrypted (poppler: yes) but opens without a password.
    const doc = await parse(fixture("bug1815476.pdf"));
    expect(doc.pageCount).toBe(1);
    expect(doc.pages[0].text.length).toBeGreaterThan(1000);
  });
});
