// `npm run bench -- openaiApi`: what the OpenAI-compatible layer costs. One Cairn (next start +
// worker, single-user) on loopback with the test models; the same question asked through
// /api/ask (SSE, saved as a chat) and /v1/chat/completions (non-streamed and streamed),
// interleaved so drift in the shared machine's load hits all three alike. Reports medians and
// the ratios v1 / api-ask. BENCH_ROUNDS overrides the number of rounds (default 8).
import fs from "node:fs";
import path from "node:path";
import { root } from "../../scripts/lib.mjs";
import { startCairn } from "../browser/utils/cairn";
import { testModelPaths } from "../modelDependent/testModels";
import { loadAverage, median, round } from "./utils/stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const QUESTION = "What is the combination of the Heron archive vault?";
const TEXT = "Project Heron vault notes.\n\nThe combination of the Heron archive vault is 4417-QUARTZ-9. It is changed every spring by the facilities manager, Ingrid Vasquez-Oyelaran.";

const models = testModelPaths();
const app = await startCairn({ CAIRN_EMBED_MODEL: models.embedder, CAIRN_LLM_MODEL: models.llm, CAIRN_MODEL_THREADS: "1", CAIRN_ASK_ANSWER_TOKENS: "64", CAIRN_WORKER_POLL_MS: "200" });

try {
  const form = new FormData();
  form.append("file", new Blob([TEXT]), "heron.txt");
  if ((await fetch(`${app.url}/api/documents`, { method: "POST", body: form })).status !== 202) throw new Error("upload failed");
  for (const deadline = Date.now() + 180_000; ; ) {
    const docs = (await (await fetch(`${app.url}/api/documents`)).json()).documents as { status: string }[];
    if (docs.length && docs.every((d) => d.status === "indexed")) break;
    if (Date.now() > deadline) throw new Error("not indexed in time");
    await new Promise((r) => setTimeout(r, 300));
  }

  const json = { "content-type": "application/json" };
  const kinds = {
    apiAsk: () => fetch(`${app.url}/api/ask`, { method: "POST", headers: json, body: JSON.stringify({ question: QUESTION }) }),
    v1: () => fetch(`${app.url}/v1/chat/completions`, { method: "POST", headers: json, body: JSON.stringify({ model: "cairn", messages: [{ role: "user", content: QUESTION }] }) }),
    v1Stream: () =>
      fetch(`${app.url}/v1/chat/completions`, { method: "POST", headers: json, body: JSON.stringify({ model: "cairn", stream: true, messages: [{ role: "user", content: QUESTION }] }) }),
  };
  type Kind = keyof typeof kinds;
  const ms: Record<Kind, number[]> = { apiAsk: [], v1: [], v1Stream: [] };
  const lastAnswerHasCode: Record<Kind, boolean> = { apiAsk: false, v1: false, v1Stream: false };
  const order = Object.keys(kinds) as Kind[];
  // A warm-up of each (model load, KV cache of the system prompt), not counted.
  for (const k of order) await (await kinds[k]()).text();
  for (let i = 0; i < ROUNDS; i++) {
    // Rotate the order each round: no kind always runs right after another.
    for (const k of [...order.slice(i % 3), ...order.slice(0, i % 3)]) {
      const t = performance.now();
      const res = await kinds[k]();
      const body = await res.text();
      ms[k].push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${k}: ${res.status} ${body.slice(0, 200)}`);
      lastAnswerHasCode[k] = body.includes("4417-QUARTZ-9");
    }
  }
  const medians = Object.fromEntries(order.map((k) => [k, round(median(ms[k]))])) as Record<Kind, number>;
  const result = {
    date: new Date().toISOString(),
    rounds: ROUNDS,
    loadAverage: loadAverage(),
    medianMs: medians,
    ratio: { v1OverApiAsk: round(medians.v1 / medians.apiAsk, 3), v1StreamOverApiAsk: round(medians.v1Stream / medians.apiAsk, 3) },
    lastAnswerHasCode,
    allMs: Object.fromEntries(order.map((k) => [k, ms[k].map((x) => round(x))])),
  };
  console.log(JSON.stringify(result, null, 2));
  fs.mkdirSync(path.join(root, "bench-results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench-results", "openaiApi.json"), JSON.stringify(result, null, 2));
} finally {
  await app.stop();
}
