import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { root } from "../../../scripts/lib.mjs";
import { testModelPaths } from "../testModels";
import { startWorker, stopWorker, tempDataDir, waitFor } from "./workerHarness";

const fixtures = path.resolve(root, "../shared/fixtures/real-world");
const models = testModelPaths();
const dataDir = tempDataDir("cairn-fixtures-");
process.env.CAIRN_DATA_DIR = dataDir;
process.env.CAIRN_EMBED_MODEL = models.embedder;

const { openDb } = await import("@/core/db");
const { config } = await import("@/core/config");
const { getDocument } = await import("@/core/db/queries");
const { addUploadedFile } = await import("@/lib/library");
const { currentPrincipal } = await import("@/lib/auth");
const { sha256File, tempFilePath } = await import("@/core/files");
const { getVectorStore } = await import("@/lib/store");

const db = openDb(config().dbPath);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test("every real-world fixture ends indexed with text or failed with a specific error, and the worker survives", async () => {
  const files = ["pdf", "docx"].flatMap((d) => fs.readdirSync(path.join(fixtures, d)).map((f) => path.join(fixtures, d, f)));
  expect(files.length).toBeGreaterThan(50);
  const docs: { file: string; id: string }[] = [];
  for (const file of files) {
    const temp = tempFilePath();
    fs.copyFileSync(file, temp);
    const { sha256, size } = await sha256File(temp);
    const { document } = addUploadedFile(currentPrincipal(), "default", { tempPath: temp, name: path.basename(file), sha256, size });
    docs.push({ file, id: document.id });
  }
  const w = startWorker({ CAIRN_DATA_DIR: dataDir, CAIRN_EMBED_MODEL: models.embedder });
  try {
    await waitFor(
      "all fixtures to finish",
      () => docs.every(({ id }) => ["indexed", "failed"].includes(getDocument(db, id)!.status)),
      1_200_000,
      w.logs,
    );
    expect(w.proc.exitCode).toBeNull();
    const store = await getVectorStore();
    const rows = [];
    for (const { file, id } of docs) {
      const d = getDocument(db, id)!;
      rows.push({ file: path.relative(fixtures, file), status: d.status, pages: d.pageCount, chunks: d.chunkCount, error: d.errorCode });
      if (d.status === "indexed") {
        expect(d.chunkCount, file).toBeGreaterThan(0);
        expect(await store.countChunks({ documentId: id })).toBe(d.chunkCount);
      } else {
        // A specific reason the user can read, never an unclassified crash.
        expect(d.errorCode, file).toMatch(/^[a-z_]+$/);
        expect(d.errorCode, file).not.toMatch(/^internal/);
        expect(d.errorMessage!.length, file).toBeGreaterThan(10);
      }
    }
    console.table(rows);
    // Long text papers must come out with text.
    for (const name of ["pdf/tracemonkey.pdf", "pdf/TAMReview.pdf", "pdf/pdkids.pdf", "docx/tables.docx"]) {
      expect(rows.find((r) => r.file === name)?.status, name).toBe("indexed");
    }
  } finally {
    await stopWorker(w.proc);
  }
}, 1_500_000);
