import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { CairnError } from "@/core/errors";
import { DEFAULT_COLLECTION_ID, LOCAL_USER_ID, migrations } from "./schema";

export type Db = Database.Database;

const open = new Map<string, Db>();

/** One connection per file per process; WAL so the web app reads while the worker writes. */
export function openDb(dbPath: string): Db {
  const existing = open.get(dbPath);
  if (existing?.open) return existing;
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
  migrate(db);
  open.set(dbPath, db);
  return db;
}

export function closeDb(dbPath: string): void {
  open.get(dbPath)?.close();
  open.delete(dbPath);
}

function migrate(db: Db): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > migrations.length) {
    throw new CairnError(
      "internal:database",
      `The metadata database is at schema version ${version}, newer than this Cairn (${migrations.length}). Upgrade Cairn or use another CAIRN_DATA_DIR.`,
    );
  }
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  // Single-user default until accounts exist: one local user owning one default collection.
  db.transaction(() => {
    db.prepare("INSERT OR IGNORE INTO users (id, name) VALUES (?, ?)").run(LOCAL_USER_ID, "local");
    db.prepare("INSERT OR IGNORE INTO collections (id, name) VALUES (?, ?)").run(DEFAULT_COLLECTION_ID, "Default");
    db.prepare("INSERT OR IGNORE INTO collection_members (collection_id, user_id, role) VALUES (?, ?, 'owner')").run(
      DEFAULT_COLLECTION_ID,
      LOCAL_USER_ID,
    );
  }).immediate();
}
