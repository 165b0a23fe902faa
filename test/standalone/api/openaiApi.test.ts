import { afterEach, describe, expect, test, vi } from "vitest";
import { CairnError } from "@/core/errors";
import { ApiParamError, chatCompletionBody, deltas, grounded, MAX_BODY_BYTES, openAiErrorBody, openAiErrorResponse, readBody } from "@/lib/openaiApi";
import { RateLimitedError } from "@/lib/utils/rateLimit";

// The pure parts of the /v1 layer: OpenAI's error shape for every kind of Cairn error, body
// limits and validation, the word deltas of a streamed answer. The wire format against a real
// server and the openai client: test/modelDependent/api/openaiClient.test.ts.

afterEach(() => vi.restoreAllMocks());

const req = (body: string, headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1/v1/chat/completions", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

describe("OpenAI's error shape", () => {
  test.each([
    [new CairnError("unauthorized:auth", "This API key is unknown or revoked."), 401, "authentication_error", "invalid_api_key"],
    [new CairnError("forbidden:auth", "Cross-site requests may not change anything here.", { reason: "csrf" }), 403, "permission_error", "csrf"],
    [new CairnError("payload_too_large:api", "The request body is over 1048576 bytes."), 413, "invalid_request_error", "request_too_large"],
    [new CairnError("payload_too_large:model", "The prompt is 5000 tokens.", { reason: "prompt_too_long" }), 400, "invalid_request_error", "context_length_exceeded"],
    [new CairnError("payload_too_large:chat", "No room for any passage.", { reason: "context_full" }), 400, "invalid_request_error", "context_length_exceeded"],
    [new CairnError("unavailable:model", "No LLM installed.", { reason: "model_missing" }), 503, "server_error", "model_missing"],
    [new RateLimitedError("api", "Too many requests.", 7), 429, "rate_limit_error", "rate_limit_exceeded"],
    [new ApiParamError("model", "The model `x` does not exist.", "model_not_found", "not_found"), 404, "invalid_request_error", "model_not_found"],
  ])("%s → %i %s %s", (e, status, type, code) => {
    const r = openAiErrorBody(e);
    expect(r.status).toBe(status);
    expect(r.body.error).toMatchObject({ type, code, message: e.message });
  });

  test("anything else is a 500 server_error that says nothing of its cause; logged", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = openAiErrorResponse(new Error("SQLITE_CORRUPT at /srv/cairn/data/cairn.db"));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.type).toBe("server_error");
    expect(JSON.stringify(body)).not.toMatch(/SQLITE|\/srv/);
    expect(log).toHaveBeenCalled();
  });

  test("429 carries Retry-After; 401 a Bearer challenge", () => {
    expect(openAiErrorResponse(new RateLimitedError("api", "Too many requests.", 7)).headers.get("retry-after")).toBe("7");
    expect(openAiErrorResponse(new CairnError("unauthorized:auth", "Please log in.")).headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});

describe("request bodies", () => {
  test("a declared length over the cap is a 413 before the body is read", async () => {
    const r = req("{}", { "content-length": String(MAX_BODY_BYTES + 1) });
    const e = await readBody(r, chatCompletionBody).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CairnError);
    expect((e as CairnError).status).toBe(413);
    expect(r.bodyUsed).toBe(false);
  });

  test("a body over the cap without a length (chunked) is a 413 too; counted in bytes, not characters", async () => {
    const e = await readBody(req(JSON.stringify({ model: "cairn", messages: [{ role: "user", content: "é".repeat(MAX_BODY_BYTES / 2) }] })), chatCompletionBody).catch((x: unknown) => x);
    expect((e as CairnError).status).toBe(413);
  });

  test("malformed JSON and each invalid field name the parameter", async () => {
    const bad = async (body: string) => (await readBody(req(body), chatCompletionBody).catch((x: unknown) => x)) as ApiParamError;
    expect((await bad("{")).openAiCode).toBe("invalid_json");
    expect((await bad("[]")).param).toBe(null);
    expect((await bad(JSON.stringify({ model: "cairn", messages: [{ role: "user", content: 3 }] }))).param).toBe("messages.0.content");
    expect((await bad(JSON.stringify({ model: "cairn", messages: [{ role: "user", content: "x" }], temperature: 9 }))).param).toBe("temperature");
    expect((await bad(JSON.stringify({ model: "cairn", messages: [{ role: "user", content: "x" }], cairn: { collections: "alpha" } }))).param).toBe("cairn.collections");
    expect((await bad(JSON.stringify({ model: "cairn", messages: [{ role: "user", content: "x" }], response_format: { type: "json_object" } }))).param).toBe("response_format.type");
    expect((await bad(JSON.stringify({ model: "cairn", messages: [{ role: "user", content: "x" }], tools: [{ type: "function" }] }))).param).toBe("tools");
  });

  test("OpenAI fields Cairn does not use are accepted and dropped; content parts are joined", async () => {
    const body = await readBody(
      req(JSON.stringify({ model: "cairn", messages: [{ role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }], top_p: 1, user: "u", presence_penalty: 0 })),
      chatCompletionBody,
    );
    expect(body).not.toHaveProperty("top_p");
    expect(body.messages[0]!.content).toEqual([{ type: "text", text: "a" }, { type: "text", text: "b" }]);
  });

  test("grounded: `cairn` unless retrieval is off; the LLM by name is plain chat", () => {
    const m = [{ role: "user" as const, content: "x" }];
    expect(grounded({ model: "cairn", messages: m })).toBe(true);
    expect(grounded({ model: "cairn", messages: m, cairn: { retrieval: false } })).toBe(false);
    expect(grounded({ model: "qwen2.5-coder-0.5b-instruct-q4_k_m", messages: m })).toBe(false);
  });
});

test("deltas give the answer back exactly, whitespace and markers included", () => {
  for (const text of ["The vault code is 4417-QUARTZ-9 [1].", "  two\n\nparagraphs [1][2]  ", "", "one"]) {
    expect(deltas(text).join("")).toBe(text);
  }
  expect(deltas("a b c")).toEqual(["a", " b", " c"]);
});
