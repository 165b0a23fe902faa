// `node --import tsx test/utils/ocrOnce.ts <file.pdf> [langPath]`: OCR a PDF in this process and
// print its page texts as JSON; a test runs it under the egress trap. With a langPath the
// engine is pointed at it instead of node_modules (the trap's control case).
import { readFileSync } from "node:fs";
import { parseBytes } from "@/ingest/parse/parseDocument";

const [file, langPath] = process.argv.slice(2);
if (langPath) {
  const { createWorker } = await import("tesseract.js");
  // tesseract.js rethrows a failed load from its worker thread: report it and stop.
  process.on("uncaughtException", (e) => {
    console.log(JSON.stringify({ control: String(e) }));
    process.exit(0);
  });
  await createWorker("eng", 1, { langPath, cacheMethod: "none" }).catch((e: unknown) => console.log(JSON.stringify({ control: String(e) })));
  process.exit(0);
}
const doc = await parseBytes(new Uint8Array(readFileSync(file)), "scan.pdf", { maxUnzippedBytes: 1e8, ocr: { langs: ["eng"], minConfidence: 60 } });
console.log(JSON.stringify({ pages: doc.pages.map((p) => p.text) }));
