import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { loadConfig } from "@/core/config";
import { testModelPath } from "@/models/testModels/fetchTestModels";
import { TEST_MODELS } from "@/models/testModels/specs";
import { expectAnswerFromStream } from "../utils/answerGuarantees";
import { quotingLine } from "../utils/promptPassages";
import type { AskResult } from "@/lib/ask";
import type { RecordingModel } from "../utils/recordingModel";

// POST /api/ask against the real test models: the SSE stream, the saved chat, and a client
// disconnect that stops generation so the next question gets the model. The process-wide LLM is
// the real one inside a recording wrapper (test/modelDependent/utils/recordingModel.ts), which
// slips in the markers a test needs and disconnects the client while the model is generating, so
// nothing here depends on what the model happens to write.

vi.mock("@/models", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/models")>();
  const { recordingModel } = await import("../utils/recordingModel");
  let wrapped: Promise<RecordingModel> | undefined;
  return { ...real, getLanguageModel: () => (wrapped ??= real.getLanguageModel().then((m) => recordingModel(m))) };
});

// config() is read once per process: set every CAIRN_* variable before lib/ is imported.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-askroute-"));
process.env.CAIRN_DATA_DIR = dataDir;
// One thread: on a busy 2-core machine two llama.cpp threads wait on each other (10-20x slower).
process.env.CAIRN_MODEL_THREADS ||= "1";
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
const { getEmbedder, getLanguageModel } = await import("@/models");
const { readSse } = await import("@/app/components/utils/readSse");
const askRoute = await import("@/app/api/ask/route");
const searchRoute = await import("@/app/api/search/route");

const documentId = randomUUID();
const pages = [
  "Plant maintenance manual. Inspect the cooling filters every month.",
  "Pump isolation. The isolation valve for pump P-101 is V-17. Close V-17 before opening the casing.",
  "Appendix. The emergency lighting is tested twice a year.",
];

let llm: RecordingModel;

beforeAll(async () => {
  llm = (await getLanguageModel()) as unknown as RecordingModel;
  expect(llm.calls, "the route's model is the recording wrapper").toEqual([]);
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

interface Done extends Pick<AskResult, "refusal" | "withheld"> {
  answer: string;
  answered: boolean;
  aborted: boolean;
  sources: { n: number; documentId: string; page: number; charStart: number; charEnd: number; quote: string }[];
  citations: { n: number; documentId: string; page: number; charStart: number; charEnd: number; quote: string }[];
  dropped: { n: number; marker: string }[];
  attributed: AskResult["attributed"];
}

describe("POST /api/ask", () => {
  test("streams tokens then citations and sources, and saves what was streamed with only the recorded changes", async () => {
    // [1] is always given; [7] never is (the document has 3 chunks). The line quoting passage 1
    // comes first, so whatever the model adds, the answer is not refused.
    llm.steering = { prefix: (messages) => quotingLine(messages, 1, [1, 7]) };
    const res = await askRoute.POST(askRequest({ question: "Which valve isolates pump P-101?" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const got = await events(res);
    llm.steering = null;
    const types = got.map(([t]) => t);
    expect(types[0]).toBe("chat");
    expect(types).toContain("token");
    expect(types.at(-1)).toBe("done");
    const done = got.at(-1)![1].result as Done;
    const streamed = got.filter(([t]) => t === "token").map(([, d]) => d.text).join("");
    expect(done.answered).toBe(true);
    // The answer is the stream with only the recorded changes (markers added, sentences withheld).
    expectAnswerFromStream(done, streamed, true);
    expect(streamed).not.toContain("[7]");
    expect(done.dropped).toContainEqual({ n: 7, marker: "[7]" });
    // Every citation is a source the model was given, and its quote is on its page at its offsets.
    expect(done.citations.map((c) => c.n)).toContain(1);
    for (const c of done.citations) {
      expect(done.sources.find((s) => s.n === c.n)).toEqual(expect.objectContaining(c));
      expect(c.documentId).toBe(documentId);
      expect(pages[c.page - 1]!.slice(c.charStart, c.charEnd)).toBe(c.quote);
    }
    const page2 = done.sources.find((s) => s.page === 2);
    expect(page2?.documentId).toBe(documentId);
    expect(page2?.quote).toContain("V-17");

    const chatId = got[0][1].chatId as string;
    const saved = getUserChat(currentPrincipal(), chatId);
    expect(saved.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(saved.messages[0].content).toBe("Which valve isolates pump P-101?");
    expect(saved.messages[1].content).toBe(done.answer);
    const metadata = saved.messages[1].metadata as Omit<Done, "answer">;
    expect(metadata.citations).toEqual(done.citations);
    expect(metadata.sources).toEqual(done.sources);
    expect(metadata.attributed).toEqual(done.attributed);
    expect(metadata.dropped).toEqual(done.dropped);
    expect(metadata.withheld).toEqual(done.withheld);
  });

  test("an off-topic question is answered 'nothing found' without calling the model", async () => {
    const before = llm.calls.length;
    const got = await events(await askRoute.POST(askRequest({ question: "What is the capital of France?" })));
    expect(got.at(-1)![0]).toBe("done");
    const done = got.at(-1)![1].result as Done;
    expect(done.answered).toBe(false);
    expect(done.refusal).not.toBeNull();
    expectAnswerFromStream(done, got.filter(([t]) => t === "token").map(([, d]) => d.text).join(""), false);
    expect(llm.calls).toHaveLength(before);
  });

  test("a chat id that is not the caller's is a 404 before anything streams", async () => {
    const res = await askRoute.POST(askRequest({ question: "q", chatId: randomUUID() }));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
  });

  test("a client that disconnects mid-answer stops generation; the next question gets the model", async () => {
    const ctl = new AbortController();
    // The client goes away while the model is writing its first piece: generation is surely under way.
    llm.steering = { onFirstPiece: () => ctl.abort() };
    const before = llm.calls.length;
    const res = await askRoute.POST(askRequest({ question: "Describe everything about pump P-101 isolation in detail." }, ctl.signal));
    const chatId = res.headers.get("x-chat-id")!;
    const first = await events(res);
    llm.steering = null;
    const stopped = llm.calls[before]!;
    expect(stopped.result!.aborted).toBe(true);
    expect(stopped.modelPieces.length).toBeLessThan(20);

    const next = await events(await askRoute.POST(askRequest({ question: "Which valve isolates pump P-101?" })));
    expect(next.at(-1)![0]).toBe("done");
    expect((next.at(-1)![1].result as Done).aborted).toBe(false);
    // The model was free: the next question reached it after the stopped one returned.
    expect(llm.calls).toHaveLength(before + 2);
    expect(llm.calls[before + 1]!.delegatedAt!).toBeGreaterThanOrEqual(stopped.returnedAt!);
    // The first answer was saved as stopped, with what had been generated.
    const saved = getUserChat(currentPrincipal(), chatId);
    expect(saved.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect((saved.messages[1].metadata as { aborted: boolean }).aborted).toBe(true);
    // The stream stays open for the client's "done" (it may be read by a proxy that did not go away):
    // it says stopped, and the saved answer is what was streamed plus the recorded additions.
    expect(first.at(-1)![0]).toBe("done");
    const stoppedDone = first.at(-1)![1].result as Done;
    expect(stoppedDone.aborted).toBe(true);
    expect(saved.messages[1].content).toBe(stoppedDone.answer);
    expectAnswerFromStream(stoppedDone, first.filter(([t]) => t === "token").map(([, d]) => d.text).join(""), true);
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
