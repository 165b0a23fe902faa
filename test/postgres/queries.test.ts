// PostgreSQL-only checks of core/db (run by the "postgres" project on a fresh database): the
// dialect translation, the queries no other rerun file reaches without OCR, and SKIP LOCKED.
import { describe, expect, test } from "vitest";
import { isPostgres, openDb } from "@/core/db";
import { translateInsertOr, translateQuery } from "@/core/db/postgres";
import {
  claimNextJob,
  enqueueJob,
  getOcrPage,
  getTaskResult,
  hasOtherPendingJob,
  insertDocument,
  listJobs,
  listOcrPages,
  loadOcrResume,
  OCR_PAUSED,
  pauseJob,
  putTaskResult,
  replaceOcrPages,
  saveOcrResume,
} from "@/core/db/queries";

const url = process.env.CAIRN_DATABASE_URL!;
const db = openDb(url);
// A second connection (another process, or another machine) to the same database.
const other = openDb(`${url}?application_name=cairn-other`);

let n = 0;
function newDocument(): { id: string; sha: string } {
  const id = `doc-${++n}`;
  const sha = String(n).padStart(64, "0");
  insertDocument(db, { id, collectionId: "default", name: `${id}.pdf`, sha256: sha, sizeBytes: 1, source: "upload" });
  return { id, sha };
}

describe("SQLite's dialect, translated", () => {
  test("placeholders outside quotes only, named ones reused, camelCase aliases quoted, IS [NOT] ? null-safe", () => {
    expect(translateQuery("SELECT a AS fooBar, '?' AS q FROM t WHERE x = ? AND y IS NOT ? AND z IS ?").text).toBe(
      `SELECT a AS "fooBar", '?' AS q FROM t WHERE x = $1 AND y IS DISTINCT FROM $2 AND z IS NOT DISTINCT FROM $3`,
    );
    expect(translateQuery("INSERT INTO t (a, b) VALUES (@a, @b) ON CONFLICT(a) DO UPDATE SET b = @b")).toEqual({
      text: "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT(a) DO UPDATE SET b = $2",
      names: ["a", "b"],
    });
    expect(translateInsertOr("INSERT OR IGNORE INTO t (a, b) VALUES ($1, $2)", () => ["a"])).toBe("INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT DO NOTHING");
    expect(translateInsertOr("INSERT OR REPLACE INTO t (a, b, c) VALUES ($1, $2, $3) RETURNING a", () => ["a", "b"])).toBe(
      "INSERT INTO t (a, b, c) VALUES ($1, $2, $3) ON CONFLICT (a, b) DO UPDATE SET c = EXCLUDED.c RETURNING a",
    );
  });

  test("timestamps are SQLite's ISO text in UTC; ids and counts are numbers", () => {
    expect(isPostgres(db)).toBe(true);
    const { id, sha } = newDocument();
    const jobId = enqueueJob(db, id, sha);
    expect(typeof jobId).toBe("number");
    const row = db.prepare("SELECT created_at AS createdAt, COUNT(*) AS n FROM documents WHERE id = ? GROUP BY created_at").get(id) as { createdAt: string; n: number };
    expect(row.n).toBe(1);
    expect(row.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(row.createdAt) - Date.now())).toBeLessThan(60_000);
  });

  test("a statement the server refuses throws its SQLSTATE; a failed transaction leaves nothing behind", () => {
    const { id, sha } = newDocument();
    let error: unknown;
    try {
      insertDocument(db, { id, collectionId: "default", name: "again.pdf", sha256: sha, sizeBytes: 1, source: "upload" });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "PgError", code: "23505" }); // unique_violation
    expect(() =>
      db.transaction(() => {
        enqueueJob(db, id, sha);
        throw new Error("abort");
      })(),
    ).toThrow("abort");
    expect(listJobs(db, id)).toEqual([]);
  });
});

