import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { testModelPaths } from "../testModels";
import { startWorker, stopWorker, tempDataDir, waitFor } from "./workerHarness";

const models = testModelPaths();
const dataDir = tempDataDir("cairn-worker-");
process.env.CAIRN_DATA_DIR = dataDir;
process.env.CAIRN_EMBED_MODEL = models.embedder;
const env = { CAIRN_DATA_DIR: dataDir, CAIRN_EMBED_MODEL: models.embedder };

const { openDb } = await import("@/core/db");
const { config } = await import("@/core/config");
const { getDocument, listJobs } = await import("@/core/db/queries");
const { addUploadedFile } = await import("@/lib/library");
const { currentPrincipal } = await import("@/lib/auth");
const { sha256File, tempFilePath } = await import("@/core/files");
const { getVectorStore } = await import("@/lib/store");

const db = openDb(config().dbPath);

async function add(name: string, content: string | Buffer) {
  const temp = tempFilePath();
  fs.writeFileSync(temp, content);
  const { sha256, size } = await sha256File(temp);
  return addUploadedFile(currentPrincipal(), "default", { tempPath: temp, name, sha256, size }).document;
}

/** A long procedure manual: many chunks, so embedding takes a while and can be interrupted. */
function longManual(sections: number): string {
  const out: string[] = [];
  for (let s = 0; s < sections; s++) {
    out.push(`# Section ${s}: pump P-${100 + s}`);
    for (let p = 0; p < 6; p++) {
      out.push(
        `Step ${p} of section ${s}. Close isolation valve V-${s}-${p} before maintenance on pump P-${100 + s}. ` +
          `Verify zero pressure on gauge PG-${s}${p}, lock out the breaker, tag it with your name and the date, ` +
          `and record the reading in the maintenance log for unit ${s * 7 + p}. Do not proceed if the reading drifts.`,
      );
    }
  }
  return out.join("\n\n");
}

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("ingestion worker", () => {
  test("indexes a document end to end with page offsets that point at the exact text", async () => {
    const doc = await add("manual.md", longManual(3));
    const w = startWorker(env);
    try {
      const done = await waitFor("indexed", () => {
        const d = getDocument(db, doc.id);
        return d && (d.status === "indexed" || d.status === "failed") && d;
      }, 120_000, w.logs);
      expect(done.status, done.errorMessage ?? "").toBe("indexed");
      expect(done.kind).toBe("markdown");
      expect(done.chunkCount).toBeGreaterThan(1);
      const store = await getVectorStore();
      const chunks = await store.getChunks(doc.id);
      expect(chunks).toHaveLength(done.chunkCount);
      const text = fs.readFileSync(path.join(dataDir, "files", doc.sha256), "utf8");
      for (const c of chunks) expect(text.slice(c.charStart, c.charEnd)).toBe(c.text);
      expect(chunks.some((c) => c.headingPath.includes("Section 1"))).toBe(true);
    } finally {
      await stopWorker(w.proc);
    }
  });

  test("SIGKILL mid-document: a restarted worker finishes the job with no duplicate and no orphaned chunks", async () => {
    const doc = await add("long-manual.md", longManual(30));
    const first = startWorker(env);
    await waitFor(
      "embedding to start",
      () => {
        const j = listJobs(db, doc.id).at(-1);
        return j && j.stage === "embedding" && j.progressDone > 0 && j.progressDone < j.progressTotal;
      },
      120_000,
      first.logs,
    );
    first.proc.kill("SIGKILL");
    await new Promise((r) => first.proc.once("exit", r));
    expect(listJobs(db, doc.id).at(-1)!.status).toBe("running");

    const second = startWorker(env);
    try {
      const done = await waitFor("indexed after restart", () => {
        const d = getDocument(db, doc.id);
        return d && (d.status === "indexed" || d.status === "failed") && d;
      }, 240_000, second.logs);
      expect(done.status, done.errorMessage ?? "").toBe("indexed");
      expect(second.logs()).toMatch(/resumed 1 job/);
      const jobs = listJobs(db, doc.id);
      expect(jobs.at(-1)).toMatchObject({ status: "done", attempts: 2 });
      const store = await getVectorStore();
      const chunks = await store.getChunks(doc.id);
      expect(chunks).toHaveLength(done.chunkCount);
      expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
      expect(chunks.map((c) => c.ordinal).sort((a, b) => a - b)).toEqual([...chunks.keys()]);
      expect(await store.countChunks({ documentId: doc.id })).toBe(done.chunkCount);
    } finally {
      await stopWorker(second.proc);
    }
  }, 600_000);
});
