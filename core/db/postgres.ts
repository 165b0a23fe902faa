// PostgreSQL behind the same synchronous interface as better-sqlite3 (prepare/run/get/all,
// transaction), so every query in ./queries.ts and every caller works on either engine.
// The connection lives in a worker thread (./pgWorker.mjs); a call blocks on Atomics.wait like a
// SQLite call blocks on its file (a loopback round trip instead of a file read).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { CairnError } from "@/core/errors";

type Reply = { rows: Record<string, unknown>[]; rowCount: number; error?: { message: string; code?: string; detail?: string; constraint?: string } };
type Request = { url: string; op: "query" | "exec" | "end"; sql?: string; params?: unknown[] };

function workerPath(): string {
  // Beside this file when run from source (tsx, vitest); from the app root when bundled by Next.
  const candidates: string[] = [];
  try {
    candidates.push(fileURLToPath(new URL("./pgWorker.mjs", import.meta.url)));
  } catch {
    // import.meta.url is not a file: URL inside a bundle
  }
  candidates.push(path.join(/*turbopackIgnore: true*/ process.cwd(), "core", "db", "pgWorker.mjs"));
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new CairnError("internal:database", `core/db/pgWorker.mjs not found (looked in ${candidates.join(", ")})`);
  return found;
}

// The synchronous bridge (what synckit does, in node:worker_threads only, so nothing needs
// bundling): post the request, Atomics.wait until the worker flips the flag, read its reply.
const CALL_TIMEOUT_MS = 120_000;
let bridge: { call: (req: Request) => Reply } | undefined;
function worker(): (req: Request) => Reply {
  if (!bridge) {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const w = new Worker(workerPath(), { workerData: { flag: flag.buffer, port: port2 }, transferList: [port2] });
    w.unref();
    port1.unref();
    let failed: Error | undefined;
    w.on("error", (e) => (failed = e));
    let seq = 0;
    bridge = {
      call(req) {
        if (failed) throw new CairnError("internal:database", `The PostgreSQL worker thread stopped: ${failed.message}`);
        const id = ++seq;
        Atomics.store(flag, 0, 0);
        port1.postMessage({ id, req });
        const deadline = Date.now() + CALL_TIMEOUT_MS;
        for (;;) {
          const msg = receiveMessageOnPort(port1)?.message as { id: number; reply: Reply } | undefined;
          if (msg?.id === id) return msg.reply;
          if (msg) continue; // a reply to a call that timed out
          if (Date.now() > deadline) throw new CairnError("internal:database", `PostgreSQL did not answer in ${CALL_TIMEOUT_MS / 1000} s.`);
          Atomics.wait(flag, 0, 0, 50);
          Atomics.store(flag, 0, 0);
        }
      },
    };
  }
  return bridge.call;
}

/** A PostgreSQL error, with its SQLSTATE (e.g. 23505 unique violation) as `code`. */
export class PgError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly detail?: string,
    readonly constraint?: string,
  ) {
    super(message);
    this.name = "PgError";
  }
}

const NOW_SQLITE = /strftime\('%Y-%m-%dT%H:%M:%fZ',\s*'now'\)/g;
// The same ISO text SQLite writes (UTC, milliseconds), so timestamps sort and parse alike.
const NOW_PG = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * SQLite's dialect as queries.ts writes it → PostgreSQL: `?` and `@name` → `$n` (outside
 * quotes), camelCase aliases quoted (PG folds unquoted names to lower case), SQLite's
 * ISO-timestamp strftime → to_char.
 */
export function translateQuery(sql: string): { text: string; names: string[] | null } {
  const src = sql.replace(NOW_SQLITE, NOW_PG);
  let out = "";
  let n = 0;
  const names: string[] = [];
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === "'" || ch === '"') {
      const end = src.indexOf(ch, i + 1);
      const stop = end < 0 ? src.length : end + 1;
      out += src.slice(i, stop);
      i = stop - 1;
    } else if (ch === "?") {
      out += `$${++n}`;
    } else if (ch === "@" && /[A-Za-z_]/.test(src[i + 1] ?? "")) {
      const name = /^[A-Za-z_]\w*/.exec(src.slice(i + 1))![0];
      let at = names.indexOf(name);
      if (at < 0) at = names.push(name) - 1;
      out += `$${at + 1}`;
      i += name.length;
    } else {
      out += ch;
    }
  }
  out = out
    .replace(/\bAS\s+([a-z_]\w*[A-Z]\w*)\b/g, 'AS "$1"')
    // SQLite's IS / IS NOT compare any values null-safely; PostgreSQL's only booleans.
    .replace(/\bIS\s+NOT\s+(\$\d+)/gi, "IS DISTINCT FROM $1")
    .replace(/\bIS\s+(\$\d+)/gi, "IS NOT DISTINCT FROM $1");
  return { text: out, names: names.length ? names : null };
}

const INSERT_OR = /^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*\(([^)]*)\)/i;

