import type { ErrorType, Surface } from "@/core/errors";
import type { ParsedDocument } from "../types";

// Messages between the parser pool and its child processes.

/** Test-only behaviours, honoured by the child only when NODE_ENV === "test". */
export type TestHook = "hang" | "crash" | "oom";

export interface ParseJob {
  id: number;
  filePath: string;
  declaredName: string;
  maxUnzippedBytes: number;
  /** null: OCR off. */
  ocr: { langs: string[]; minConfidence: number } | null;
  testHook?: TestHook;
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
  | { type: "result"; id: number; doc: ParsedDocument }
  | { type: "error"; id: number; error: SerializedError };
