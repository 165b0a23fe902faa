import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { closeDb, openDb } from "@/core/db";

// The library's per-document "latest job" lookup runs once per listed document; without an index
// on jobs(document_id) each lookup scans the whole job table.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-dbindexes-"));
const dbPath = path.join(dir, "cairn.db");
afterAll(() => {
  closeDb(dbPath);
  fs.rmSync(dir, { recursive: true, force: true });
});

it("finds a document's latest job through an index, not a scan of jobs", () => {
  const db = openDb(dbPath);
  const plan = db.prepare("EXPLAIN QUERY PLAN SELECT MAX(id) FROM jobs WHERE document_id = ?").all("d1") as { detail: string }[];
  const details = plan.map((p) => p.detail).join(" | ");
  expect(details).toMatch(/USING (COVERING )?INDEX jobs_document/);
  expect(details).not.toMatch(/SCAN jobs\b/);
});
