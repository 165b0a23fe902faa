import { config } from "@/core/config";
import type { OcrPageResult, ParsedDocument } from "../types";
import { ParserPool } from "./pool";
import type { ParseProgress, TestHook } from "./protocol";

// The one entry point the worker calls: detect and parse an untrusted file in a
// sandboxed child process with a time limit and a memory cap.

export { detectKind, type Detection } from "./detect";
export { parseBytes, parseFileInProcess } from "./parseDocument";
export { ParserPool } from "./pool";

export interface ParseFileOptions {
  /** The name the user gave the file; its extension is checked against the content. */
  declaredName: string;
  timeoutMs?: number;
  maxMemoryMb?: number;
  /** Overrides CAIRN_OCR / CAIRN_OCR_LANGS for this file (null: off). */
  ocr?: { langs: string[]; minConfidence: number; pagesPerTurn?: number } | null;
  /** Pages of this scan OCR'd in earlier turns (resumed, not read again). */
  ocrResume?: OcrPageResult[];
  /** Polled while a scan is OCR'd: true when other documents wait, so the scan pauses after its turn (ocrPaused). */
  shouldYield?: () => boolean;
  /** Pages read so far, e.g. { stage: "ocr", done: 3, total: 12 } while page 3 of 12 is OCR'd. */
  onProgress?: (p: ParseProgress) => void;
}

let pool: ParserPool | undefined;

function defaultPool(): ParserPool {
  pool ??= new ParserPool(1);
  return pool;
}

/** Tests only: lets a test make the child hang, crash or run out of memory. */
function testHook(): TestHook | undefined {
  if (process.env.NODE_ENV !== "test") return undefined;
  const hook = process.env.CAIRN_TEST_PARSE_HOOK;
  return hook === "hang" || hook === "crash" || hook === "oom" ? hook : undefined;
}

/**
 * Parses a file into pages and sections.
 *
 * PDF pages without usable text (scanned, or glyph-id garbage) are OCR'd in the
 * child unless CAIRN_OCR=off; pages still without text (blank, OCR off) come back in
 * `pagesWithoutText` with a warning, not as an error. DOCX/TXT/Markdown/HTML without text have nothing
 * to recover and are refused with `no_text`.
 * Rejects with a CairnError (surface
 * "parse") whose `reason` says why: empty_file, extension_mismatch, not_docx,
 * unrecognized_format, encrypted, corrupt, no_pages, no_text, zip_bomb, timeout,
 * parser_crashed, too_much_memory, parse_failed, ocr_language_missing, unsupported_compression; file_unreadable (type internal: the stored file is gone).
 */
export function parseFile(filePath: string, options: ParseFileOptions): Promise<ParsedDocument> {
  const c = config();
  return defaultPool().parse({
    filePath,
    declaredName: options.declaredName,
    maxUnzippedBytes: c.maxUnzippedBytes,
    timeoutMs: options.timeoutMs ?? c.parseTimeoutMs,
    maxMemoryMb: options.maxMemoryMb ?? c.parseMaxMemoryMb,
    ocr: options.ocr !== undefined ? options.ocr : c.ocr,
    ocrResume: options.ocrResume,
    shouldYield: options.shouldYield,
    onProgress: options.onProgress,
    testHook: testHook(),
  });
}

/** Starts the parser process ahead of the first file (the worker calls this at startup). */
export function warmParserPool(maxMemoryMb = config().parseMaxMemoryMb): Promise<void> {
  return defaultPool().warm(maxMemoryMb);
}

/** Stops the parser processes (the worker on shutdown, tests in afterAll). */
export async function closeParserPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}
