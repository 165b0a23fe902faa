import { CairnError } from "@/core/errors";
import type { ParsedDocument } from "../types";

// Plain text: decoding, the binary check, and the one-page document shape shared
// by TXT and Markdown.

/** Returns the text, or undefined when the bytes are not text (invalid UTF-8, NULs, control bytes). */
export function decodeText(data: Uint8Array): string | undefined {
  let text: string;
  try {
    if (data[0] === 0xff && data[1] === 0xfe) text = new TextDecoder("utf-16le", { fatal: true }).decode(data);
    else if (data[0] === 0xfe && data[1] === 0xff) text = new TextDecoder("utf-16be", { fatal: true }).decode(data);
    else text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch (err) {
    if (err instanceof TypeError) return undefined; // the decoder's "not valid UTF-8/16" signal
    throw err;
  }
  // TextDecoder strips the BOM itself (ignoreBOM defaults to false).
  if (text.includes("\u0000")) return undefined;
  // Valid UTF-8 can still be binary (e.g. a file of control bytes): allow a few strays only.
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) controls++;
  }
  if (controls > Math.max(8, text.length / 1000)) return undefined;
  return text;
}

export function assertHasText(text: string, name: string): void {
  if (!text.trim()) {
    throw new CairnError("unprocessable:parse", `${name} contains no text.`, { reason: "no_text" });
  }
}

/** TXT: one page, one section, the text exactly as decoded. */
export function parseTxt(text: string, name: string): ParsedDocument {
  assertHasText(text, name);
  return {
    kind: "txt",
    pageCount: 1,
    pages: [{ number: null, text, sections: [{ headingPath: [], start: 0, end: text.length }] }],
    pagesWithoutText: [],
    warnings: [],
  };
}