describe("queries the OCR path uses", () => {
  test("OCR pages and resume state: INSERT OR REPLACE replaces on the primary key", () => {
    const { id, sha } = newDocument();
    const words = [{ text: "pump", start: 0, end: 4, conf: 91, box: [0.1, 0.2, 0.3, 0.4] as [number, number, number, number] }];
    replaceOcrPages(db, id, sha, [{ page: 1, confidence: 91, lowConfidence: false, rotation: 0, words }]);
    expect(listOcrPages(db, id)).toEqual([{ page: 1, confidence: 91, lowConfidence: false, rotation: 0 }]);
    expect(getOcrPage(db, id, 1)?.words).toEqual(words);
    saveOcrResume(db, id, sha, [{ page: 1, outcome: { text: "first" } }]);
    saveOcrResume(db, id, sha, [{ page: 1, outcome: { text: "second" } }, { page: 2, outcome: { text: "two" } }]);
    expect(loadOcrResume(db, id, sha)).toEqual([
      { page: 1, outcome: { text: "second" } },
      { page: 2, outcome: { text: "two" } },
    ]);
    putTaskResult(db, { cacheKey: `k-${id}`, documentId: id, kind: "summary", result: "old" });
    putTaskResult(db, { cacheKey: `k-${id}`, documentId: id, kind: "summary", result: "new" });
    expect(getTaskResult(db, `k-${id}`)).toBe("new");
  });

  test("a paused scan is claimed after every other pending job", () => {
    const scan = newDocument();
    const text = newDocument();
    const scanJob = enqueueJob(db, scan.id, scan.sha);
    const textJob = enqueueJob(db, text.id, text.sha);
    // Drain what earlier tests left, up to the scan.
    for (let j = claimNextJob(db, "w:1", 0); j && j.id !== scanJob; j = claimNextJob(db, "w:1", 0));
    expect(hasOtherPendingJob(db, scanJob)).toBe(true);
    expect(pauseJob(db, scanJob, "w:1", { done: 1, total: 3 })).toBe(true);
    expect(claimNextJob(db, "w:1", 0)?.id).toBe(textJob);
    expect(claimNextJob(db, "w:1", 0)).toMatchObject({ id: scanJob, stage: OCR_PAUSED, attempts: 1 });
  });
});

describe("one queue, several connections", () => {
  test("FOR UPDATE SKIP LOCKED: while one worker's claim is uncommitted, another claims the next job, never the same", () => {
    const a = newDocument();
    const b = newDocument();
    const jobA = enqueueJob(db, a.id, a.sha);
    const jobB = enqueueJob(db, b.id, b.sha);
    const claims = db.transaction(() => {
      const mine = claimNextJob(db, "host-1:1", 0); // row locked until this transaction commits
      const theirs = claimNextJob(other, "host-2:1", 0);
      return [mine?.id, theirs?.id];
    })();
    expect(claims).toEqual([jobA, jobB]);
    expect(claimNextJob(other, "host-2:1", 0)).toBeUndefined();
    expect(listJobs(db, a.id)[0]).toMatchObject({ status: "running", lockedBy: "host-1:1", attempts: 1 });
    expect(listJobs(db, b.id)[0]).toMatchObject({ status: "running", lockedBy: "host-2:1", attempts: 1 });
  });

  test("a job whose heartbeat is older than the lease is claimed by another worker; a fresh one is not", () => {
    const d = newDocument();
    const job = enqueueJob(db, d.id, d.sha);
    expect(claimNextJob(db, "host-1:1", Date.now() - 60_000)?.id).toBe(job);
    expect(claimNextJob(other, "host-2:1", Date.now() - 60_000)).toBeUndefined();
    db.prepare("UPDATE jobs SET heartbeat_at = ? WHERE id = ?").run(Date.now() - 120_000, job);
    expect(claimNextJob(other, "host-2:1", Date.now() - 60_000)).toMatchObject({ id: job, lockedBy: "host-2:1", attempts: 2 });
  });
});
