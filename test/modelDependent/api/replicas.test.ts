import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { root } from "../../../scripts/lib.mjs";
import { startPostgres, type PostgresCluster } from "../../../scripts/postgres.mjs";
import { startCairn, type RunningCairn } from "../../browser/utils/cairn";
import { startMoto, type Moto } from "../../utils/moto";
import { testModelPaths } from "../testModels";

// The grown layout on one machine: vectors in S3 (moto's server on loopback), two web replicas
// (`next start` on two ports) and two workers, all sharing one metadata store and one uploads
// folder. Proves (1) a worker indexes into S3-backed LanceDB and the web app searches and
// answers from it, nothing written to a local vector folder; (2) an upload through one replica
// is searchable and answerable through the other, and sessions, API keys and chats work on both.
// Metadata in PostgreSQL (Debian's server, a throw-away cluster: scripts/postgres.mjs); the uploaded
// files in the shared data dir, which is what still ties the replicas to one machine (or NFS).

const PW = "correct horse battery";
const BUCKET = "cairn-replicas";
const DOCS = {
  a: { file: "heron-vault.txt", text: "Project Heron vault notes.\n\nThe combination of the Heron archive vault is 4417-QUARTZ-9. It is changed every spring by the facilities manager." },
  b: { file: "kestrel-pump.txt", text: "Kestrel pumping station log.\n\nThe Kestrel pumping station's backup generator runs on biodiesel and is tested every Tuesday at 06:15." },
};

let moto: Moto;
let pg: PostgresCluster;
let dataDir: string;
let env: Record<string, string>;
let A: RunningCairn;
let B: RunningCairn;
const cookie: Record<"A" | "B", string> = { A: "", B: "" };

function admin(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "lib/adminCli.ts", ...args], { cwd: root, env: { ...process.env, ...env }, input: `${PW}\n`, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`admin ${args.join(" ")}: ${r.stderr}`);
}

async function login(app: RunningCairn): Promise<string> {
  const res = await fetch(`${app.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "alice", password: PW }) });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie()[0]!.split(";")[0]!;
}

async function upload(app: RunningCairn, c: string, doc: { file: string; text: string }): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([doc.text]), doc.file);
  const res = await fetch(`${app.url}/api/documents?collection=alpha`, { method: "POST", headers: { cookie: c }, body: form });
  expect(res.status).toBe(202);
  return ((await res.json()) as { results: { document: { id: string } }[] }).results[0]!.document.id;
}

async function waitIndexed(app: RunningCairn, c: string, id: string) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const docs = ((await (await fetch(`${app.url}/api/documents`, { headers: { cookie: c } })).json()) as { documents: { id: string; status: string; errorMessage?: string }[] }).documents;
    const d = docs.find((x) => x.id === id);
    if (d?.status === "indexed") return;
    if (d?.status === "failed") throw new Error(`document ${id} failed: ${d.errorMessage}\n${A.logs().slice(-3000)}\n${B.logs().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`document ${id} not indexed in 300 s:\n${A.logs().slice(-3000)}\n${B.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function search(app: RunningCairn, auth: Record<string, string>, q: string) {
  const res = await fetch(`${app.url}/api/search?q=${encodeURIComponent(q)}`, { headers: auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { fileName: string; text: string }[] }).results;
}

async function newKey(app: RunningCairn, c: string): Promise<string> {
  const res = await fetch(`${app.url}/api/auth/keys`, { method: "POST", headers: { cookie: c, "content-type": "application/json" }, body: JSON.stringify({ name: `key via ${app.url}` }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

type CairnExt = { retrieval: boolean; refusal: { reason: string } | null; citations: { file: string }[] };

/** A /v1 answer through `app` with `key`: retrieval found the document's passage, and every citation is that file. */
async function expectAnswerable(app: RunningCairn, key: string, question: string, file: string) {
  const client = new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0, timeout: 240_000 });
  const r = await client.chat.completions.create({ model: "cairn", messages: [{ role: "user", content: question }], max_tokens: 48 });
  const cairn = (r as unknown as { cairn: CairnExt }).cairn;
  expect(cairn.retrieval).toBe(true);
  expect(cairn.refusal?.reason).not.toBe("no_relevant_passages");
  for (const c of cairn.citations) expect(c.file).toBe(file);
}

async function freePortsIn(from: number, to: number, n: number): Promise<(number | undefined)[]> {
  const free: number[] = [];
  for (let p = from; p <= to && free.length < n; p++)
    if (await new Promise<boolean>((resolve) => { const s = net.createServer().once("error", () => resolve(false)); s.listen(p, "127.0.0.1", () => s.close(() => resolve(true))); })) free.push(p);
  return Array.from({ length: n }, (_, i) => free[i]);
}

/** Objects under the store's prefix in the bucket (moto's ListObjectsV2). */
async function bucketKeys(prefix: string): Promise<string[]> {
  const xml = await (await fetch(`${moto.endpoint}/${BUCKET}?list-type=2&prefix=${encodeURIComponent(prefix)}&max-keys=1000`)).text();
  return [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  moto = await startMoto();
  await moto.createBucket(BUCKET);
  pg = await startPostgres({ dirPrefix: "/tmp/h13s3-pg-" });
  const databaseUrl = await pg.createDatabase("replicas");
  dataDir = fs.mkdtempSync("/tmp/h13s3-replicas-");
  const models = testModelPaths();
  env = {
    CAIRN_DATA_DIR: dataDir,
    CAIRN_ACCOUNTS: "on",
    CAIRN_LANCEDB_URI: `s3://${BUCKET}/library`,
    ...moto.env,
    CAIRN_DATABASE_URL: databaseUrl,
    CAIRN_EMBED_MODEL: models.embedder,
    CAIRN_LLM_MODEL: models.llm,
    CAIRN_MODEL_THREADS: process.env.CAIRN_MODEL_THREADS || "1",
    CAIRN_WORKER_POLL_MS: "200",
    CAIRN_ASK_ANSWER_TOKENS: "48",
    CAIRN_API_MAX_TOKENS: "128",
  };
  admin(["create", "root"]);
  admin(["add-user", "alice"]);
  admin(["collection", "alpha", "Alpha"]);
  admin(["grant", "alice", "alpha", "editor"]);
  // Two ports of this suite's range (3860–3869), else any free ones.
  const [portA, portB] = await freePortsIn(3860, 3869, 2);
  A = await startCairn(env, { dataDir, port: portA });
  B = await startCairn(env, { dataDir, port: portB, build: false });
  cookie.A = await login(A);
}, 900_000);

