import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { makeTinyGguf } from "../models/helpers/makeGguf";
import { ApiClient, loadApiRoutes, multipart, type ApiRoute } from "../../utils/apiClient";

// Accounts on (CAIRN_ACCOUNTS=on), through the real route handlers with real SQLite and LanceDB:
// every route under app/api is a 401 logged out (but login, logout, me, health), sessions and
// API keys, login limits, the Origin check, admin-only routes, readers who cannot write, the
// audit log, and hostile input. The store needs an embedder's width only: a tiny GGUF, no model.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "eng10-accounts-"));
const embedderFile = path.join(dataDir, "tiny-embedder.gguf");
fs.writeFileSync(embedderFile, makeTinyGguf({ architecture: "bert", name: "tiny embedder", embeddingLength: 8 }));
Object.assign(process.env, { CAIRN_DATA_DIR: dataDir, CAIRN_EMBED_MODEL: embedderFile, CAIRN_ACCOUNTS: "on", CAIRN_RATE_LIMIT_PER_MIN: "400" });

const { openDb } = await import("@/core/db");
const { config } = await import("@/core/config");
const { getDocument, listAudit } = await import("@/core/db/queries");
const accounts = await import("@/lib/accounts");
const { getVectorStore } = await import("@/lib/store");

const db = () => openDb(config().dbPath);
const PW = "correct horse battery";
let routes: ApiRoute[];
const anon = (ip = "10.9.9.9") => new ApiClient(routes, { ip });
async function as(name: string, ip?: string): Promise<ApiClient> {
  const c = new ApiClient(routes, { ip: ip ?? `10.1.0.${name.length}` });
  const res = await c.login(name, PW);
  expect(res.status, `login ${name}`).toBe(200);
  return c;
}
const ids: Record<string, string> = {};

beforeAll(async () => {
  routes = await loadApiRoutes();
  for (const [name, isAdmin] of [["root", true], ["alice", false], ["bob", false], ["carol", false], ["erin", false], ["flood", false], ["dave2", false]] as const) {
    ids[name] = (await accounts.createUser({ name, password: PW, isAdmin }, null)).id;
  }
  accounts.createCollection(null, { id: "alpha", name: "Alpha" });
  accounts.createCollection(null, { id: "bravo", name: "Bravo" });
  accounts.grantMembership(null, "alpha", ids.alice, "editor");
  accounts.grantMembership(null, "alpha", ids.carol, "reader");
  accounts.grantMembership(null, "bravo", ids.bob, "editor");
});

afterAll(async () => {
  (await getVectorStore()).close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const PUBLIC = ["GET /api/auth/me", "GET /api/health", "POST /api/auth/login", "POST /api/auth/logout"];

/** A URL for a route file with plausible values in its dynamic segments. */
const concrete = (r: ApiRoute) =>
  r.path.replace(/\[\.\.\.[^\]]+\]/g, "build/pdf.worker.min.mjs").replace(/\[[^\]]+\]/g, "0b7e3d2c-1111-4a2b-8c3d-000000000001");

describe("logged out", () => {
  test("every route under app/api is a 401 with no data, except login, logout, me and health", async () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const seen: string[] = [];
    for (const r of routes) {
      for (const m of r.methods) {
        const key = `${m} ${r.path}`;
        seen.push(key);
        if (PUBLIC.includes(key)) continue;
        for (const client of [anon(), new ApiClient(routes, { headers: { cookie: "cairn_session=forged" } })]) {
          const res = await client.fetch(m, concrete(r), m === "GET" || m === "DELETE" ? {} : { json: {} });
          expect(res.status, key).toBe(401);
          expect(await res.json(), key).toEqual({ error: { code: "unauthorized:auth", message: "Please log in." } });
        }
      }
    }
    expect(seen).toEqual(expect.arrayContaining(PUBLIC));
    expect((await anon().get("/api/health")).status).toBe(200);
    expect(await (await anon().get("/api/auth/me")).json()).toEqual({ accounts: true, user: null, collections: [], writable: [] });
    // A made-up API key is refused with its own message; another scheme (a proxy's Basic auth) is ignored.
    const madeUp = await new ApiClient(routes, { bearer: "cairn_madeup" }).get("/api/documents");
    expect(madeUp.status).toBe(401);
    expect((await madeUp.json()).error.message).toMatch(/unknown or revoked/);
    expect((await new ApiClient(routes, { headers: { authorization: "Basic YTpi" } }).get("/api/documents")).status).toBe(401);
    expect((await new ApiClient(routes, { headers: { authorization: "Basic YTpi" } }).get("/api/health")).status).toBe(200);
  });
});

