import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { CairnError } from "@/core/errors";
import { PgDb, translateDdl } from "./postgres";
import { DEFAULT_COLLECTION_ID, LOCAL_USER_ID, migrations, migrationSql } from "./schema";

// Either engine behind better-sqlite3's synchronous interface: SQLite (a file path) or
// PostgreSQL (a postgres:// URL, from CAIRN_DATABASE_URL), the same queries for both.
export type Db = Database.Database;

const open = new Map<string, Db>();

export const isPostgresUrl = (target: string) => /^postgres(ql)?:\/\//i.test(target);

/** True for a PostgreSQL database: the few queries that differ (FTS, row locks) branch on it. */
export function isPostgres(db: Db): boolean {
  return (db as unknown) instanceof PgDb;
}

/** One connection per file or URL per process; SQLite in WAL so the web app reads while the worker writes. */
export function openDb(dbPath: string): Db {
  const existing = open.get(dbPath);
  if (existing?.open) return existing;
  if (isPostgresUrl(dbPath)) {
    const db = new PgDb(dbPath) as unknown as Db;
    migratePostgres(db);
    open.set(dbPath, db);
    return db;
  }
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

function tooNew(version: number): CairnError {
  return new CairnError(
    "internal:database",
    `The metadata database is at schema version ${version}, newer than this Cairn (${migrations.length}). Upgrade Cairn or use another CAIRN_DATA_DIR (or CAIRN_DATABASE_URL).`,
  );
}

function migrate(db: Db): void {
  for (let done = false; !done; ) {
    done = db.transaction(() => {
      // Read under the write lock: the web app, the worker and the admin CLI opening a new
      // database together would otherwise each apply the same migration ("duplicate column").
      const version = db.pragma("user_version", { simple: true }) as number;
      if (version > migrations.length) throw tooNew(version);
      if (version === migrations.length) return true;
      db.exec(migrationSql(migrations[version], "sqlite"));
      db.pragma(`user_version = ${version + 1}`);
      return false;
    }).immediate();
  }
  seed(db);
}

/**
 * The version lives in a one-row table (PG has no user_version). Everything runs in one
 * transaction under an advisory lock, so web replicas and workers starting together migrate once.
 */
function migratePostgres(db: Db): void {
  db.transaction(() => {
    db.prepare("SELECT pg_advisory_xact_lock(7011970)").get();
    db.exec("CREATE TABLE IF NOT EXISTS cairn_schema_version (version INTEGER NOT NULL)");
    const row = db.prepare("SELECT version FROM cairn_schema_version").get() as { version: number } | undefined;
    const version = row?.version ?? 0;
    if (!row) db.prepare("INSERT INTO cairn_schema_version (version) VALUES (0)").run();
    if (version > migrations.length) throw tooNew(version);
    for (let v = version; v < migrations.length; v++) {
      db.exec(translateDdl(migrationSql(migrations[v], "postgres")));
      db.prepare("UPDATE cairn_schema_version SET version = ?").run(v + 1);
    }
    seed(db);
  })();
}

// Single-user default until accounts exist: one local user owning one default collection.
function seed(db: Db): void {
  db.transaction(() => {
    db.prepare("INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING").run(LOCAL_USER_ID, "local");
    db.prepare("INSERT INTO collections (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING").run(DEFAULT_COLLECTION_ID, "Default");
    db.prepare("INSERT INTO collection_members (collection_id, user_id, role) VALUES (?, ?, 'owner') ON CONFLICT DO NOTHING").run(
      DEFAULT_COLLECTION_ID,
      LOCAL_USER_ID,
    );
  }).immediate();
}
