import mammoth from "mammoth";
import { CairnError } from "@/core/errors";
import type { ParsedDocument } from "../types";
import { htmlToText } from "./html";
import { assertHasText } from "./text";
import { assertSafeZip, type ZipLimits } from "./zip";

// DOCX → HTML with mammoth (Word heading styles become h1..h6), then the same
// HTML walker as web pages, so chunks know their section. The zip is checked for
// bombs before mammoth inflates a byte.

const maxWarnings = 20;

export async function parseDocx(data: Uint8Array, name: string, limits: ZipLimits): Promise<ParsedDocument> {
  await assertSafeZip(data, name, limits);
  let result: Awaited<ReturnType<typeof mammoth.convertToHtml>>;
  try {
    result = await mammoth.convertToHtml({ buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CairnError("unprocessable:parse", `${name} is a damaged Word document and cannot be read (${detail}).`, {
      reason: "corrupt",
      cause: err,
    });
  }
  const { text, sections } = htmlToText(result.value);
  assertHasText(text, name);
  const messages = result.messages.map((m) => m.message);
  const warnings = messages.slice(0, maxWarnings);
  if (messages.length > maxWarnings) warnings.push(`… and ${messages.length - maxWarnings} more conversion warnings.`);
  const firstHeading = sections.find((s) => s.headingPath.length)?.headingPath[0];
  return {
    kind: "docx",
    title: firstHeading,
    pageCount: 1,
    pages: [{ number: null, text, sections }],
    pagesWithoutText: [],
    warnings,
  };
}