describe("login, sessions, logout", () => {
  test("a login sets an httpOnly SameSite=Strict cookie holding a token only its hash is stored of", async () => {
    const c = anon();
    const res = await c.login("alice", PW);
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^cairn_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=(4319\d|43200)$/);
    const token = c.cookies.get("cairn_session")!;
    const stored = db().prepare("SELECT token_hash AS h FROM sessions").all() as { h: string }[];
    expect(stored.some((s) => s.h === token)).toBe(false);
    expect(await (await c.get("/api/auth/me")).json()).toMatchObject({ user: { name: "alice", isAdmin: false }, collections: [{ id: "alpha", role: "editor" }], writable: ["alpha"] });
    // Over HTTPS (a reverse proxy says so) the cookie is Secure too.
    const https = await anon().post("/api/auth/login", { name: "alice", password: PW }, { "x-forwarded-proto": "https" });
    expect(https.headers.get("set-cookie")).toMatch(/; Secure$/);
  });

  test("wrong password and unknown user get the same answer; the password hash is scrypt", async () => {
    const wrong = await anon("10.2.0.1").login("bob", "not the password");
    const unknown = await anon("10.2.0.2").login("nobody-here", "not the password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    const { h } = db().prepare("SELECT password_hash AS h FROM users WHERE name = 'bob'").get() as { h: string };
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(h).not.toContain(PW);
  });

  test("logout ends the session on the server: the old cookie no longer works", async () => {
    const c = await as("alice");
    const token = c.cookies.get("cairn_session")!;
    expect((await c.get("/api/documents")).status).toBe(200);
    const out = await c.post("/api/auth/logout");
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^cairn_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
    const replay = new ApiClient(routes, { headers: { cookie: `cairn_session=${token}` } });
    expect((await replay.get("/api/documents")).status).toBe(401);
  });

  test("changing my own password needs the current one, ends my other sessions and keeps this one", async () => {
    const here = await as("dave2");
    const elsewhere = await as("dave2");
    expect((await here.post("/api/auth/password", { current: "wrong password", next: "a brand new secret" })).status).toBe(403);
    expect((await here.post("/api/auth/password", { current: PW, next: "short" })).status).toBe(400);
    const ok = await here.post("/api/auth/password", { current: PW, next: "a brand new secret" });
    expect(ok.status).toBe(204);
    expect((await here.get("/api/chats")).status).toBe(200);
    expect((await elsewhere.get("/api/chats")).status).toBe(401);
    expect((await anon().login("dave2", PW)).status).toBe(401);
    expect((await anon().login("dave2", "a brand new secret")).status).toBe(200);
  });

  test("an expired session is a 401", async () => {
    const c = await as("alice");
    expect((await c.get("/api/chats")).status).toBe(200);
    db().prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?").run(Date.now() - 1, ids.alice);
    expect((await c.get("/api/chats")).status).toBe(401);
  });

  test("five wrong passwords lock that user name for everyone, even with the right password then", async () => {
    const name = "erin";
    for (let i = 0; i < 5; i++) expect((await anon(`10.3.0.${i}`).login(name, "guess " + i)).status).toBe(401);
    const locked = await anon("10.3.1.1").login(name, PW);
    expect(locked.status).toBe(429);
    expect((await locked.json()).error.code).toBe("rate_limit:auth");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(listAudit(db(), 50).some((a) => a.action === "login.rate_limited")).toBe(true);
  });

  test("twenty failures from one address lock that address, whichever names it tries", async () => {
    for (let i = 0; i < 20; i++) expect((await anon("10.4.0.1").login(`spray${i}`, "x")).status).toBe(401);
    expect((await anon("10.4.0.1").login("bob", PW)).status).toBe(429);
    expect((await anon("10.4.0.2").login("bob", PW)).status).toBe(200);
  });
});

describe("CSRF: state-changing requests must come from this origin", () => {
  test("another site's Origin or Sec-Fetch-Site: cross-site is a 403 and changes nothing; this origin passes", async () => {
    const alice = await as("alice");
    const upload = multipart([{ name: "csrf.txt", body: "planted by another site" }]);
    const foreign: Record<string, string>[] = [{ origin: "http://evil.example" }, { origin: "null" }, { "sec-fetch-site": "cross-site" }];
    for (const headers of foreign) {
      const res = await alice.fetch("POST", "/api/documents?collection=alpha", { body: upload.body, headers: { ...upload.headers, ...headers } });
      expect(res.status).toBe(403);
      expect((await res.json()).error.reason).toBe("csrf");
    }
    // Logging someone in from another site (login CSRF) is refused too.
    expect((await anon().post("/api/auth/login", { name: "alice", password: PW }, { origin: "http://evil.example" })).status).toBe(403);
    const docs = (await (await alice.get("/api/documents")).json()).documents as { name: string }[];
    expect(docs.map((d) => d.name)).not.toContain("csrf.txt");
    const same = await alice.fetch("POST", "/api/documents?collection=alpha", { body: upload.body, headers: { ...upload.headers, origin: "http://127.0.0.1:3100" } });
    expect(same.status).toBe(202);
  });
});

