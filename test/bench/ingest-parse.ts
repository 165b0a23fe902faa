// Pages per second through parseFile (sandboxed child process, reused across files)
// versus raw pdf-parse in this process, on three real papers and a generated
// 500-page text PDF. Run: npx tsx test/bench/ingest-parse.ts
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeLongPdf } from "./utils/longPdf";
import { PDFParse } from "pdf-parse";
import { closeParserPool, parseFile, warmParserPool } from "../../ingest/parse";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const fixtures = path.resolve(repoRoot, "../shared/fixtures/real-world/pdf");
const rounds = 3;

async function rawPdfParse(file: string): Promise<number> {
  const parser = new PDFParse({ data: new Uint8Array(readFileSync(file)) });
  try {
    const result = await parser.getText();
    return result.total;
  } finally {
    await parser.destroy();
  }
}

async function best(fn: () => Promise<number>): Promise<{ pages: number; ms: number }> {
  let ms = Infinity;
  let pages = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    pages = await fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { pages, ms };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "cairn-bench-"));
try {
  const long = path.join(tmp, "generated-500.pdf");
  writeFileSync(long, await makeLongPdf(500));
  const files = [...["tracemonkey.pdf", "TAMReview.pdf", "pdkids.pdf"].map((f) => path.join(fixtures, f)), long];

  const t0 = performance.now();
  await warmParserPool();
  const startMs = performance.now() - t0;

  const rows = [];
  for (const file of files) {
    const raw = await best(() => rawPdfParse(file));
    const sandboxed = await best(async () => (await parseFile(file, { declaredName: path.basename(file) })).pageCount);
    rows.push({
      file: path.basename(file),
      pages: sandboxed.pages,
      rawMs: Math.round(raw.ms),
      rawPagesPerSec: Math.round((raw.pages / raw.ms) * 1000),
      sandboxedMs: Math.round(sandboxed.ms),
      sandboxedPagesPerSec: Math.round((sandboxed.pages / sandboxed.ms) * 1000),
      ratio: Number((raw.ms / sandboxed.ms).toFixed(2)),
    });
  }
  console.log(`parser child start (warm-up, paid once per pool/crash): ${Math.round(startMs)} ms; best of ${rounds} rounds`);
  console.table(rows);
  mkdirSync(path.join(repoRoot, "bench-results"), { recursive: true });
  writeFileSync(
    path.join(repoRoot, "bench-results", "ingest-parse.json"),
    JSON.stringify({ date: new Date().toISOString(), childStartMs: Math.round(startMs), rounds, rows }, null, 2),
  );
} finally {
  await closeParserPool();
  rmSync(tmp, { recursive: true, force: true });
}
