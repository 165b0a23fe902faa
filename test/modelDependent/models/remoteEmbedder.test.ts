import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { isCairnError } from "@/core/errors";
import { loadEmbedder, type LocalEmbedder } from "@/models/embedder";
import { connectRemoteEmbedder, type RemoteEmbedder } from "@/models/remoteEmbedder";
import { freePort, startCairn, type RunningCairn } from "../../browser/utils/cairn";
import { testModelPaths, testModelThreads } from "../testModels";

// The remote-embedder seam: models/remoteEmbedder.ts against a real OpenAI-compatible server —
// Cairn A serving /v1 with the test models — compared with the same model in-process; then
// Cairn B, whose worker and search embed through CAIRN_EMBED_URL=A/v1, indexes a document and
// answers from it with citations.

const models = testModelPaths();
const TEXT = "Project Heron vault notes.\n\nThe combination of the Heron archive vault is 4417-QUARTZ-9. It is changed every spring by the facilities manager, Ingrid Vasquez-Oyelaran.";
let a: RunningCairn;
let b: RunningCairn;
let aUrl: string;
let local: LocalEmbedder;
let remote: RemoteEmbedder;

beforeAll(async () => {
  a = await startCairn({ CAIRN_LLM_MODEL: models.llm, CAIRN_EMBED_MODEL: models.embedder, CAIRN_MODEL_THREADS: "1" }, { worker: false, port: await freePort() });
  aUrl = `${a.url}/v1`;
  b = await startCairn({ CAIRN_LLM_MODEL: models.llm, CAIRN_EMBED_URL: aUrl, CAIRN_EMBED_TOKENIZER: models.embedder, CAIRN_MODEL_THREADS: "1", CAIRN_WORKER_POLL_MS: "200", CAIRN_ASK_ANSWER_TOKENS: "64" });
  local = await loadEmbedder(models.embedder, { threads: testModelThreads() });
  remote = await connectRemoteEmbedder({ baseURL: aUrl, timeoutMs: 60_000, maxTokens: local.maxTokens, tokenizerPath: models.embedder });
}, 900_000);

afterAll(async () => {
  await remote?.dispose();
  await local?.dispose();
  await b?.stop();
  await a?.stop();
});

describe("the remote embedder against another Cairn's /v1", () => {
  test("the probe finds the embedding model (skipping the LLM another Cairn lists first) and its width", () => {
    expect(remote.modelName).toBe(local.modelName);
    expect(remote.dimensions).toBe(local.dimensions);
  });

  test("vectors are the in-process model's, unit length, in order", async () => {
    const texts = ["vault combination", "lentil soup on Fridays", "The combination of the Heron archive vault is 4417-QUARTZ-9."];
    const [r, l] = [await remote.embed(texts), await local.embed(texts)];
    expect(r).toHaveLength(3);
    for (let i = 0; i < texts.length; i++) {
      let dot = 0;
      for (let j = 0; j < l[i]!.length; j++) dot += r[i]![j]! * l[i]![j]!;
      expect(dot).toBeGreaterThan(0.999);
    }
  });

  test("a local vocabulary counts tokens as the in-process embedder does; over-long and empty input refused before sending", async () => {
    for (const t of ["vault", TEXT, "Sizes: 4417-QUARTZ-9, 12 mm × 3."]) expect(remote.countTokens(t)).toBe(local.countTokens(t));
    const e = await remote.embed(["vault ".repeat(2000)]).catch((x: unknown) => x);
    expect(isCairnError(e) && e.reason).toBe("input_too_long");
    const empty = await remote.embed(["  "]).catch((x: unknown) => x);
    expect(isCairnError(empty) && empty.reason).toBe("empty_input");
  });
});

test("Cairn B indexes and answers with its embedder on Cairn A", async () => {
  const form = new FormData();
  form.append("file", new Blob([TEXT]), "heron.txt");
  expect((await fetch(`${b.url}/api/documents`, { method: "POST", body: form })).status).toBe(202);
  for (const deadline = Date.now() + 180_000; ; ) {
    const docs = (await (await fetch(`${b.url}/api/documents`)).json()).documents as { status: string }[];
    if (docs.length && docs.every((d) => d.status === "indexed")) break;
    if (Date.now() > deadline) throw new Error(`not indexed in time:\n${b.logs()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const res = await fetch(`${b.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "cairn", messages: [{ role: "user", content: "What is the combination of the Heron archive vault?" }], max_tokens: 48 }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { cairn: { refusal: { reason: string } | null; citations: { file: string }[] } };
  // Retrieval found the passage through the remote query embedding (the gate is the embedder's, not the LLM's).
  expect(body.cairn.refusal?.reason).not.toBe("no_relevant_passages");
  for (const c of body.cairn.citations) expect(c.file).toBe("heron.txt");
  // B's Models page data names the remote embedder.
  const overview = await (await fetch(`${b.url}/api/models`)).text();
  expect(overview).toContain(aUrl);
});