describe("roles", () => {
  test("a reader can list but not upload or delete; a member of another collection cannot even see it", async () => {
    const alice = await as("alice");
    const up = multipart([{ name: "alpha-plan.txt", body: "Alpha plan: launch code ORCHID-4471." }]);
    const res = await alice.fetch("POST", "/api/documents?collection=alpha", { body: up.body, headers: up.headers });
    expect(res.status).toBe(202);
    const docId = (await res.json()).results[0].document.id as string;

    const carol = await as("carol", "10.5.0.1");
    const readerUpload = multipart([{ name: "reader.txt", body: "a reader tries to write" }]);
    const refused = await carol.fetch("POST", "/api/documents?collection=alpha", { body: readerUpload.body, headers: readerUpload.headers });
    expect(refused.status).toBe(400);
    expect((await refused.json()).results[0].error.code).toBe("forbidden:document");
    const del = await carol.delete(`/api/documents/${docId}`);
    expect(del.status).toBe(403);
    expect(getDocument(db(), docId)).toBeDefined();
    expect(((await (await carol.get("/api/documents")).json()).documents as { id: string }[]).map((d) => d.id)).toContain(docId);

    const bob = await as("bob");
    expect(((await (await bob.get("/api/documents")).json()).documents as { id: string }[]).map((d) => d.id)).not.toContain(docId);
    for (const url of [`/api/documents/${docId}`, `/api/documents/${docId}/file`, `/api/passages/${docId}?page=1`]) {
      const r = await bob.get(url);
      expect(r.status, url).toBe(404);
      const text = await r.text();
      expect(text).not.toContain("ORCHID");
      expect(text).not.toContain("alpha-plan");
    }
    expect((await bob.delete(`/api/documents/${docId}`)).status).toBe(404);
    const bobUpload = multipart([{ name: "intrude.txt", body: "bob writes into alpha" }]);
    expect((await (await bob.fetch("POST", "/api/documents?collection=alpha", { body: bobUpload.body, headers: bobUpload.headers })).json()).results[0].error.code).toBe(
      "not_found:document",
    );
    expect(getDocument(db(), docId)).toBeDefined();
  });

  test("admin routes are 403 for a non-admin; an admin manages users, collections and memberships, all audited", async () => {
    const bob = await as("bob");
    for (const [m, url, json] of [
      ["GET", "/api/admin", undefined],
      ["GET", "/api/admin/audit", undefined],
      ["POST", "/api/admin/users", { name: "mallory", password: PW, isAdmin: true }],
      ["POST", "/api/admin/collections", { id: "mine", name: "Mine" }],
      ["PUT", "/api/admin/memberships", { collectionId: "alpha", userId: ids.bob, role: "owner" }],
      ["PATCH", `/api/admin/users/${ids.bob}`, { isAdmin: true }],
    ] as const) {
      const res = await bob.fetch(m, url, json === undefined ? {} : { json });
      expect(res.status, `${m} ${url}`).toBe(403);
    }
    expect(accounts.userByName("mallory")).toBeUndefined();
    expect(accounts.userByName("bob")!.isAdmin).toBe(false);

    const root = await as("root");
    const overview = await (await root.get("/api/admin")).json();
    expect(overview.users.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(["alice", "bob", "root"]));
    const created = await root.fetch("POST", "/api/admin/users", { json: { name: "dave", password: PW } });
    expect(created.status).toBe(201);
    const daveId = (await created.json()).user.id as string;
    expect((await root.fetch("POST", "/api/admin/collections", { json: { id: "delta", name: "Delta" } })).status).toBe(201);
    expect((await root.fetch("PUT", "/api/admin/memberships", { json: { collectionId: "delta", userId: daveId, role: "reader" } })).status).toBe(204);
    const dave = await as("dave");
    expect((await (await dave.get("/api/auth/me")).json()).collections).toEqual([{ id: "delta", name: "Delta", role: "reader" }]);
    // Disabling a user ends their sessions at once.
    expect((await root.fetch("PATCH", `/api/admin/users/${daveId}`, { json: { disabled: true } })).status).toBe(200);
    expect((await dave.get("/api/documents")).status).toBe(401);
    expect((await as("root")).cookies.size).toBe(1);
    // An admin cannot lock themselves out.
    expect((await root.fetch("PATCH", `/api/admin/users/${ids.root}`, { json: { isAdmin: false } })).status).toBe(400);

    const actions = ((await (await root.get("/api/admin/audit")).json()).entries as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["login", "login.failed", "logout", "user.create", "collection.create", "membership.set", "user.update", "document.upload"]));
  });

  test("model management (download, import, remove, switch) is admin-only with accounts on; listing is for any user", async () => {
    const bob = await as("bob");
    expect((await bob.get("/api/models")).status).toBe(200);
    expect((await (await bob.get("/api/models")).json()).canManage).toBe(false);
    const m = multipart([{ name: "x.gguf", body: "GGUF" }]);
    for (const [method, url, init] of [
      ["POST", "/api/models/downloads", { json: { defaults: true } }],
      ["POST", "/api/models/downloads", { json: { name: "qwen2.5-1.5b-instruct-q4_k_m" } }],
      ["DELETE", "/api/models/downloads/qwen2.5-1.5b-instruct-q4_k_m", {}],
      ["DELETE", "/api/models/tiny-embedder", {}],
      ["POST", "/api/models/selection", { json: { role: "embedder", name: "tiny-embedder" } }],
      ["POST", "/api/models/import?role=embedder", { body: m.body, headers: m.headers }],
    ] as const) {
      const res = await bob.fetch(method, url, init);
      expect(res.status, `${method} ${url}`).toBe(403);
      expect((await res.json()).error.code, url).toBe("forbidden:model");
    }
    expect((await (await (await as("root")).get("/api/models")).json()).canManage).toBe(true);
  });

  test("an admin reads every collection", async () => {
    const root = await as("root");
    const me = await (await root.get("/api/auth/me")).json();
    expect(me.user.isAdmin).toBe(true);
    expect(me.collections.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(["alpha", "bravo", "default"]));
  });
});

