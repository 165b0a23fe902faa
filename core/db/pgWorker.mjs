// The PostgreSQL side of core/db: a worker thread holding the connections. The main thread posts
// a request and blocks on Atomics.wait (core/db/postgres.ts), so the metadata API stays
// synchronous like better-sqlite3.
// Plain JS so it runs as it is under node, tsx, vitest and `next start` alike.
import pg from "pg";
import { workerData } from "node:worker_threads";

// BIGINT (ids, COUNT(*), epoch-ms heartbeats) and NUMERIC come back as JS numbers, as SQLite gives them.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** One connection per database URL; a broken one (server restarted, network) is replaced on the next call. */
const clients = new Map();
const broken = new Set();

async function connection(url) {
  const open = clients.get(url);
  if (open && !broken.has(open)) return open;
  clients.delete(url);
  if (open) await open.end().catch(() => {});
  const c = new pg.Client({
    connectionString: url,
    application_name: "cairn",
    // Every call blocks its caller's event loop: nothing may wait long on a lock.
    statement_timeout: 30_000,
    lock_timeout: 10_000,
    connectionTimeoutMillis: 10_000,
  });
  c.on("error", () => broken.add(c));
  await c.connect();
  clients.set(url, c);
  return c;
}

async function handle(/** @type {{ url: string; op: "query" | "exec" | "end"; sql?: string; params?: unknown[] }} */ req) {
  try {
    if (req.op === "end") {
      const c = clients.get(req.url);
      clients.delete(req.url);
      await c?.end().catch(() => {});
      return { rows: [], rowCount: 0 };
    }
    const c = await connection(req.url);
    // exec: the simple protocol, which runs several statements (migrations); query: one, with parameters.
    const r = req.op === "exec" ? await c.query(req.sql) : await c.query({ text: req.sql, values: req.params });
    const last = Array.isArray(r) ? r.at(-1) : r;
    return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
  } catch (e) {
    const err = /** @type {Error & { code?: string; detail?: string; constraint?: string }} */ (e);
    return { error: { message: err.message, code: err.code, detail: err.detail, constraint: err.constraint } };
  }
}

const flag = new Int32Array(workerData.flag);
/** @type {import("node:worker_threads").MessagePort} */
const port = workerData.port;
// One request at a time (the caller is blocked until it has the reply).
port.on("message", async ({ id, req }) => {
  const reply = await handle(req);
  port.postMessage({ id, reply });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
