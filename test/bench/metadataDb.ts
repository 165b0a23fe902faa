// `npm run bench -- metadataDb`: the metadata queries Cairn runs most, on SQLite (a file in a temp
// dir) and on PostgreSQL (a throw-away cluster on loopback, through the synchronous bridge), in one
// process, rounds interleaved. Reports operations per second per engine and PG/SQLite ratios.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root } from "../../scripts/lib.mjs";
import { startPostgres } from "../../scripts/postgres.mjs";
import { closeDb, openDb, type Db } from "@/core/db";
import { claimNextJob, enqueueJob, finishJob, getDocument, insertDocument, listDocuments, reportJobProgress } from "@/core/db/queries";
import { loadAverage, median, round } from "./utils/stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const N = Number(process.env.BENCH_OPS ?? 300);

const pg = await startPostgres();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-dbbench-"));
const engines: Record<string, string> = { sqlite: path.join(tmp, "cairn.db"), postgres: await pg.createDatabase("bench") };

let seq = 0;
const sha = (id: string) => crypto.createHash("sha256").update(id).digest("hex");
/** One round: N documents inserted, each read back, listed, queued, claimed, progressed, finished. */
function round1(db: Db): Record<string, number> {
  const ids: string[] = [];
  const time = (fn: () => void) => {
    const t = performance.now();
    fn();
    return N / ((performance.now() - t) / 1000);
  };
  const insert = time(() => {
    for (let i = 0; i < N; i++) {
      const id = `doc-${seq++}`;
      ids.push(id);
      insertDocument(db, { id, collectionId: "default", name: `${id}.md`, sha256: sha(id), sizeBytes: 100, source: "upload" });
    }
  });
  const get = time(() => ids.forEach((id) => getDocument(db, id)));
  const enqueue = time(() => ids.forEach((id) => enqueueJob(db, id, sha(id))));
  const claimAndFinish = time(() => {
    for (let i = 0; i < N; i++) {
      const job = claimNextJob(db, "bench:1", Date.now() - 60_000)!;
      reportJobProgress(db, job.id, "bench:1", { stage: "embedding", done: 1, total: 1 });
      finishJob(db, job.id, "done");
    }
  });
  const t = performance.now();
  listDocuments(db, ["default"]);
  return { insert, getDocument: get, enqueue, claimProgressFinish: claimAndFinish, listDocumentsMs: performance.now() - t };
}

try {
  const samples: Record<string, Record<string, number>[]> = { sqlite: [], postgres: [] };
  const dbs = Object.fromEntries(Object.entries(engines).map(([k, url]) => [k, openDb(url)]));
  round1(dbs.sqlite);
  round1(dbs.postgres); // warm-up
  for (let r = 0; r < ROUNDS; r++) for (const k of Object.keys(engines)) samples[k].push(round1(dbs[k]));
  const med = (k: string) => Object.fromEntries(Object.keys(samples[k][0]).map((m) => [m, round(median(samples[k].map((s) => s[m])), 1)]));
  const sqlite = med("sqlite");
  const postgres = med("postgres");
  const ratio = Object.fromEntries(Object.keys(sqlite).map((m) => [m, round(postgres[m] / sqlite[m], 3)]));
  const result = { rounds: ROUNDS, opsPerRound: N, unit: "operations per second (listDocumentsMs: ms)", sqlite, postgres, postgresOverSqlite: ratio, loadAverage: loadAverage() };
  console.log(JSON.stringify(result, null, 2));
  fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench-results", "metadataDb.json"), JSON.stringify(result, null, 2));
  for (const url of Object.values(engines)) closeDb(url);
} finally {
  await pg.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
