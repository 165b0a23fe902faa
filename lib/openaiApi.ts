import { randomUUID } from "node:crypto";
import { z } from "zod";
import { config } from "@/core/config";
import { CairnError, isCairnError } from "@/core/errors";
import { getEmbedder, getLanguageModel, modelState } from "@/models";
import { assertModelInstalled } from "@/models/modelMissing";
import type { ChatMessage } from "@/models/types";
import { ask, type AskResult } from "./ask";
import { realAskDeps } from "./askDeps";
import { accountsEnabled, currentPrincipal, type Principal } from "./auth";
import { route, toClientError } from "./http";
import { sha256 } from "./requestAuth";
import { resolveCollections } from "./searchScope";
import { withSupport } from "./supportSpans";
import { RateLimitedError, RateLimiter } from "./utils/rateLimit";

// The OpenAI-compatible API (/v1): the same ask() as /api/ask — retrieval over the caller's
// readable collections, the answerability gate, citation checks and verification — in OpenAI's
// wire format, with Cairn's citations in a `cairn` extension field. Stateless: nothing is saved
// as a chat. See README "OpenAI-compatible API".

/** The grounded model: answers from the caller's documents. The loaded LLM's own name is accepted too. */
export const CAIRN_MODEL = "cairn";
export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_EMBED_INPUTS = 256;
const MAX_MESSAGES = 200;

/** A CairnError that names the request field at fault (OpenAI's `param`). */
export class ApiParamError extends CairnError {
  constructor(
    readonly param: string | null,
    message: string,
    readonly openAiCode: string,
    type: "bad_request" | "not_found" = "bad_request",
  ) {
    super(`${type}:api`, message, { reason: openAiCode });
  }
}

const openAiType: Record<string, string> = {
  unauthorized: "authentication_error",
  forbidden: "permission_error",
  rate_limit: "rate_limit_error",
  unavailable: "server_error",
  internal: "server_error",
};

const openAiCodes: Record<string, string> = {
  unauthorized: "invalid_api_key",
  rate_limit: "rate_limit_exceeded",
  payload_too_large: "request_too_large",
};

/** Any thrown error as OpenAI's `{ error: { message, type, param, code } }`, with Cairn's status. */
export function openAiErrorBody(e: unknown): { status: number; body: { error: { message: string; type: string; param: string | null; code: string | null } } } {
  const err = toClientError(e);
  // A prompt longer than the context is a 400 in OpenAI's API, not a 413.
  const contextFull = err.type === "payload_too_large" && (err.reason === "prompt_too_long" || err.reason === "context_full");
  const status = contextFull ? 400 : err.status;
  const code = contextFull ? "context_length_exceeded" : err instanceof ApiParamError ? err.openAiCode : (openAiCodes[err.type] ?? err.reason ?? err.code);
  return {
    status,
    body: {
      error: {
        message: err.userMessage,
        type: openAiType[err.type] ?? "invalid_request_error",
        param: err instanceof ApiParamError ? err.param : null,
        code,
      },
    },
  };
}

export function openAiErrorResponse(e: unknown): Response {
  const { status, body } = openAiErrorBody(e);
  const headers: Record<string, string> = {};
  if (e instanceof RateLimitedError) headers["retry-after"] = String(e.retryAfterSeconds);
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="cairn"';
  return Response.json(body, { status, headers });
}

let apiLimiter: RateLimiter | undefined;

/** Per API key (by its hash), else per logged-in user, else the single local user. */
function rateLimitKey(request: Request, principal: Principal): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (accountsEnabled() && principal.via === "api_key" && bearer) return `key:${sha256(bearer)}`;
  return `user:${principal.userId}`;
}

function assertApiRateLimit(request: Request): void {
  apiLimiter ??= new RateLimiter(config().apiRateLimitPerMin, 60_000);
  const key = rateLimitKey(request, currentPrincipal());
  if (!apiLimiter.hit(key)) {
    const wait = apiLimiter.retryAfterSeconds(key);
    throw new RateLimitedError("api", `Rate limit reached for this API key: ${config().apiRateLimitPerMin} requests per minute. Try again in ${wait} s.`, wait);
  }
}

/**
 * Every /v1 route: lib/http's route() (same-origin check, session or API key, 401 before the
 * handler), then the per-key limit; errors in OpenAI's shape.
 */