afterAll(async () => {
  await Promise.all([A?.stop(), B?.stop()]);
  await moto?.stop();
  await pg?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("vectors on object storage (S3, moto)", () => {
  test("the worker indexes into S3-backed LanceDB; the web app searches and answers from it", async () => {
    const id = await upload(A, cookie.A, DOCS.a);
    await waitIndexed(A, cookie.A, id);
    const keys = await bucketKeys("library/");
    expect(keys.some((k) => k.startsWith("library/chunks.lance/_versions/"))).toBe(true);
    expect(keys.some((k) => k.startsWith("library/chunks.lance/data/"))).toBe(true);
    // Nothing went to a local vector folder or SQLite file; the data dir records where the store is.
    expect(fs.existsSync(path.join(dataDir, "lancedb"))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "cairn.db"))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, "vectors.json"), "utf8")).uri).toBe(`s3://${BUCKET}/library`);
    const hits = await search(A, { cookie: cookie.A }, "Heron archive vault combination");
    expect(hits[0]?.fileName).toBe(DOCS.a.file);
    expect(hits[0]?.text).toContain("4417-QUARTZ-9");
    await expectAnswerable(A, await newKey(A, cookie.A), "What is the combination of the Heron archive vault?", DOCS.a.file);
  });
});

describe("two web replicas on one library", () => {
  test("a session made on one replica works on the other, and logging out on one ends it on both", async () => {
    const me = async (app: RunningCairn, c: string) => ((await (await fetch(`${app.url}/api/auth/me`, { headers: { cookie: c } })).json()) as { user: { name: string } | null }).user?.name ?? null;
    const c = await login(B);
    expect(await me(A, c)).toBe("alice");
    expect(await me(B, c)).toBe("alice");
    expect((await fetch(`${A.url}/api/auth/logout`, { method: "POST", headers: { cookie: c, origin: A.url } })).status).toBe(204);
    expect(await me(B, c)).toBeNull();
    expect((await fetch(`${B.url}/api/documents`, { headers: { cookie: c } })).status).toBe(401);
  });

  test("an upload through B is searchable and answerable through A, with a key made on B", async () => {
    cookie.B = await login(B);
    const id = await upload(B, cookie.B, DOCS.b);
    await waitIndexed(A, cookie.A, id);
    const key = await newKey(B, cookie.B);
    const hits = await search(A, { authorization: `Bearer ${key}` }, "Kestrel backup generator fuel");
    expect(hits[0]?.fileName).toBe(DOCS.b.file);
    // And A's upload is searchable through B.
    expect((await search(B, { cookie: cookie.B }, "Heron archive vault combination"))[0]?.fileName).toBe(DOCS.a.file);
    await expectAnswerable(A, key, "What fuel does the Kestrel pumping station's backup generator run on?", DOCS.b.file);
    // A wrong key is refused by both.
    for (const app of [A, B]) expect((await fetch(`${app.url}/v1/models`, { headers: { authorization: "Bearer cairn_wrong" } })).status).toBe(401);
  });

  test("a chat asked through A is listed and readable through B", async () => {
    const res = await fetch(`${A.url}/api/ask`, {
      method: "POST",
      headers: { cookie: cookie.A, "content-type": "application/json", origin: A.url },
      body: JSON.stringify({ question: "When is the Kestrel generator tested?" }),
    });
    expect(res.status).toBe(200);
    const chatId = res.headers.get("x-chat-id")!;
    await res.text();
    const chats = ((await (await fetch(`${B.url}/api/chats`, { headers: { cookie: cookie.B } })).json()) as { chats: { id: string }[] }).chats;
    expect(chats.map((c) => c.id)).toContain(chatId);
    const chat = await fetch(`${B.url}/api/chats/${chatId}`, { headers: { cookie: cookie.B } });
    expect(chat.status).toBe(200);
    expect(await chat.text()).toContain("When is the Kestrel generator tested?");
  });
});
