import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { PDFDocument, StandardFonts } from "pdf-lib";

// Builders for test inputs: PDFs with known text per page (pdf-lib), zips with
// chosen entries and (possibly lying) sizes, and a deterministic token counter.

export const repoRoot = path.resolve(import.meta.dirname, "../../..");
export const realWorldDir = path.resolve(repoRoot, "../shared/fixtures/real-world");

/** A PDF whose page i holds the lines of pages[i] (Helvetica, one text run per line). */
export async function makePdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 16, size: 11, font }));
  }
  return doc.save();
}

/** A blank page only: what a scanned page looks like to a text extractor. */
export async function makeBlankPdf(pageCount: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pageCount; i++) doc.addPage([595, 842]);
  return doc.save();
}

export interface ZipEntrySpec {
  name: string;
  data: Uint8Array | string;
  /** Override the sizes written in the headers, to build lying archives. */
  declaredSize?: number;
}

/** A minimal zip writer (deflate), so tests can build bombs and fake DOCX files. */
export function makeZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = typeof e.data === "string" ? Buffer.from(e.data, "utf8") : Buffer.from(e.data);
    const comp = zlib.deflateRawSync(raw, { level: 9 });
    const size = e.declaredSize ?? raw.length;
    const crc = zlib.crc32(raw);
    const name = Buffer.from(e.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, comp);
    centrals.push(central, name);
    offset += local.length + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const rels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
const docRels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;
const W = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`;
const styles = `<?xml version="1.0" encoding="UTF-8"?><w:styles ${W}>${[1, 2, 3]
  .map((n) => `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/></w:style>`)
  .join("")}</w:styles>`;

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A real DOCX: paragraphs given as [headingLevel | 0, text]. */
export function makeDocx(paragraphs: [number, string][]): Buffer {
  const body = paragraphs
    .map(([level, text]) => {
      const style = level ? `<w:pPr><w:pStyle w:val="Heading${level}"/></w:pPr>` : "";
      return `<w:p>${style}<w:r><w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r></w:p>`;
    })
    .join("");
  const document = `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`;
  return makeZip([
    { name: "[Content_Types].xml", data: contentTypes },
    { name: "_rels/.rels", data: rels },
    { name: "word/_rels/document.xml.rels", data: docRels },
    { name: "word/styles.xml", data: styles },
    { name: "word/document.xml", data: document },
  ]);
}

export const docxSkeleton = { contentTypes, rels };

/**
 * A deterministic stand-in for the embedder's tokenizer, WordPiece-like: every
 * punctuation mark is a token, and a word costs one token per 6 characters
 * (rounded up). The real count comes from models/embedder at runtime.
 */
export function approxTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu)) n += /^[\p{L}\p{N}_]/u.test(m[0]) ? Math.ceil(m[0].length / 6) : 1;
  return n;
}

export function tempDir(): { dir: string; write: (name: string, data: Uint8Array | string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cairn-ingest-"));
  return {
    dir,
    write: (name, data) => {
      const p = path.join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