export function v1Route(handler: (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>) {
  return route(
    async (request: Request, ctx: { params: Promise<Record<string, string>> }) => {
      assertApiRateLimit(request);
      return handler(request, ctx);
    },
    { onError: openAiErrorResponse },
  );
}

/** A JSON body within MAX_BODY_BYTES, validated by `schema`; each failure a 400 (413 when too big) naming the field. */
export async function readBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooBig = () => new CairnError("payload_too_large:api", `The request body is over ${MAX_BODY_BYTES} bytes.`);
  if (declared > MAX_BODY_BYTES) throw tooBig();
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw tooBig();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiParamError(null, "We could not parse the JSON body of your request. It must be a JSON object.", "invalid_json");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const param = first.path.length ? first.path.join(".") : null;
    const all = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    throw new ApiParamError(param, `Invalid request: ${all}`, "invalid_request");
  }
  return parsed.data;
}

// ---------- models ----------

const created = Math.floor(Date.now() / 1000);

export interface ModelObject {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/** What /v1 serves: `cairn` (answers from your documents), the LLM itself (plain chat), the embedder. Nothing loads. */
export function listModels(): ModelObject[] {
  const out: ModelObject[] = [];
  const llm = modelState("llm");
  const embedder = modelState("embedder");
  const model = (id: string): ModelObject => ({ id, object: "model", created, owned_by: "cairn" });
  if (llm.status !== "missing" && llm.name) out.push(model(CAIRN_MODEL), model(llm.name));
  if (embedder.status !== "missing" && embedder.name) out.push(model(embedder.name));
  return out;
}

const modelNotFound = (id: string) =>
  new ApiParamError("model", `The model \`${id}\` does not exist on this server. GET /v1/models lists the ones it serves.`, "model_not_found", "not_found");

export function getModel(id: string): ModelObject {
  const found = listModels().find((m) => m.id === id);
  if (!found) throw modelNotFound(id);
  return found;
}

// ---------- chat completions ----------

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const message = z.object({
  role: z.enum(["system", "developer", "user", "assistant"]),
  content: z.union([z.string(), z.array(textPart).min(1)]),
  name: z.string().optional(),
});

export const chatCompletionBody = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1).max(MAX_MESSAGES),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  n: z.literal(1).nullish(),
  tools: z.array(z.unknown()).max(0, "tools are not supported").nullish(),
  // JSON modes are refused rather than ignored: a client expecting JSON would get prose.
  response_format: z.object({ type: z.literal("text", "only text responses are supported") }).nullish(),
  /** Cairn's extension: which collections to answer from, or no retrieval at all (plain chat with the LLM). */
  cairn: z
    .object({
      collections: z.array(z.string().min(1).max(200)).max(100).optional(),
      retrieval: z.boolean().optional(),
      /** Stream the model's tokens as generated (before verification); the verified answer then arrives in `cairn.answer`. */
      stream_unverified: z.boolean().optional(),
    })
    .strict()
    .optional(),
});
export type ChatCompletionBody = z.infer<typeof chatCompletionBody>;

const contentText = (c: z.infer<typeof message>["content"]) => (typeof c === "string" ? c : c.map((p) => p.text).join(""));

export interface CairnCitation {
  n: number;
  file: string;
  documentId: string;
  collectionId: string;
  page: number | null;
  headingPath: string;
  /** Page-text offsets of the cited passage. */
  charStart: number;
  charEnd: number;
  quote: string;
  /** Page-text offsets of the passage sentence(s) supporting the answer. */
  supportStart: number;
  supportEnd: number;
  /** Offsets, in the answer text, of the answer sentences citing this passage. */
  answerSentences: { start: number; end: number }[];
}

/** The `cairn` extension field of a completion (the last chunk when streaming). */
export interface CairnExtension {
  retrieval: boolean;
  answered: boolean;
  refusal: { reason: string; missingTerms: string[] } | null;
  quoted: { reason: string; modelAnswer: string } | null;
  citations: CairnCitation[];
  sentences: { start: number; end: number; verdict: string; citations: number[] }[];
  /** The verified answer, when the streamed text (stream_unverified) differs from it. */
  answer?: string;
}

export interface Completion {
  content: string;
  finishReason: "stop" | "length";
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  cairn: CairnExtension;
}

