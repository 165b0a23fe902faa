import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "@/core/config";
import { testModelPath } from "@/models/testModels/fetchTestModels";
import { TEST_MODELS } from "@/models/testModels/specs";

// POST /api/ask against the real test models: the SSE stream, the saved chat, and a client
// disconnect that stops generation so the next question gets the model.

// config() is read once per process: set every CAIRN_* variable before lib/ is imported.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-askroute-"));
process.env.CAIRN_DATA_DIR = dataDir;
// One thread: on a busy 2-core machine two llama.cpp threads wait on each other (10-20x slower).
process.env.CAIRN_MODEL_THREADS = "1";
process.env.CAIRN_ASK_ANSWER_TOKENS = "160";
for (const spec of TEST_MODELS) {
  const file = testModelPath(spec, loadConfig(process.env).testModelsDir);
  if (!fs.existsSync(file)) throw new Error(`Test model ${spec.name} is missing at ${file}: run \`npm run test-models\` first.`);
  process.env[spec.role === "llm" ? "CAIRN_LLM_MODEL" : "CAIRN_EMBED_MODEL"] = file;
}

const { openDb } = await import("@/core/db");
const { config } = await import("@/core/config");
const { insertDocument, updateDocument } = await import("@/core/db/queries");
const { getUserChat } = await import("@/lib/chats");
const { currentPrincipal } = await import("@/lib/auth");
const { getVectorStore } = await import("@/lib/store");
const { getEmbedder } = await import("@/models");
const { readSse } = await import("@/app/components/utils/readSse");
const askRoute = await import("@/app/api/ask/route");
const searchRoute = await import("@/app/api/search/route");

const documentId = randomUUID();
const pages = [
  "Plant maintenance manual. Inspect the cooling filters every month.",
  "Pump isolation. The isolation valve for pump P-101 is V-17. Close V-17 before opening the casing.",
  "Appendix. The emergency lighting is tested twice a year.",
];

beforeAll(async () => {
  const db = openDb(config().dbPath);
  insertDocument(db, { id: documentId, collectionId: "default", name: "pump-manual.pdf", sha256: "a".repeat(64), sizeBytes: 1, source: "upload" });
  updateDocument(db, documentId, { status: "indexed", kind: "pdf", pageCount: 3, chunkCount: 3 });
  const embedder = await getEmbedder();
  const vectors = await embedder.embed(pages);
  const store = await getVectorStore();
  await store.replaceDocumentChunks(
    documentId,
    pages.map((text, i) => ({
      id: `${documentId}-${i}`,
      documentId,
      collectionId: "default",
      documentSha256: "a".repeat(64),
      ordinal: i,
      page: i + 1,
      headingPath: "",
      charStart: 0,
      charEnd: text.length,
      tokenCount: embedder.countTokens(text),
      text,
      vector: vectors[i],
    })),
  );
});

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function askRequest(body: unknown, signal?: AbortSignal): Request {
  return new Request("http://127.0.0.1/api/ask", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
}

async function events(res: Response): Promise<[string, Record<string, unknown>][]> {
  const out: [string, Record<string, unknown>][] = [];
  await readSse(res.body!, (type, data) => out.push([type, data as Record<string, unknown>]));
  return out;
}

describe("POST /api/ask", () => {
  test("streams tokens then citations and sources, and saves both turns in the chat", async () => {
    const res = await askRoute.POST(askRequest({ question: "Which valve isolates pump P-101?" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const got = await events(res);
    const types = got.map(([t]) => t);
    expect(types[0]).toBe("chat");
    expect(types).toContain("token");
    expect(types.at(-1)).toBe("done");
    const done = got.at(-1)![1].result as { answer: string; sources: { documentId: string; page: number; quote: string }[]; citations: unknown[] };
    const streamed = got.filter(([t]) => t === "token").map(([, d]) => d.text).join("");
    expect(done.answer.length).toBeGreaterThan(0);
    expect(streamed.replace(/\s+/g, "")).toContain(done.answer.replace(/\[[\d,\s]+\]/g, "").replace(/\s+/g, "").slice(0, 10));
    const page2 = done.sources.find((s) => s.page === 2);
    expect(page2?.documentId).toBe(documentId);
    expect(page2?.quote).toContain("V-17");

    const chatId = got[0][1].chatId as string;
    const saved = getUserChat(currentPrincipal(), chatId);
    expect(saved.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(saved.messages[1].content).toBe(done.answer);
    expect((saved.messages[1].metadata as { sources: unknown[] }).sources.length).toBe(done.sources.length);
  });

  test("a chat id that is not the caller's is a 404 before anything streams", async () => {
    const res = await askRoute.POST(askRequest({ question: "q", chatId: randomUUID() }));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
  });

  test("a client that disconnects mid-answer stops generation; the next question gets the model", async () => {
    const ctl = new AbortController();
    const res = await askRoute.POST(askRequest({ question: "Describe everything about pump P-101 isolation in detail." }, ctl.signal));
    const chatId = res.headers.get("x-chat-id")!;
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("event: token")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before a token: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    ctl.abort();
    await reader.cancel();

    const next = await events(await askRoute.POST(askRequest({ question: "Which valve isolates pump P-101?" })));
    expect(next.at(-1)![0]).toBe("done");
    // The first answer was saved as stopped, with what had been generated.
    const saved = getUserChat(currentPrincipal(), chatId);
    expect(saved.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect((saved.messages[1].metadata as { aborted: boolean }).aborted).toBe(true);
  });

  test("instant search finds the passage without the LLM, with highlights", async () => {
    const res = await searchRoute.GET(new Request("http://127.0.0.1/api/search?q=isolation%20valve"));
    expect(res.status).toBe(200);
    const body = await res.json();
    const top = body.results[0];
    expect(top.page).toBe(2);
    expect(top.fileName).toBe("pump-manual.pdf");
    const words = top.highlights.map((h: { start: number; end: number }) => top.text.slice(h.start, h.end).toLowerCase());
    expect(words).toEqual(expect.arrayContaining(["isolation", "valve"]));
  });
});
