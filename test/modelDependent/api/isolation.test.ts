import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "@/core/config";
import { testModelPath } from "@/models/testModels/fetchTestModels";
import { TEST_MODELS } from "@/models/testModels/specs";
import { ApiClient, loadApiRoutes, multipart, type ApiRoute } from "../../utils/apiClient";
import { startWorker, stopWorker, tempDataDir, waitFor } from "../ingest/workerHarness";

// The isolation suite: two users, two collections, two secret documents, uploaded through the
// API and indexed by a real worker process with the real test embedder; ask runs the real LLM.
// For every read path, bob learns nothing of alice's document, however he crafts the request;
// the same request from alice (or carol, her collection's reader) finds it, so no assertion here
// passes merely because search found nothing at all.

const dataDir = tempDataDir("eng10-isolation-");
const env: Record<string, string> = {
  CAIRN_DATA_DIR: dataDir,
  CAIRN_ACCOUNTS: "on",
  CAIRN_MODEL_THREADS: process.env.CAIRN_MODEL_THREADS || "1",
  CAIRN_ASK_ANSWER_TOKENS: "96",
};
for (const spec of TEST_MODELS) {
  const file = testModelPath(spec, loadConfig(process.env).testModelsDir);
  if (!fs.existsSync(file)) throw new Error(`Test model ${spec.name} is missing at ${file}: run \`npm run test-models\` first.`);
  env[spec.role === "llm" ? "CAIRN_LLM_MODEL" : "CAIRN_EMBED_MODEL"] = file;
}
// One process runs every model-dependent file: the env is put back for those after this one.
const savedEnv = { ...process.env };
Object.assign(process.env, env);

const accounts = await import("@/lib/accounts");
const { getVectorStore } = await import("@/lib/store");
const { openDb } = await import("@/core/db");
const { config } = await import("@/core/config");
const { getDocument } = await import("@/core/db/queries");

const PW = "correct horse battery";
// Alice's secret: words bob's question never contains, so any echo of the question is not a leak.
const SECRET_CODE = "4417-QUARTZ-9";
const ALICE_TEXT = `Project Heron vault notes.\n\nThe combination of the Heron archive vault is ${SECRET_CODE}. It is changed every spring by the facilities manager, Ingrid Vasquez-Oyelaran.`;
const ALICE_FILE = "heron-vault-alpha.txt";
const BOB_TEXT = "Bravo canteen notes.\n\nThe canteen opens at 7:30 and serves lentil soup on Fridays. The coffee machine is descaled monthly.";
const BOB_FILE = "canteen-bravo.txt";
const LEAKS = [SECRET_CODE, "QUARTZ", "Vasquez", "Oyelaran", ALICE_FILE, "heron-vault"];

let routes: ApiRoute[];
let worker: ReturnType<typeof startWorker>;
const users: Record<string, ApiClient> = {};
let aliceDoc: { id: string; sha256: string };
let bobDoc: { id: string };
let aliceChatId: string;

async function login(name: string): Promise<ApiClient> {
  const c = new ApiClient(routes, { ip: `10.7.0.${name.length}` });
  expect((await c.login(name, PW)).status).toBe(200);
  return c;
}

async function upload(c: ApiClient, collection: string, name: string, body: string) {
  const m = multipart([{ name, body }]);
  const res = await c.fetch("POST", `/api/documents?collection=${collection}`, { body: m.body, headers: m.headers });
  expect(res.status).toBe(202);
  return (await res.json()).results[0].document as { id: string; sha256: string };
}

function expectNoLeak(what: string, text: string, extra: string[] = []) {
  for (const s of [...LEAKS, aliceDoc.id, aliceDoc.sha256, ...extra]) expect(text, `${what} leaks ${s}`).not.toContain(s);
}

beforeAll(async () => {
  routes = await loadApiRoutes();
  const id: Record<string, string> = {};
  for (const [name, isAdmin] of [["root", true], ["alice", false], ["bob", false], ["carol", false]] as const) {
    id[name] = (await accounts.createUser({ name, password: PW, isAdmin }, null)).id;
  }
  accounts.createCollection(null, { id: "alpha", name: "Alpha" });
  accounts.createCollection(null, { id: "bravo", name: "Bravo" });
  accounts.grantMembership(null, "alpha", id.alice, "editor");
  accounts.grantMembership(null, "alpha", id.carol, "reader");
  accounts.grantMembership(null, "bravo", id.bob, "editor");
  for (const name of ["root", "alice", "bob", "carol"]) users[name] = await login(name);

  aliceDoc = await upload(users.alice, "alpha", ALICE_FILE, ALICE_TEXT);
  bobDoc = await upload(users.bob, "bravo", BOB_FILE, BOB_TEXT);
  worker = startWorker(env);
  const db = openDb(config().dbPath);
  await waitFor("both documents indexed", () => [aliceDoc.id, bobDoc.id].every((d) => getDocument(db, d)?.status === "indexed"), 240_000, worker.logs);

  // Alice asks about her own document: her chat is the one bob will go after.
  const res = await users.alice.post("/api/ask", { question: "What is the combination of the Heron archive vault?" });
  expect(res.status).toBe(200);
  aliceChatId = res.headers.get("x-chat-id")!;
  const text = await res.text();
  expect(text).toContain(SECRET_CODE); // her sources quote her passage
}, 600_000);

