import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { isCairnError } from "@/core/errors";
import { freePort, startCairn, type RunningCairn } from "../../browser/utils/cairn";
import { testModelPaths } from "../testModels";

// The remote-LLM seam: models/remoteLlm.ts against a real OpenAI-compatible server — a second
// Cairn serving /v1 with the test LLM (next start, loopback) — and against tiny local servers
// that refuse, stall or drop the first connection, for the timeouts and retries.

const models = testModelPaths();
const port = await freePort();
const remoteUrl = `http://127.0.0.1:${port}/v1`;

const { connectRemoteLanguageModel, estimateTokens } = await import("@/models/remoteLlm");
const { getLanguageModel, modelState, disposeModels } = await import("@/models");
const { assertModelInstalled } = await import("@/models/modelMissing");

let app: RunningCairn;
const servers: http.Server[] = [];
const MESSAGES = [
  { role: "system" as const, content: "You answer in one short sentence." },
  { role: "user" as const, content: "Name a colour of the sky." },
];

function localServer(handler: http.RequestListener): Promise<string> {
  const srv = http.createServer(handler);
  servers.push(srv);
  return new Promise((resolve) => srv.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`)));
}

const sseChunk = (content: string) => `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

async function rejection(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(isCairnError(e), String(e)).toBe(true);
  return e as { reason?: string; message: string; type: string };
}

let savedEnv: NodeJS.ProcessEnv | undefined;

beforeAll(async () => {
  app = await startCairn({ CAIRN_LLM_MODEL: models.llm, CAIRN_EMBED_MODEL: models.embedder, CAIRN_MODEL_THREADS: process.env.CAIRN_MODEL_THREADS || "1" }, { worker: false, port });
  // After the server started (it must not inherit it), before anything here reads config(): this process's LLM is the remote one.
  savedEnv = { ...process.env };
  process.env.CAIRN_LLM_URL = remoteUrl;
  delete process.env.CAIRN_LLM_MODEL;
}, 600_000);

afterAll(async () => {
  await disposeModels();
  // One process runs every model-dependent file: the env is put back for those after this one.
  if (savedEnv) {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
  for (const s of servers) s.closeAllConnections?.();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await app?.stop();
});

describe("against another Cairn's /v1", () => {
  test("generate streams the server's tokens; counts come from the server's usage; the model is the remote LLM", async () => {
    const llm = await connectRemoteLanguageModel({ baseURL: remoteUrl, contextSize: 4096, timeoutMs: 120_000 });
    expect(llm.modelName).toMatch(/qwen/i);
    const pieces: string[] = [];
    const r = await llm.generate(MESSAGES, { maxTokens: 24, onToken: (t) => pieces.push(t) });
    expect(r.aborted).toBe(false);
    expect(pieces.length).toBeGreaterThan(0);
    expect(pieces.join("")).toBe(r.text);
    expect(r.tokens).toBeGreaterThan(0);
    expect(r.tokens).toBeLessThanOrEqual(24);
    expect(r.promptTokens).toBeGreaterThan(0);
  });

  test("abort: the caller's signal stops the stream; the server is free for the next request", async () => {
    const llm = await connectRemoteLanguageModel({ baseURL: remoteUrl, contextSize: 4096, timeoutMs: 120_000 });
    const ac = new AbortController();
    let seen = "";
    const r = await llm.generate([{ role: "user", content: "Count from one to two hundred in words." }], {
      maxTokens: 400,
      signal: ac.signal,
      onToken: (t) => {
        seen += t;
        ac.abort();
      },
    });
    expect(r.aborted).toBe(true);
    expect(r.text).toBe(seen);
    const next = await llm.generate(MESSAGES, { maxTokens: 8 });
    expect(next.aborted).toBe(false);
    expect(next.text.length).toBeGreaterThan(0);
  });

  test("single-user mode: a loopback client of /v1 needs no key (none, or any)", async () => {
    expect((await fetch(`${remoteUrl}/models`)).status).toBe(200);
    expect((await fetch(`${remoteUrl}/models`, { headers: { authorization: "Bearer anything" } })).status).toBe(200);
  });

  test("CAIRN_LLM_URL selects it: getLanguageModel() is the remote model, no model file needed", async () => {
    expect(() => assertModelInstalled("llm")).not.toThrow();
    const llm = await getLanguageModel();
    expect("baseURL" in llm && llm.baseURL).toBe(remoteUrl);
    expect(modelState("llm")).toMatchObject({ status: "ready", name: llm.modelName });
    const r = await llm.generate(MESSAGES, { maxTokens: 8 });
    expect(r.text.length).toBeGreaterThan(0);
  });

  test("a local vocabulary counts tokens exactly; the estimate without one over-counts prose", async () => {
    const llm = await connectRemoteLanguageModel({ baseURL: remoteUrl, contextSize: 4096, timeoutMs: 120_000, tokenizerPath: models.llm });
    const prose = "The combination of the Heron archive vault is changed every spring by the facilities manager, who keeps it in a sealed envelope.";
    const exact = llm.countTokens(prose);
    expect(exact).toBeGreaterThan(10);
    expect(estimateTokens(prose)).toBeGreaterThanOrEqual(exact);
    await llm.dispose();
  });
});

describe("timeouts and retries", () => {
  test("nothing listening: a clear unreachable error after the retries", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/v1`;
    const e = await rejection(connectRemoteLanguageModel({ baseURL: closed, contextSize: 4096, timeoutMs: 5000, maxRetries: 1 }));
    expect(e.reason).toBe("remote_unreachable");
    expect(e.message).toContain(closed);
  });

  test("a server that never answers: remote_timeout; one that stalls mid-stream: remote_timeout with the text so far not returned as an answer", async () => {
    const silent = await localServer(() => {});
    const llm = await connectRemoteLanguageModel({ baseURL: silent, model: "m", contextSize: 4096, timeoutMs: 400, maxRetries: 0 });
    expect((await rejection(llm.generate(MESSAGES))).reason).toBe("remote_timeout");
    const stalling = await localServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(sseChunk("Blue"));
    });
    const llm2 = await connectRemoteLanguageModel({ baseURL: stalling, model: "m", contextSize: 4096, timeoutMs: 400, maxRetries: 0 });
    expect((await rejection(llm2.generate(MESSAGES))).reason).toBe("remote_timeout");
  });

  test("a dropped connection is retried: the second attempt's stream is the answer", async () => {
    let requests = 0;
    const flaky = await localServer((req, res) => {
      requests++;
      if (requests === 1) return req.socket.destroy();
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(`${sseChunk("Blue")}${sseChunk(" sky.")}data: [DONE]\n\n`);
    });
    const llm = await connectRemoteLanguageModel({ baseURL: flaky, model: "m", contextSize: 4096, timeoutMs: 5000, maxRetries: 2 });
    const r = await llm.generate(MESSAGES);
    expect(r.text).toBe("Blue sky.");
    expect(requests).toBe(2);
  });

  test("a prompt the server says is too long is the same error as the in-process model's", async () => {
    const strict = await localServer((_req, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "This model's maximum context length is 4096 tokens.", type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } }));
    });
    const llm = await connectRemoteLanguageModel({ baseURL: strict, model: "m", contextSize: 4096, timeoutMs: 5000, maxRetries: 0 });
    const e = await rejection(llm.generate(MESSAGES));
    expect(e.type).toBe("payload_too_large");
    expect(e.reason).toBe("prompt_too_long");
  });
});