function extension(result: AskResult): CairnExtension {
  const sentences = result.sentences.map((s) => ({ start: s.start, end: s.end, verdict: s.verdict, citations: s.citations }));
  return {
    retrieval: true,
    answered: result.answered,
    refusal: result.refusal ? { reason: result.refusal.reason, missingTerms: result.refusal.missingTerms } : null,
    quoted: result.quoted ? { reason: result.quoted.reason, modelAnswer: result.quoted.modelAnswer } : null,
    citations: withSupport(result.citations, result.sentences).map((c) => ({
      n: c.n,
      file: c.fileName,
      documentId: c.documentId,
      collectionId: c.collectionId,
      page: c.page,
      headingPath: c.headingPath,
      charStart: c.charStart,
      charEnd: c.charEnd,
      quote: c.quote,
      supportStart: c.supportStart,
      supportEnd: c.supportEnd,
      answerSentences: sentences.filter((s) => s.citations.includes(c.n)).map(({ start, end }) => ({ start, end })),
    })),
    sentences,
  };
}

function assertChatModel(model: string): void {
  const llm = modelState("llm");
  if (llm.status === "missing") assertModelInstalled("llm");
  if (model !== CAIRN_MODEL && model !== llm.name) throw modelNotFound(model);
}

/** `cairn` answers from the documents (unless cairn.retrieval is false); the LLM by its own name is plain chat, as any OpenAI-compatible server. */
export const grounded = (body: ChatCompletionBody): boolean => body.model === CAIRN_MODEL && body.cairn?.retrieval !== false;

export interface CompleteOptions {
  signal?: AbortSignal;
  /** Each piece of generated text as it comes (only with cairn.stream_unverified or without retrieval). */
  onToken?: (text: string) => void;
}

/** The checks a request must pass before anything streams (so they get their own status code). */
export function checkChatRequest(body: ChatCompletionBody): { maxTokens: number; messages: ChatMessage[]; last: ChatMessage } {
  assertChatModel(body.model);
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? config().askAnswerTokens;
  const cap = config().apiMaxTokens;
  if (maxTokens > cap) throw new ApiParamError(body.max_tokens != null ? "max_tokens" : "max_completion_tokens", `max_tokens is ${maxTokens}; this server allows at most ${cap}.`, "max_tokens_exceeded");
  const messages: ChatMessage[] = body.messages.map((m) => ({ role: m.role === "developer" ? "system" : m.role, content: contentText(m.content) }));
  const last = messages.at(-1)!;
  if (last.role !== "user") throw new ApiParamError("messages", "The last message must be the user's.", "invalid_messages");
  if (last.content.trim() === "") throw new ApiParamError("messages", "The last user message is empty.", "empty_question");
  return { maxTokens, messages, last };
}

/** Answers a chat completion request as `principal`; throws (before generating) on a bad request. */
export async function completeChat(principal: Principal, body: ChatCompletionBody, opts: CompleteOptions = {}): Promise<Completion> {
  const { maxTokens, messages, last } = checkChatRequest(body);
  const finish = (tokens: number): Completion["finishReason"] => (tokens >= maxTokens ? "length" : "stop");

  if (!grounded(body)) {
    // Plain chat: the LLM as it is, the caller's own system prompt; no documents are read.
    const llm = await getLanguageModel();
    const r = await llm.generate(messages, { maxTokens, temperature: body.temperature ?? 0, signal: opts.signal, onToken: opts.onToken });
    return {
      content: r.text,
      finishReason: finish(r.tokens),
      usage: { prompt_tokens: r.promptTokens, completion_tokens: r.tokens, total_tokens: r.promptTokens + r.tokens },
      cairn: { retrieval: false, answered: true, refusal: null, quoted: null, citations: [], sentences: [] },
    };
  }

  // Grounded: the same ask() as /api/ask. Cairn's own system prompt; the client's system messages
  // cannot loosen what an answer must rest on, so they are not passed on.
  const history = messages.slice(0, -1).filter((m) => m.role !== "system");
  const collections = resolveCollections(principal, body.cairn?.collections);
  const deps = await realAskDeps();
  const result = await ask({
    question: last.content,
    history,
    collections,
    deps,
    signal: opts.signal,
    onToken: body.cairn?.stream_unverified ? opts.onToken : undefined,
    options: { reserveForAnswer: maxTokens, ...(body.temperature != null && { temperature: body.temperature }) },
  });
  const generatedByModel = result.answerTokens > 0;
  const prompt = generatedByModel ? result.retrieval.promptTokens : 0;
  return {
    content: result.answer,
    // A quoted sentence or Cairn's refusal is complete whatever the model did.
    finishReason: result.answered && !result.quoted ? finish(result.answerTokens) : "stop",
    usage: { prompt_tokens: prompt, completion_tokens: result.answerTokens, total_tokens: prompt + result.answerTokens },
    cairn: extension(result),
  };
}

