import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseBytes } from "@/ingest/parse/parseDocument";
import { CairnError } from "@/core/errors";
import { docxSkeleton, makeDocx, makeZip, realWorldDir } from "./helpers";

const limits = { maxUnzippedBytes: 50 * 2 ** 20 };
const parse = (data: Uint8Array, name = "report.docx") => parseBytes(data, name, limits);
const failure = async (p: Promise<unknown>) => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CairnError);
  return err as CairnError;
};

/** A DOCX-looking zip whose document.xml is `size` zeros (a deflate bomb), optionally lying about its size. */
function bombDocx(size: number, declaredSize?: number): Buffer {
  return makeZip([
    { name: "[Content_Types].xml", data: docxSkeleton.contentTypes },
    { name: "_rels/.rels", data: docxSkeleton.rels },
    { name: "word/document.xml", data: new Uint8Array(size), declaredSize },
  ]);
}

describe("DOCX", () => {
  it("keeps headings as sections with heading paths and exact offsets", async () => {
    const doc = await parse(
      makeDocx([
        [1, "Contract"],
        [0, "This agreement starts today."],
        [2, "Notice"],
        [0, "Notice must be given 30 days ahead."],
        [2, "Term"],
        [0, "Two years."],
      ]),
    );
    expect(doc.kind).toBe("docx");
    expect(doc.pageCount).toBe(1);
    const page = doc.pages[0];
    expect(page.number).toBeNull();
    expect(page.text).toBe("Contract\n\nThis agreement starts today.\n\nNotice\n\nNotice must be given 30 days ahead.\n\nTerm\n\nTwo years.");
    const notice = page.sections.find((s) => s.headingPath.join("/") === "Contract/Notice");
    expect(notice && page.text.slice(notice.start, notice.end)).toBe("Notice\n\nNotice must be given 30 days ahead.\n\n");
    expect(page.sections.map((s) => s.headingPath.join("/"))).toEqual(["Contract", "Contract/Notice", "Contract/Term"]);
  });

  it("reads mammoth's own fixtures: lists, tables, a BOM", async () => {
    const read = (f: string) => new Uint8Array(readFileSync(path.join(realWorldDir, "docx", f)));
    expect((await parse(read("simple-list.docx"))).pages[0].text).toBe("Apple\nBanana");
    expect((await parse(read("tables.docx"))).pages[0].text).toContain("Top left\tTop right\nBottom left\tBottom right");
    expect((await parse(read("utf8-bom.docx"))).pages[0].text).toBe("This XML has a byte order mark.");
  });

  it("refuses a document with no text", async () => {
    expect((await failure(parse(makeDocx([])))).reason).toBe("no_text");
  });

  it("refuses a 200 MB deflate bomb posing as DOCX before inflating it", async () => {
    const bomb = bombDocx(200 * 2 ** 20);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const err = await failure(parse(bomb));
    expect(err.reason).toBe("zip_bomb");
    expect(err.type).toBe("payload_too_large");
    expect(err.message).toMatch(/report\.docx was refused.*unpack to more than 50 MB/);
  });

  it("refuses a bomb whose headers lie about its size", async () => {
    const err = await failure(parse(bombDocx(20 * 2 ** 20, 1000)));
    expect(err.reason).toBe("zip_bomb");
    expect(err.message).toMatch(/beyond its declared size/);
  });

  it("refuses an absurd compression ratio even under the size limit", async () => {
    const err = await failure(parseBytes(bombDocx(20 * 2 ** 20), "r.docx", { maxUnzippedBytes: 300 * 2 ** 20 }));
    expect(err.reason).toBe("zip_bomb");
    expect(err.message).toMatch(/expands \d+ times/);
  });

  it("refuses a zip with too many entries", async () => {
    const many = Array.from({ length: 6000 }, (_, i) => ({ name: `word/media/x${i}.xml`, data: "x" }));
    const zip = makeZip([
      { name: "[Content_Types].xml", data: docxSkeleton.contentTypes },
      { name: "word/document.xml", data: "<w:document/>" },
      ...many,
    ]);
    expect((await failure(parse(zip))).message).toMatch(/6002 entries/);
  });

  it("refuses zips that are not DOCX, and a damaged zip", async () => {
    const hello = new Uint8Array(readFileSync(path.join(realWorldDir, "docx", "hello.zip")));
    expect((await failure(parse(hello, "hello.docx"))).reason).toBe("not_docx");
    const good = makeDocx([[0, "text"]]);
    const cut = good.subarray(0, Math.floor(good.length / 2));
    expect((await failure(parse(cut))).reason).toBe("corrupt");
  });
});