afterAll(async () => {
  if (worker) await stopWorker(worker.proc);
  (await getVectorStore()).close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe("bob cannot learn anything of alice's document", () => {
  test("search: not in hits or snippets, not even naming her collection; alice and carol do find it", async () => {
    const q = encodeURIComponent("combination of the Heron archive vault, changed every spring");
    for (const url of [`/api/search?q=${q}`, `/api/search?q=${q}&collection=alpha`, `/api/search?q=${q}&collection=alpha&collection=bravo&limit=50`]) {
      const res = await users.bob.get(url);
      expect(res.status, url).toBe(200);
      const body = await res.json();
      expectNoLeak(url, JSON.stringify(body));
      for (const r of body.results) expect(r.collectionId).toBe("bravo");
    }
    expect((await (await users.bob.get(`/api/search?q=${q}&collection=alpha`)).json()).results).toEqual([]);
    for (const who of ["alice", "carol", "root"]) {
      const hits = (await (await users[who].get(`/api/search?q=${q}`)).json()).results as { documentId: string; text: string }[];
      expect(hits.some((h) => h.documentId === aliceDoc.id && h.text.includes(SECRET_CODE)), who).toBe(true);
    }
  });

  test("ask: not in the answer, sources, citations or saved chat, even asking for her collection", async () => {
    for (const body of [
      { question: "What is the combination of the Heron archive vault?" },
      { question: "What is the combination of the Heron archive vault?", collections: ["alpha"] },
      { question: "Who changes the vault combination every spring?", collections: ["alpha", "bravo"] },
    ]) {
      const res = await users.bob.post("/api/ask", body);
      expect(res.status).toBe(200);
      const text = await res.text();
      expectNoLeak(`ask ${JSON.stringify(body)}`, text);
      const chat = await users.bob.get(`/api/chats/${res.headers.get("x-chat-id")}`);
      expectNoLeak("bob's saved chat", await chat.text());
    }
  });

  test("chat history: alice's chat is neither listed nor readable nor continuable", async () => {
    const list = await (await users.bob.get("/api/chats")).text();
    expect(list).not.toContain(aliceChatId);
    const mine = ((await (await users.alice.get("/api/chats")).json()).chats as { id: string }[]).map((c) => c.id);
    expect(mine).toContain(aliceChatId);
    const bobId = (await (await users.bob.get("/api/auth/me")).json()).user.id as string;
    const listed = JSON.parse(list).chats as { id: string; userId: string }[];
    expect(listed.length).toBeGreaterThan(0);
    for (const c of listed) expect(c.userId).toBe(bobId);
    const read = await users.bob.get(`/api/chats/${aliceChatId}`);
    expect(read.status).toBe(404);
    expectNoLeak("alice's chat by id", await read.text());
    const cont = await users.bob.post("/api/ask", { question: "and then?", chatId: aliceChatId });
    expect(cont.status).toBe(404);
    expectNoLeak("continuing alice's chat", await cont.text());
    // Carol reads alice's collection, but a chat is its owner's alone.
    expect((await users.carol.get(`/api/chats/${aliceChatId}`)).status).toBe(404);
    expect((await users.alice.get(`/api/chats/${aliceChatId}`)).status).toBe(200);
  });

  test("document list, document, progress, passages viewer, file download by id and by guessed path", async () => {
    const list = await users.bob.get("/api/documents");
    const docs = (await list.clone().json()).documents as { id: string; progress: unknown }[];
    expect(docs.map((d) => d.id)).toEqual([bobDoc.id]);
    expectNoLeak("bob's document list (with its progress)", await list.text());
    const urls = [
      `/api/documents/${aliceDoc.id}`,
      `/api/documents/${aliceDoc.id}/file`,
      `/api/passages/${aliceDoc.id}`,
      `/api/passages/${aliceDoc.id}?page=1`,
      `/api/documents/${aliceDoc.sha256}/file`,
      `/api/documents/..%2F..%2Ffiles%2F${aliceDoc.sha256}/file`,
      `/api/pdfjs/..%2F..%2F..%2Fdata%2Ffiles%2F${aliceDoc.sha256}`,
      `/api/pdfjs/build/..%2F..%2F..%2F..%2F${path.relative(process.cwd(), path.join(dataDir, "files", aliceDoc.sha256))}`,
    ];
    for (const url of urls) {
      const res = await users.bob.get(url);
      expect([400, 404], url).toContain(res.status);
      expectNoLeak(url, await res.text());
    }
    // The same id is not found for bob and for an id that never existed: no existence oracle.
    const never = await users.bob.get("/api/documents/0b7e3d2c-1111-4a2b-8c3d-000000000001");
    expect(await never.json()).toEqual(await (await users.bob.get(`/api/documents/${aliceDoc.id}`)).json());
    // Alice gets all of it.
    expect((await users.alice.get(`/api/documents/${aliceDoc.id}`)).status).toBe(200);
    expect(await (await users.alice.get(`/api/documents/${aliceDoc.id}/file`)).text()).toBe(ALICE_TEXT);
    expect((await (await users.alice.get(`/api/passages/${aliceDoc.id}`)).json()).text).toContain(SECRET_CODE);
  });

  test("delete and overwrite: bob and the reader carol cannot remove or replace alice's document", async () => {
    expect((await users.bob.delete(`/api/documents/${aliceDoc.id}`)).status).toBe(404);
    expect((await users.carol.delete(`/api/documents/${aliceDoc.id}`)).status).toBe(403);
    const m = multipart([{ name: ALICE_FILE, body: "replaced" }]);
    for (const who of ["bob", "carol"]) {
      const res = await users[who].fetch("POST", "/api/documents?collection=alpha", { body: m.body, headers: m.headers });
      expect(res.status, who).toBe(400);
    }
    expect(getDocument(openDb(config().dbPath), aliceDoc.id)?.status).toBe("indexed");
    expect(await (await users.alice.get(`/api/documents/${aliceDoc.id}/file`)).text()).toBe(ALICE_TEXT);
  });

  test("whole-document tasks (summaries, deadlines) on alice's document or collection tell bob nothing", async () => {
    for (const [url, json] of [
      ["/api/summaries", { documentId: aliceDoc.id }],
      ["/api/deadlines", { documentIds: [aliceDoc.id], annotate: false }],
      ["/api/deadlines", { collectionId: "alpha", annotate: false }],
    ] as const) {
      const res = await users.bob.post(url, json);
      expect(res.status, `${url} ${JSON.stringify(json)}`).toBeLessThan(500);
      const text = await res.text();
      expectNoLeak(`POST ${url} ${JSON.stringify(json)}`, text);
      // The summary streams (NDJSON): its one event says not found, as for a document that does not exist.
      if (url === "/api/summaries" && res.status === 200) {
        expect(text.trim().split("\n").map((l) => JSON.parse(l))).toEqual([{ type: "error", error: { code: "not_found:document", message: "Document not found." } }]);
      }
    }
  });

  test("'summarize' in bob's chat finds only bob's documents: alice's is not named, not summarized", async () => {
    // Bob's own words are echoed ("heron vault"); the candidates listed are his documents only.
    const res = await users.bob.post("/api/ask", { question: "summarize the heron vault" });
    expect(res.status).toBe(200);
    const text = await res.text();
    expectNoLeak("summarize in the chat", text);
    expect(text).toContain("I found no document called");
    expect(text).toContain(BOB_FILE);
  });

  test("every other GET route bob may call tells him nothing of alice's", async () => {
    // Walks app/api, so routes added by others are covered: whatever they return to bob, it holds none of alice's.
    const skip = new Set(["/api/ask", "/api/search"]);
    for (const r of routes) {
      if (!r.methods.includes("GET") || skip.has(r.path)) continue;
      const url = r.path.replace(/\[\.\.\.[^\]]+\]/g, "build/pdf.worker.min.mjs").replace(/\[[^\]]+\]/g, aliceDoc.id);
      const res = await users.bob.get(url);
      expect(res.status, url).toBeLessThan(500);
      const type = res.headers.get("content-type") ?? "";
      if (type.includes("json") || type.startsWith("text/")) expectNoLeak(`GET ${url}`, await res.text());
    }
  });
});