describe("API keys", () => {
  test("a key works as its user until revoked; only its hash is stored; another user cannot revoke it", async () => {
    const alice = await as("alice");
    const made = await alice.post("/api/auth/keys", { name: "script" });
    expect(made.status).toBe(201);
    const { key, apiKey } = (await made.json()) as { key: string; apiKey: { id: string } };
    expect(key).toMatch(/^cairn_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(db().prepare("SELECT * FROM api_keys").all())).not.toContain(key);
    const script = new ApiClient(routes, { bearer: key });
    expect(await (await script.get("/api/auth/me")).json()).toMatchObject({ user: { name: "alice" } });
    expect((await script.get("/api/documents")).status).toBe(200);
    // A key sent from a browser of another site is still CSRF-checked.
    expect((await new ApiClient(routes, { bearer: key, origin: "http://evil.example" }).delete(`/api/documents/${randomUUID()}`)).status).toBe(403);

    const bob = await as("bob");
    expect((await bob.delete(`/api/auth/keys/${apiKey.id}`)).status).toBe(404);
    expect((await script.get("/api/documents")).status).toBe(200);
    expect(((await (await bob.get("/api/auth/keys")).json()).keys as unknown[]).length).toBe(0);
    expect((await alice.delete(`/api/auth/keys/${apiKey.id}`)).status).toBe(204);
    expect((await script.get("/api/documents")).status).toBe(401);
  });
});

