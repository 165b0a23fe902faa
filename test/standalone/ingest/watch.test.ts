import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";

// config() reads the environment once: point it at a temp data dir before importing lib/.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-watch-unit-"));
process.env.CAIRN_DATA_DIR = dataDir;

const { startWatching } = await import("@/ingest/watch");
const { addWatchedFile, watchedFilePaths } = await import("@/lib/library");
const { openDb } = await import("@/core/db");
const { findWatchedDocument, listJobs } = await import("@/core/db/queries");
const { config } = await import("@/core/config");

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("startWatching", () => {
  test("reports new, changed and deleted files to its handlers in order, and files deleted while it was stopped", async () => {
    const dir = fs.mkdtempSync(path.join(dataDir, "inbox-"));
    const events: string[] = [];
    const goneWhileStopped = path.join(dir, "gone.txt");
    const elsewhere = path.join(dataDir, "other-folder", "gone.txt");
    const watcher = await startWatching({
      dir,
      stableMs: 100,
      handlers: {
        onFile: async (f) => void events.push(`file ${path.basename(f)}`),
        onRemoved: async (f) => void events.push(`removed ${path.relative(dataDir, f)}`),
        knownPaths: () => [goneWhileStopped, elsewhere],
      },
    });
    try {
      // Only the missing file inside the watched folder is reported.
      await until("startup removal", () => events.length === 1);
      expect(events).toEqual([`removed ${path.relative(dataDir, goneWhileStopped)}`]);

      const file = path.join(dir, "procedure.txt");
      fs.writeFileSync(file, "close valve V-17");
      await until("add", () => events.length === 2);
      fs.appendFileSync(file, " and lock out breaker B-4");
      await until("change", () => events.length === 3);
      fs.writeFileSync(path.join(dir, ".hidden"), "ignored");
      fs.rmSync(file);
      await until("unlink", () => events.length === 4);
      expect(events.slice(1)).toEqual(["file procedure.txt", "file procedure.txt", `removed ${path.relative(dataDir, file)}`]);
    } finally {
      await watcher.close();
    }
  });
});

describe("addWatchedFile", () => {
  test("indexes a new file, skips unchanged bytes, re-queues changed ones and drops the old stored file", async () => {
    const db = openDb(config().dbPath);
    const file = path.join(dataDir, "watched", "pump.txt");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "isolate pump P-101");

    expect(await addWatchedFile("default", file)).toBe("new");
    const first = findWatchedDocument(db, file)!;
    expect(first).toMatchObject({ name: "pump.txt", source: "watch", sourcePath: file, status: "queued" });
    expect(fs.existsSync(path.join(dataDir, "files", first.sha256))).toBe(true);
    expect(watchedFilePaths()).toContain(file);

    expect(await addWatchedFile("default", file)).toBe("unchanged");
    expect(listJobs(db, first.id)).toHaveLength(1);

    fs.writeFileSync(file, "isolate pump P-102");
    expect(await addWatchedFile("default", file)).toBe("changed");
    const second = findWatchedDocument(db, file)!;
    expect(second.id).toBe(first.id);
    expect(second.sha256).not.toBe(first.sha256);
    expect(listJobs(db, first.id).map((j) => j.status)).toEqual(["cancelled", "pending"]);
    expect(fs.existsSync(path.join(dataDir, "files", first.sha256))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "files", second.sha256))).toBe(true);
    // No temp copies are left behind.
    expect(fs.readdirSync(path.join(dataDir, "tmp"))).toEqual([]);
  });
});
