import { describe, expect, it } from "vitest";
import { detectKind } from "@/ingest/parse/detect";
import { CairnError } from "@/core/errors";
import { makeDocx, makePdf, makeZip } from "./helpers";

const bytes = (s: string) => new TextEncoder().encode(s);

async function rejection(p: Promise<unknown>): Promise<CairnError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CairnError);
  return err as CairnError;
}

describe("detectKind", () => {
  it("recognises each format by content", async () => {
    expect((await detectKind(await makePdf([["hi"]]), "a.pdf")).kind).toBe("pdf");
    expect((await detectKind(makeDocx([[0, "hi"]]), "a.docx")).kind).toBe("docx");
    expect((await detectKind(bytes("plain words"), "a.txt")).kind).toBe("txt");
    expect((await detectKind(bytes("# Title\n\nbody"), "a.md")).kind).toBe("markdown");
    expect((await detectKind(bytes("<!DOCTYPE html><html><body>x</body></html>"), "a.html")).kind).toBe("html");
  });

  it("finds %PDF- after leading junk within the first 1024 bytes", async () => {
    const pdf = await makePdf([["hi"]]);
    const prefixed = new Uint8Array([...bytes("junk header\n"), ...pdf]);
    expect((await detectKind(prefixed, "a.pdf")).kind).toBe("pdf");
  });

  it("without a known extension, decides text kinds by content", async () => {
    expect((await detectKind(bytes("\uFEFF  <html><p>x</p></html>"), "page")).kind).toBe("html");
    expect((await detectKind(bytes("Intro\n\n## Setup\nsteps"), "notes")).kind).toBe("markdown");
    expect((await detectKind(bytes("just a note"), "notes.log")).kind).toBe("txt");
    expect((await detectKind(await makePdf([["x"]]), "scan.bin")).kind).toBe("pdf");
  });

  it("keeps the declared text kind: a .txt with # lines stays plain text", async () => {
    expect((await detectKind(bytes("# not a heading to me"), "a.txt")).kind).toBe("txt");
  });

  it("strips the BOM from decoded text", async () => {
    const d = await detectKind(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes("hello")]), "a.txt");
    expect(d.text).toBe("hello");
  });

  it("refuses a PDF named .docx, telling the user what it really is", async () => {
    const err = await rejection(detectKind(await makePdf([["hi"]]), "file.docx"));
    expect(err.reason).toBe("extension_mismatch");
    expect(err.type).toBe("unsupported_media_type");
    expect(err.message).toMatch(/^file\.docx is actually a PDF/);
  });

  it("refuses a DOCX named .pdf and text named .pdf", async () => {
    expect((await rejection(detectKind(makeDocx([[0, "x"]]), "r.pdf"))).reason).toBe("extension_mismatch");
    const err = await rejection(detectKind(bytes("hello"), "r.pdf"));
    expect(err.reason).toBe("extension_mismatch");
    expect(err.message).toMatch(/plain text/);
  });

  it("refuses a PDF named .txt", async () => {
    expect((await rejection(detectKind(await makePdf([["x"]]), "r.txt"))).reason).toBe("extension_mismatch");
  });

  it("refuses an empty file", async () => {
    const err = await rejection(detectKind(new Uint8Array(0), "empty.pdf"));
    expect(err.reason).toBe("empty_file");
    expect(err.message).toMatch(/empty/);
  });

  it("refuses random bytes, naming known binary formats", async () => {
    const random = new Uint8Array(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) % 251;
    expect((await rejection(detectKind(random, "x.pdf"))).reason).toBe("unrecognized_format");
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, ...new Uint8Array(64)]);
    const err = await rejection(detectKind(png, "photo.txt"));
    expect(err.reason).toBe("unrecognized_format");
    expect(err.message).toMatch(/PNG/);
  });

  it("refuses invalid UTF-8 and text with NUL bytes", async () => {
    expect((await rejection(detectKind(new Uint8Array([0x68, 0xc3, 0x28, 0x69]), "a.txt"))).reason).toBe("unrecognized_format");
    expect((await rejection(detectKind(bytes("a\u0000b"), "a.txt"))).reason).toBe("unrecognized_format");
  });

  it("refuses a plain zip that is not a DOCX", async () => {
    const err = await rejection(detectKind(makeZip([{ name: "hello.txt", data: "hi" }]), "report.docx"));
    expect(err.reason).toBe("not_docx");
    expect(err.message).toMatch(/not a Word document/);
  });
});
