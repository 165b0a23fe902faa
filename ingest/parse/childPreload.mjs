// Runs before tsx in the parser child (plain JS, so tsx never sees it). pdf.js is loaded here,
// ahead of tsx and the source maps it turns on: loaded through tsx, pdf.js's worker module and its
// 5 MB source map stayed in memory (an idle child held ≈ 500 MB after one text PDF; ≈ 115 MB so).
import { isMainThread } from "node:worker_threads";

// Worker threads (tesseract.js) inherit this --import; they need tsx only, as before.
if (isMainThread) {
  await import("pdf-parse");
  // pdf.js in Node runs its "worker" in-process; handing it the module spares a second load.
  globalThis.pdfjsWorker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
}
await import("tsx");
