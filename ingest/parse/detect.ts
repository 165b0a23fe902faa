import path from "node:path";
import { fileTypeFromBuffer } from "file-type";
import { CairnError } from "@/core/errors";
import type { DocumentKind } from "../types";
import { looksLikeMarkdown } from "./markdown";
import { decodeText } from "./text";
import { listZipEntries } from "./zip";

// What a file really is, from its bytes, not its name.
//
// Decisions:
// - The content decides between families (PDF / DOCX / text). An extension that
//   names another family (a PDF called .docx) is REFUSED with `extension_mismatch`:
//   the issue asks for a visible error, and a wrong extension often means the user
//   picked the wrong file, which silently indexing would hide.
// - Within text, the extension decides: .txt stays plain text even with `#` lines,
//   .md/.markdown is Markdown, .html/.htm is HTML. Without a known extension, HTML
//   is recognised by its leading tag and Markdown by heading syntax; else TXT.
// - Unknown or missing extensions are not a mismatch: the content is used.

export interface Detection {
  kind: DocumentKind;
  /** Decoded text (BOM stripped) for txt/markdown/html, so the parser needn't decode twice. */
  text?: string;
}

const kindByExtension: Record<string, DocumentKind> = {
  ".pdf": "pdf",
  ".docx": "docx",
  ".txt": "txt",
  ".text": "txt",
  ".md": "markdown",
  ".markdown": "markdown",
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
};

const kindNames: Record<DocumentKind, string> = {
  pdf: "a PDF",
  docx: "a Word (.docx) document",
  txt: "plain text",
  markdown: "Markdown text",
  html: "an HTML page",
};

const textKinds = new Set<DocumentKind>(["txt", "markdown", "html"]);
const htmlStart = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|h[1-6]|table|ul|ol|section|article|main|header)[\s>/]/i;

export function looksLikeHtml(text: string): boolean {
  return htmlStart.test(text.slice(0, 16 * 1024));
}

/**
 * pdf.js looks for `%PDF-` in the first 1 KB but, not finding it, parses anyway from the
 * objects and trailer. So: a header in the first 1 KB, or (junk prepended, e.g. by a mail
 * gateway) a `%PDF-1.x`/`2.x` further in, with a PDF trailer at the end.
 */
function hasPdfHeader(data: Uint8Array): boolean {
  const latin1 = (start: number, end: number) => Buffer.from(data.buffer, data.byteOffset + start, Math.max(0, end - start)).toString("latin1");
  if (latin1(0, Math.min(1024, data.byteLength)).includes("%PDF-")) return true;
  if (!/%PDF-[12]\.\d/.test(latin1(0, Math.min(1024 * 1024, data.byteLength)))) return false;
  return /startxref|%%EOF/.test(latin1(Math.max(0, data.byteLength - 4096), data.byteLength));
}

function isZip(data: Uint8Array): boolean {
  // Local file header, or the end-of-central-directory record of an empty zip.
  return data[0] === 0x50 && data[1] === 0x4b && ((data[2] === 3 && data[3] === 4) || (data[2] === 5 && data[3] === 6));
}

function refuse(message: string, reason: string): CairnError {
  return new CairnError("unsupported_media_type:parse", message, { reason });
}

function mismatch(name: string, declared: DocumentKind, actual: DocumentKind): CairnError {
  const ext = path.extname(name);
  return refuse(
    `${name} is actually ${kindNames[actual]}, not ${kindNames[declared]} as its ${ext} extension says. ` +
      `Check that this is the file you meant, rename it with the right extension, and upload it again.`,
    "extension_mismatch",
  );
}

export async function detectKind(data: Uint8Array, declaredName: string): Promise<Detection> {
  const name = declaredName;
  if (data.byteLength === 0) {
    throw new CairnError("unprocessable:parse", `${name} is empty (0 bytes).`, { reason: "empty_file" });
  }
  const declared: DocumentKind | undefined = kindByExtension[path.extname(name).toLowerCase()];
  const check = (actual: DocumentKind): Detection => {
    if (declared && declared !== actual) throw mismatch(name, declared, actual);
    return { kind: actual };
  };

  if (hasPdfHeader(data)) return check("pdf");

  if (isZip(data)) {
    const entries = new Set((await listZipEntries(data, name)).map((e) => e.name));
    if (entries.has("word/document.xml") && entries.has("[Content_Types].xml")) return check("docx");
    // Strict OOXML and some generators name the main part differently; mammoth follows
    // _rels/.rels to it, so a package with a word/ folder and content types counts too.
    const wordPart = [...entries].some((e) => e.startsWith("word/") && e.endsWith(".xml"));
    if (wordPart && entries.has("[Content_Types].xml")) return check("docx");
    throw refuse(
      `${name} is a zip archive but not a Word document (it has no word/document.xml). Cairn reads .docx, PDF, text, Markdown and HTML files.`,
      "not_docx",
    );
  }

  const text = decodeText(data);
  if (text === undefined) {
    const sniffed = await fileTypeFromBuffer(data);
    const what = sniffed ? `a ${sniffed.ext.toUpperCase()} file (${sniffed.mime})` : "binary data in no format Cairn reads";
    const expected = declared ? `, not ${kindNames[declared]}` : "";
    throw refuse(
      `${name} is ${what}${expected}. Cairn reads PDF, Word (.docx), plain text, Markdown and HTML files.`,
      "unrecognized_format",
    );
  }
  if (declared && !textKinds.has(declared)) {
    throw mismatch(name, declared, looksLikeHtml(text) ? "html" : "txt");
  }
  if (declared) return { kind: declared, text };
  if (looksLikeHtml(text)) return { kind: "html", text };
  if (looksLikeMarkdown(text)) return { kind: "markdown", text };
  return { kind: "txt", text };
}
