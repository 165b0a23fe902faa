import { readFile } from "node:fs/promises";
import { CairnError } from "@/core/errors";
import type { OcrPageResult, ParsedDocument } from "../types";
import { detectKind } from "./detect";
import { parseDocx } from "./docx";
import { parseHtml } from "./html";
import { parseMarkdown } from "./markdown";
import type { OcrOptions } from "./ocr";
import { parsePdf } from "./pdf";
import type { ParseProgress } from "./protocol";
import { parseTxt } from "./text";
import { defaultZipLimits } from "./zip";

// Detect and parse in the current process. Untrusted input belongs in the sandbox
// (parseFile in ./index); this is what the sandboxed child runs.

export interface ParseLimits {
  maxUnzippedBytes: number;
  /** null or absent: OCR off. */
  ocr?: OcrOptions | null;
  /** Pages OCR'd in earlier turns of this scan. */
  ocrResume?: OcrPageResult[];
  /** True once other documents wait: OCR stops after this turn's pages (ocrPaused). */
  yieldRequested?: () => Promise<boolean>;
  onProgress?: (p: ParseProgress) => void;
}

export async function parseBytes(data: Uint8Array, declaredName: string, limits: ParseLimits): Promise<ParsedDocument> {
  const detected = await detectKind(data, declaredName);
  switch (detected.kind) {
    case "pdf":
      return parsePdf(data, declaredName, {
        ocr: limits.ocr ?? null,
        onProgress: limits.onProgress,
        resume: limits.ocrResume,
        yieldRequested: limits.yieldRequested,
      });
    case "docx":
      return parseDocx(data, declaredName, { ...defaultZipLimits, maxUnzippedBytes: limits.maxUnzippedBytes });
    case "html":
      return parseHtml(detected.text ?? "", declaredName);
    case "markdown":
      return parseMarkdown(detected.text ?? "", declaredName);
    case "txt":
      return parseTxt(detected.text ?? "", declaredName);
  }
}

export async function parseFileInProcess(filePath: string, declaredName: string, limits: ParseLimits): Promise<ParsedDocument> {
  let data: Buffer;
  try {
    data = await readFile(filePath);
  } catch (err) {
    // The stored upload is missing or unreadable: our problem, not the user's file (message stays internal).
    throw new CairnError("internal:parse", `Cannot read the stored file for ${declaredName}: ${String(err)}`, {
      reason: "file_unreadable",
      cause: err,
    });
  }
  return parseBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), declaredName, limits);
}