/**
 * SQLite's INSERT OR IGNORE / OR REPLACE → ON CONFLICT DO NOTHING / DO UPDATE on the table's
 * primary key (OR REPLACE there also replaces rows clashing on another unique index; on PG
 * those still fail).
 */
export function translateInsertOr(text: string, primaryKey: (table: string) => string[]): string {
  const m = INSERT_OR.exec(text);
  if (!m) return text;
  const [head, how, table, colList] = m;
  const cols = colList.split(",").map((c) => c.trim());
  let clause = " ON CONFLICT DO NOTHING";
  if (how.toUpperCase() === "REPLACE") {
    const pk = primaryKey(table);
    const rest = cols.filter((c) => !pk.includes(c));
    clause = ` ON CONFLICT (${pk.join(", ")}) ${rest.length ? `DO UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(", ")}` : "DO NOTHING"}`;
  }
  let body = `INSERT INTO ${table} (${colList})` + text.slice(head.length);
  const returning = /\bRETURNING\b/i.exec(body);
  body = returning ? body.slice(0, returning.index) + clause.trimStart() + " " + body.slice(returning.index) : body.replace(/[\s;]*$/, "") + clause;
  return body;
}

/** A migration's SQLite DDL → PostgreSQL: 64-bit integers (SQLite's INTEGER is 64-bit), identity ids. */
export function translateDdl(sql: string): string {
  return sql
    .replace(NOW_SQLITE, NOW_PG)
    .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
    .replace(/\bINTEGER\b/g, "BIGINT");
}

type RunResult = { changes: number; lastInsertRowid: number };

class PgStatement {
  private readonly text: string;
  private readonly names: string[] | null;
  constructor(
    private readonly db: PgDb,
    sql: string,
  ) {
    const t = translateQuery(sql);
    this.text = translateInsertOr(t.text, (table) => db.primaryKey(table));
    this.names = t.names;
  }
  private params(args: unknown[]): unknown[] {
    if (this.names) {
      const obj = (args[0] ?? {}) as Record<string, unknown>;
      return this.names.map((k) => obj[k] ?? null);
    }
    return args.map((a) => (a === undefined ? null : a));
  }
  run(...args: unknown[]): RunResult {
    const r = this.db.query(this.text, this.params(args));
    return { changes: r.rowCount, lastInsertRowid: 0 };
  }
  get(...args: unknown[]): unknown {
    return this.db.query(this.text, this.params(args)).rows[0];
  }
  all(...args: unknown[]): unknown[] {
    return this.db.query(this.text, this.params(args)).rows;
  }
}

/** The subset of better-sqlite3's Database that Cairn uses, over one PostgreSQL connection. */
export class PgDb {
  readonly dialect = "postgres";
  open = true;
  private depth = 0;
  private readonly statements = new Map<string, PgStatement>();
  constructor(readonly url: string) {}

  query(text: string, params?: unknown[]): Reply {
    if (!this.open) throw new CairnError("internal:database", "The PostgreSQL connection is closed.");
    const r = worker()({ url: this.url, op: params ? "query" : "exec", sql: text, params });
    if (r.error) throw new PgError(r.error.message, r.error.code, r.error.detail, r.error.constraint);
    return r;
  }

  prepare(sql: string): PgStatement {
    let s = this.statements.get(sql);
    if (!s) {
      s = new PgStatement(this, sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  private readonly primaryKeys = new Map<string, string[]>();
  primaryKey(table: string): string[] {
    let pk = this.primaryKeys.get(table);
    if (!pk) {
      const rows = this.query(
        `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
        [table],
      ).rows as { name: string }[];
      if (rows.length === 0) throw new CairnError("internal:database", `INSERT OR REPLACE into ${table}, which has no primary key in PostgreSQL.`);
      pk = rows.map((r) => r.name);
      this.primaryKeys.set(table, pk);
    }
    return pk;
  }

  exec(sql: string): this {
    this.query(sql);
    return this;
  }

  pragma(): never {
    throw new CairnError("internal:database", "PRAGMA is SQLite's; this database is PostgreSQL.");
  }

  /** Like better-sqlite3's: the function runs in BEGIN…COMMIT (a SAVEPOINT when nested), rolled back on throw. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R) {
    const run = (...args: A): R => {
      const savepoint = this.depth > 0 ? `cairn_sp${this.depth}` : null;
      this.exec(savepoint ? `SAVEPOINT ${savepoint}` : "BEGIN");
      this.depth++;
      let result: R;
      try {
        result = fn(...args);
        if (result instanceof Promise) throw new TypeError("Transaction function cannot return a promise");
      } catch (e) {
        this.depth--;
        try {
          this.exec(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : "ROLLBACK");
        } catch {
          // the connection is gone; the server rolled back already
        }
        throw e;
      }
      this.depth--;
      this.exec(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : "COMMIT");
      return result;
    };
    return Object.assign(run, { default: run, deferred: run, immediate: run, exclusive: run });
  }

  close(): void {
    if (!this.open) return;
    worker()({ url: this.url, op: "end" });
    this.open = false;
  }
}
