import type { ErrorType, Surface } from "@/core/errors";
import type { OcrPageResult, ParsedDocument } from "../types";

// Messages between the parser pool and its child processes.

/** Test-only behaviours, honoured by the child only when NODE_ENV === "test". */
export type TestHook = "hang" | "crash" | "oom";

export interface ParseJob {
  id: number;
  filePath: string;
  declaredName: string;
  maxUnzippedBytes: number;
  /** null: OCR off. */
  ocr: { langs: string[]; minConfidence: number; pagesPerTurn?: number } | null;
  /** Pages of this scan OCR'd in earlier turns: not read again. */
  ocrResume?: OcrPageResult[];
  testHook?: TestHook;
}

/** Parent → child, the answer to `ask_yield`: true when other documents wait, so OCR stops here (ocrPaused). */
export interface YieldAnswer {
  type: "yield_answer";
  id: number;
  yield: boolean;
}

export interface ParseProgress {
  stage: string;
  done: number;
  total: number;
}

export interface SerializedError {
  type: ErrorType;
  surface: Surface;
  message: string;
  reason?: string;
}

export type ChildMessage =
  | { type: "ready" }
  | { type: "progress"; id: number; progress: ParseProgress }
  /** Between two OCR pages, once this turn's share is read: should the scan stop for other documents? */
  | { type: "ask_yield"; id: number }
  | { type: "result"; id: number; doc: ParsedDocument }
  | { type: "error"; id: number; error: SerializedError };