export function completionId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, "")}`;
}

export function completionObject(id: string, model: string, c: Completion) {
  return {
    id,
    object: "chat.completion" as const,
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant" as const, content: c.content, refusal: null }, logprobs: null, finish_reason: c.finishReason }],
    usage: c.usage,
    cairn: c.cairn,
  };
}

/** Text split into word-sized deltas (whitespace kept), so concatenating them gives it back exactly. */
export function deltas(text: string): string[] {
  return text.match(/\s*\S+(?:\s+$)?/g) ?? (text ? [text] : []);
}

/**
 * The SSE stream of a chat completion in OpenAI's chunk format: a role chunk at once, content
 * deltas, a last choice chunk with finish_reason and `cairn`, a usage chunk when asked, [DONE].
 * By default the deltas are the verified answer (sent after verification, with keep-alive
 * comments meanwhile), so a client that only reads deltas never shows a withheld sentence.
 */
export function completionStream(principal: Principal, body: ChatCompletionBody, request: Request): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const id = completionId();
  const createdAt = Math.floor(Date.now() / 1000);
  const includeUsage = body.stream_options?.include_usage === true;
  const live = !grounded(body) || body.cairn?.stream_unverified === true;
  const abort = new AbortController();
  const onDisconnect = () => abort.abort(new Error("client disconnected"));
  request.signal.addEventListener("abort", onDisconnect, { once: true });
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const send = (s: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(s));
        } catch (e) {
          open = false;
          abort.abort(e);
        }
      };
      const chunk = (choice: object | null, extra: object = {}) =>
        send(
          `data: ${JSON.stringify({
            id,
            object: "chat.completion.chunk",
            created: createdAt,
            model: body.model,
            choices: choice ? [{ index: 0, logprobs: null, ...choice }] : [],
            ...(includeUsage && { usage: null }),
            ...extra,
          })}\n\n`,
        );
      chunk({ delta: { role: "assistant", content: "" }, finish_reason: null });
      heartbeat = setInterval(() => send(": keep-alive\n\n"), 10_000);
      let streamed = "";
      try {
        const c = await completeChat(principal, body, {
          signal: abort.signal,
          onToken: (text) => {
            streamed += text;
            chunk({ delta: { content: text }, finish_reason: null });
          },
        });
        clearInterval(heartbeat);
        if (!live) for (const d of deltas(c.content)) chunk({ delta: { content: d }, finish_reason: null });
        else if (streamed !== c.content) c.cairn.answer = c.content;
        chunk({ delta: {}, finish_reason: c.finishReason }, { cairn: c.cairn });
        if (includeUsage) chunk(null, { usage: c.usage });
        send("data: [DONE]\n\n");
      } catch (e) {
        if (!abort.signal.aborted) send(`data: ${JSON.stringify(openAiErrorBody(e).body)}\n\n`);
      } finally {
        clearInterval(heartbeat);
        request.signal.removeEventListener("abort", onDisconnect);
        if (open) controller.close();
        open = false;
      }
    },
    cancel() {
      clearInterval(heartbeat);
      abort.abort(new Error("client disconnected"));
    },
  });
}

// ---------- embeddings ----------

export const embeddingsBody = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1).max(MAX_EMBED_INPUTS)]),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: z.number().int().min(1).nullish(),
  user: z.string().nullish(),
});

export async function embed(body: z.infer<typeof embeddingsBody>) {
  const state = modelState("embedder");
  if (state.status === "missing") assertModelInstalled("embedder");
  if (body.model !== state.name) throw modelNotFound(body.model);
  const embedder = await getEmbedder();
  if (body.dimensions != null && body.dimensions !== embedder.dimensions) {
    throw new ApiParamError("dimensions", `The embedder ${embedder.modelName} returns ${embedder.dimensions} dimensions; it cannot return ${body.dimensions}.`, "invalid_dimensions");
  }
  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  let vectors: Float32Array[];
  try {
    vectors = await embedder.embed(inputs);
  } catch (e) {
    // Empty or over-long input: the caller's to fix, named as OpenAI names it.
    if (isCairnError(e) && (e.reason === "empty_input" || e.type === "payload_too_large")) throw new ApiParamError("input", e.message, e.reason ?? "invalid_input");
    throw e;
  }
  const tokens = inputs.reduce((sum, t) => sum + embedder.countTokens(t), 0);
  const base64 = body.encoding_format === "base64";
  return {
    object: "list" as const,
    data: vectors.map((v, index) => ({
      object: "embedding" as const,
      index,
      // base64: the float32 little-endian bytes, as OpenAI sends them (the openai client asks for this by default).
      embedding: base64 ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") : Array.from(v),
    })),
    model: embedder.modelName,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