describe("hostile input: a clear 4xx, and the store stays as it was", () => {
  test("oversized, malformed, unexpected fields, injection, traversal, very long questions", async () => {
    const alice = await as("alice");
    const before = ((await (await alice.get("/api/documents")).json()).documents as { id: string }[]).map((d) => d.id);
    const cases: [string, string, { body?: string; json?: unknown; headers?: Record<string, string> }, number][] = [
      ["POST", "/api/auth/login", { body: JSON.stringify({ name: "alice", password: "x".repeat(10_000) }), headers: { "content-type": "application/json" } }, 413],
      ["POST", "/api/auth/login", { body: "{not json", headers: { "content-type": "application/json" } }, 400],
      ["POST", "/api/auth/login", { json: { name: "alice", password: PW, isAdmin: true } }, 400],
      ["POST", "/api/ask", { body: "{", headers: { "content-type": "application/json" } }, 400],
      ["POST", "/api/ask", { json: { question: "q".repeat(2001) } }, 400],
      ["POST", "/api/ask", { json: { question: "x" + "y".repeat(70_000) } }, 413],
      ["POST", "/api/ask", { json: { question: "what?", collections: ["alpha' OR '1'='1"] } }, 400],
      ["GET", "/api/search?q=launch&collection=" + encodeURIComponent("alpha') OR (1=1"), {}, 400],
      ["GET", "/api/search?q=" + "w".repeat(501), {}, 400],
      ["POST", "/api/documents?collection=" + encodeURIComponent("alpha'--"), { body: "x" }, 400],
      ["GET", "/api/documents/" + encodeURIComponent("../../cairn.db") + "/file", {}, 400],
      ["GET", "/api/pdfjs/" + encodeURIComponent("../../../package.json"), {}, 404],
      ["GET", "/api/pdfjs/build/..%2F..%2Fpackage.json", {}, 404],
      ["GET", "/api/passages/..%2F..%2Fcairn.db?page=1", {}, 400],
      ["GET", "/api/chats/" + encodeURIComponent("' OR 1=1 --"), {}, 400],
      ["POST", "/api/admin/collections", { json: { id: "x'); DROP TABLE documents; --", name: "x" } }, 400],
      ["POST", "/api/auth/keys", { json: { name: "k", scopes: ["all"] } }, 400],
    ];
    for (const [m, url, init, status] of cases) {
      const res = await alice.fetch(m, url, init);
      expect(res.status, `${m} ${url.slice(0, 80)}`).toBe(status);
      const body = await res.json();
      expect(body.error.message.length, url).toBeGreaterThan(5);
      expect(JSON.stringify(body)).not.toMatch(/\/tmp\/|at .*\.ts:\d+/);
    }
    const root = await as("root");
    const inject = await root.fetch("POST", "/api/admin/collections", { json: { id: "x'); DROP TABLE documents; --", name: "x" } });
    expect(inject.status).toBe(400);
    const weird = await root.fetch("POST", "/api/admin/collections", { json: { id: "quotes", name: "Robert'); DROP TABLE documents; --" } });
    expect(weird.status).toBe(201);
    expect(((await (await root.get("/api/admin")).json()).collections as { name: string }[]).map((c) => c.name)).toContain("Robert'); DROP TABLE documents; --");
    const after = ((await (await alice.get("/api/documents")).json()).documents as { id: string }[]).map((d) => d.id);
    expect(after).toEqual(before);
  });

  test("2,000 requests at once from one user: 429 past the per-minute limit, nothing else, and other users are unaffected", async () => {
    const flood = await as("flood");
    const statuses = await Promise.all(Array.from({ length: 2000 }, () => flood.get("/api/chats").then((r) => r.status)));
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(400);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1600);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    const limited = await flood.get("/api/chats");
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe("rate_limit:api");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await (await as("bob")).get("/api/chats")).status).toBe(200);
  });
});

describe("intranet mode", () => {
  // A fresh data dir stands for a fresh install: its own SQLite, even when this suite runs on PostgreSQL.
  const check = (env: Record<string, string>, fresh = false) =>
    spawnSync(process.execPath, ["--import", "tsx", "lib/adminCli.ts", "check-listen"], {
      cwd: path.resolve(import.meta.dirname, "../../.."),
      env: { ...process.env, ...(fresh ? { CAIRN_DATABASE_URL: undefined } : {}), ...env },
      encoding: "utf8",
    });

  test("CAIRN_HOST=0.0.0.0 refuses without accounts, and with accounts but no admin; starts with both", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "eng10-listen-"));
    const off = check({ CAIRN_HOST: "0.0.0.0", CAIRN_ACCOUNTS: "off", CAIRN_DATA_DIR: dataDir });
    expect(off.status).toBe(1);
    expect(off.stderr).toMatch(/CAIRN_ACCOUNTS=on/);
    const noAdmin = check({ CAIRN_HOST: "0.0.0.0", CAIRN_ACCOUNTS: "on", CAIRN_DATA_DIR: empty }, true);
    expect(noAdmin.status).toBe(1);
    expect(noAdmin.stderr).toMatch(/npm run admin -- create/);
    expect(check({ CAIRN_HOST: "0.0.0.0", CAIRN_ACCOUNTS: "on", CAIRN_DATA_DIR: dataDir }).status).toBe(0);
    expect(check({ CAIRN_HOST: "127.0.0.1", CAIRN_ACCOUNTS: "off", CAIRN_DATA_DIR: empty }, true).status).toBe(0);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
