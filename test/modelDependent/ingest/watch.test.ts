import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { testModelPaths } from "../testModels";
import { startWorker, stopWorker, tempDataDir, waitFor } from "./workerHarness";

const models = testModelPaths();
const dataDir = tempDataDir("cairn-watch-");
const watchDir = path.join(dataDir, "inbox");
fs.mkdirSync(watchDir, { recursive: true });
process.env.CAIRN_DATA_DIR = dataDir;
process.env.CAIRN_EMBED_MODEL = models.embedder;

const { openDb } = await import("@/core/db");
const { config } = await import("@/core/config");
const { findWatchedDocument } = await import("@/core/db/queries");
const { getVectorStore } = await import("@/lib/store");

const db = openDb(config().dbPath);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test("CAIRN_WATCH_DIR: new, changed and deleted files are indexed, re-indexed and removed", async () => {
  const w = startWorker({ CAIRN_DATA_DIR: dataDir, CAIRN_EMBED_MODEL: models.embedder, CAIRN_WATCH_DIR: watchDir });
  const file = path.join(watchDir, "procedure.txt");
  const indexedWith = (sha?: string) => () => {
    const d = findWatchedDocument(db, file);
    return d && d.status === "indexed" && (!sha || d.sha256 !== sha) && d;
  };
  try {
    await waitFor("worker ready", () => /ready/.test(w.logs()), 60_000, w.logs);
    fs.writeFileSync(file, "To isolate pump P-101, close valve V-17 and lock out breaker B-4.\n");
    const first = await waitFor("first index", indexedWith(), 60_000, w.logs);
    const store = await getVectorStore();
    const before = await store.getChunks(first.id);
    expect(before.map((c) => c.text).join(" ")).toContain("V-17");

    // Written in two bursts, as editors do: the debounce indexes the final content once.
    fs.writeFileSync(file, "Revised: to isolate pump P-101, close valve V-99");
    fs.appendFileSync(file, " and lock out breaker B-4.\n");
    const second = await waitFor("re-index", indexedWith(first.sha256), 60_000, w.logs);
    expect(second.id).toBe(first.id);
    const after = await store.getChunks(first.id);
    const text = after.map((c) => c.text).join(" ");
    expect(text).toContain("V-99");
    expect(text).not.toContain("V-17");
    expect(after.every((c) => c.documentSha256 === second.sha256)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, "files", first.sha256))).toBe(false);

    fs.rmSync(file);
    await waitFor("removal", () => !findWatchedDocument(db, file), 30_000, w.logs);
    // The row goes first (a running job sees it and stops), then chunks and the stored file.
    await waitFor("chunks removed", async () => (await store.countChunks({ documentId: first.id })) === 0, 30_000, w.logs);
    await waitFor("stored file removed", () => !fs.existsSync(path.join(dataDir, "files", second.sha256)), 30_000, w.logs);
  } finally {
    await stopWorker(w.proc);
  }
});