describe("revoked access", () => {
  test("a reader removed from the collection no longer reads it, nor the answers she got from it", async () => {
    const res = await users.carol.post("/api/ask", { question: "What is the combination of the Heron archive vault?" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(SECRET_CODE);
    const chatId = res.headers.get("x-chat-id")!;
    expect(await (await users.carol.get(`/api/chats/${chatId}`)).text()).toContain(SECRET_CODE);

    const carolId = (await (await users.carol.get("/api/auth/me")).json()).user.id as string;
    expect((await users.root.fetch("PUT", "/api/admin/memberships", { json: { collectionId: "alpha", userId: carolId, role: null } })).status).toBe(204);

    const chat = await users.carol.get(`/api/chats/${chatId}`);
    expect(chat.status).toBe(200);
    const body = await chat.text();
    expectNoLeak("carol's chat after removal", body);
    expect(JSON.parse(body).messages.map((m: { role: string; content: string }) => m.role)).toEqual(["user", "assistant"]);
    expect(JSON.parse(body).messages[1].content).toMatch(/no longer read/);
    expect((await users.carol.get(`/api/documents/${aliceDoc.id}`)).status).toBe(404);
    const q = encodeURIComponent("combination of the Heron archive vault");
    expectNoLeak("carol's search after removal", await (await users.carol.get(`/api/search?q=${q}`)).text());
    // Continuing that chat does not hand the hidden answer to the model as history either.
    const more = await users.carol.post("/api/ask", { question: "Repeat your previous answer word for word.", chatId });
    expect(more.status).toBe(200);
    expectNoLeak("carol continuing the chat", await more.text());
  });
});
