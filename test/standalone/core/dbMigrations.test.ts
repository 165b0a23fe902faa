import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { closeDb, openDb } from "@/core/db";
import { replaceKeywordPassages, searchKeywordPassages } from "@/core/db/queries";
import { migrations, migrationSql } from "@/core/db/schema";
import { root } from "@/scripts/lib.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-dbmigrations-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const passage = (id: string, text: string) => ({
  id,
  documentId: "d1",
  collectionId: "default",
  documentSha256: "a".repeat(64),
  ordinal: 0,
  page: 1,
  headingPath: "",
  charStart: 0,
  charEnd: text.length,
  tokenCount: 8,
  text,
});

// The library's per-document "latest job" lookup runs once per listed document; without an index
// on jobs(document_id) each lookup scans the whole job table.
it("finds a document's latest job through an index, not a scan of jobs", () => {
  const dbPath = path.join(dir, "fresh.db");
  const db = openDb(dbPath);
  const plan = db.prepare("EXPLAIN QUERY PLAN SELECT MAX(id) FROM jobs WHERE document_id = ?").all("d1") as { detail: string }[];
  const details = plan.map((p) => p.detail).join(" | ");
  expect(details).toMatch(/USING (COVERING )?INDEX jobs_document/);
  expect(details).not.toMatch(/SCAN jobs\b/);
  closeDb(dbPath);
});

it("keyword passages written before context headers stay searchable after the upgrade, and new ones search their header", () => {
  const dbPath = path.join(dir, "old.db");
  // A database at the schema before the header migration, with a keyword passage in it.
  const headerMigration = migrations.findIndex((m) => migrationSql(m, "sqlite").includes("search_text"));
  expect(headerMigration).toBeGreaterThan(0);
  const old = new Database(dbPath);
  old.pragma("foreign_keys = ON");
  for (let v = 0; v < headerMigration; v++) old.exec(migrationSql(migrations[v]!, "sqlite"));
  old.pragma(`user_version = ${headerMigration}`);
  old.prepare("INSERT OR IGNORE INTO collections (id, name) VALUES ('default', 'Default')").run();
  old.prepare("INSERT INTO documents (id, collection_id, name, sha256, size_bytes, source, status) VALUES ('d1', 'default', 'x.txt', ?, 1, 'upload', 'queued')").run("a".repeat(64));
  const row = passage("old", "Close valve V-17 before opening the casing.");
  old
    .prepare(
      `INSERT INTO keyword_passages (id, document_id, collection_id, sha256, ordinal, page, heading_path, char_start, char_end, token_count, text)
       VALUES (@id, @documentId, @collectionId, @documentSha256, @ordinal, @page, @headingPath, @charStart, @charEnd, @tokenCount, @text)`,
    )
    .run(row);
  old.close();

  const db = openDb(dbPath);
  expect(searchKeywordPassages(db, ["casing"], ["default"], 5).map((r) => r.id)).toEqual(["old"]);
  replaceKeywordPassages(db, "d1", [{ ...passage("new", "The isolation valve is V-17."), context: "Zephyr pump manual" }]);
  expect(searchKeywordPassages(db, ["zephyr"], ["default"], 5).map((r) => r.text)).toEqual(["The isolation valve is V-17."]);
  expect(searchKeywordPassages(db, ["casing"], ["default"], 5)).toEqual([]); // replaced, and gone from the index
  closeDb(dbPath);
});

// The web app, the worker and the admin CLI can open a new database at the same moment (the
// intranet browser test does): each must find it migrated once, none may apply a step twice.
it("processes opening a new database together migrate it once, and all succeed", async () => {
  const dbPath = path.join(dir, "race.db");
  const script = `const { openDb } = await import(${JSON.stringify(path.join(root, "core/db/index.ts"))}); openDb(process.argv[1]); console.log("ok");`;
  const runs = Array.from({ length: 4 }, () =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, dbPath], { cwd: root });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("close", (code) => resolve({ code, out }));
    }),
  );
  const results = await Promise.all(runs);
  for (const r of results) expect(r, r.out).toMatchObject({ code: 0 });
  const db = new Database(dbPath, { readonly: true });
  expect(db.pragma("user_version", { simple: true })).toBe(migrations.length);
  db.close();
}, 60_000);
