import fs from "node:fs";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startPostgres, type PostgresCluster } from "../../../scripts/postgres.mjs";
import { testModelPaths } from "../testModels";
import { startWorker, stopWorker, tempDataDir, waitFor } from "./workerHarness";

// Several workers, one queue: real worker processes (as on several machines) claim from one
// PostgreSQL metadata database (Debian's server, a throw-away cluster started here).
const models = testModelPaths();
const pg: PostgresCluster = await startPostgres();
const dbUrl = await pg.createDatabase("workers");
const dataDir = tempDataDir("cairn-pgworkers-");
const LEASE_MS = 4000;
const env = { CAIRN_DATA_DIR: dataDir, CAIRN_EMBED_MODEL: models.embedder, CAIRN_DATABASE_URL: dbUrl, CAIRN_JOB_LEASE_MS: String(LEASE_MS) };
// This project runs its files in one process: the env is put back after this file.
const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
Object.assign(process.env, env);

const { openDb, closeDb, isPostgres } = await import("@/core/db");
const { config } = await import("@/core/config");
const { getDocument, listJobs } = await import("@/core/db/queries");
const { addUploadedFile } = await import("@/lib/library");
const { currentPrincipal } = await import("@/lib/auth");
const { sha256File, tempFilePath } = await import("@/core/files");
const { getVectorStore } = await import("@/lib/store");

const db = openDb(config().dbPath);

async function add(name: string, content: string) {
  const temp = tempFilePath();
  fs.writeFileSync(temp, content);
  const { sha256, size } = await sha256File(temp);
  return addUploadedFile(currentPrincipal(), "default", { tempPath: temp, name, sha256, size }).document;
}

function manual(n: number, sections: number): string {
  const out: string[] = [];
  for (let s = 0; s < sections; s++) {
    out.push(`# Manual ${n}, section ${s}: pump P-${n}-${s}`);
    for (let p = 0; p < 6; p++) {
      out.push(
        `Step ${p} of section ${s} in manual ${n}. Close isolation valve V-${n}-${s}-${p} before maintenance on pump P-${n}-${s}. ` +
          `Verify zero pressure on gauge PG-${s}${p}, lock out the breaker, tag it with your name and the date, ` +
          `and record the reading in the maintenance log for unit ${n * 100 + s * 7 + p}. Do not proceed if the reading drifts.`,
      );
    }
  }
  return out.join("\n\n");
}

/** `worker: job N for document D: outcome` lines of one worker's log. */
function jobLines(log: string): { job: number; doc: string; outcome: string }[] {
  return [...log.matchAll(/worker: job (\d+) for document (\S+): (\w+) in/g)].map((m) => ({ job: Number(m[1]), doc: m[2], outcome: m[3] }));
}

const workers: ReturnType<typeof startWorker>[] = [];
const ready = (w: ReturnType<typeof startWorker>) => waitFor("worker ready", () => / ready/.test(w.logs()), 120_000, w.logs);

beforeAll(async () => {
  workers.push(startWorker(env), startWorker(env));
  await Promise.all(workers.map(ready));
}, 180_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => stopWorker(w.proc)));
  closeDb(config().dbPath);
  await pg.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("two workers on one PostgreSQL queue", () => {
  test("drain 8 documents together: every document indexed, no job done twice, both workers took jobs", async () => {
    expect(isPostgres(db)).toBe(true);
    const docs: Awaited<ReturnType<typeof add>>[] = [];
    for (let i = 0; i < 8; i++) docs.push(await add(`manual-${i}.md`, manual(i, 1)));
    const logs = () => workers.map((w, i) => `--- worker ${i}\n${w.logs().slice(-3000)}`).join("\n");
    await waitFor(
      "all documents indexed or failed",
      () => docs.every((d) => ["indexed", "failed"].includes(getDocument(db, d.id)!.status)),
      300_000,
      logs,
    );
    for (const d of docs) {
      const row = getDocument(db, d.id)!;
      expect(row.status, `${row.name}: ${row.errorMessage ?? ""}\n${logs()}`).toBe("indexed");
      const jobs = listJobs(db, d.id);
      // One job, claimed once (attempts 1): no second worker ever took it.
      expect(jobs.map((j) => ({ status: j.status, attempts: j.attempts }))).toEqual([{ status: "done", attempts: 1 }]);
    }
    // The job is finished in the database just before its worker logs it.
    await waitFor("every job logged", () => workers.flatMap((w) => jobLines(w.logs())).length >= docs.length, 30_000, logs);
    const lines = workers.map((w) => jobLines(w.logs()));
    const all = lines.flat();
    expect(all.filter((l) => l.outcome === "done")).toHaveLength(docs.length);
    expect(new Set(all.map((l) => l.job)).size).toBe(all.length);
    expect(lines[0].length, logs()).toBeGreaterThan(0);
    expect(lines[1].length, logs()).toBeGreaterThan(0);
    const store = await getVectorStore();
    for (const d of docs) {
      const chunks = await store.getChunks(d.id);
      expect(chunks).toHaveLength(getDocument(db, d.id)!.chunkCount);
      expect(new Set(chunks.map((c) => c.ordinal)).size).toBe(chunks.length);
    }
  }, 360_000);

  test("a SIGKILLed worker's job is taken over by the other, still running, once its lease lapses", async () => {
    const doc = await add("long-manual.md", manual(99, 12));
    const embedding = await waitFor(
      "embedding to start",
      () => {
        const j = listJobs(db, doc.id).at(-1);
        return j && j.status === "running" && j.stage === "embedding" && j.progressDone > 0 && j.progressDone < j.progressTotal && j;
      },
      180_000,
      () => workers.map((w) => w.logs().slice(-2000)).join("\n---\n"),
    );
    const victim = workers.find((w) => embedding.lockedBy === `${os.hostname()}:${w.proc.pid}`)!;
    const survivor = workers.find((w) => w !== victim)!;
    expect(victim).toBeDefined();
    victim.proc.kill("SIGKILL");
    await new Promise((r) => victim.proc.once("exit", r));

    const done = await waitFor(
      "indexed by the other worker",
      () => {
        const d = getDocument(db, doc.id);
        return d && (d.status === "indexed" || d.status === "failed") && d;
      },
      420_000,
      survivor.logs,
    );
    expect(done.status, done.errorMessage ?? "").toBe("indexed");
    const jobs = listJobs(db, doc.id);
    expect(jobs).toHaveLength(1);
    // Taken over by the worker that was already running (lease expiry), not by a restart.
    expect(jobs[0]).toMatchObject({ status: "done", attempts: 2, lockedBy: `${os.hostname()}:${survivor.proc.pid}` });
    const store = await getVectorStore();
    const chunks = await store.getChunks(doc.id);
    expect(chunks).toHaveLength(done.chunkCount);
    expect(chunks.map((c) => c.ordinal).sort((a, b) => a - b)).toEqual([...chunks.keys()]);
    expect(await store.countChunks({ documentId: doc.id })).toBe(done.chunkCount);
  }, 720_000);
});
