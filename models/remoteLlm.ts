import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { CairnError } from "@/core/errors";
import type { ChatMessage, GenerateOptions, GenerationResult, LanguageModel } from "./types";
import { getLlamaInstance } from "./utils/llamaInstance";

// The LLM on another machine: any OpenAI-compatible server (llama.cpp's server, vLLM, Ollama,
// another Cairn's /v1), selected by CAIRN_LLM_URL. The `openai` client does the HTTP: SSE,
// retries with backoff on connection errors, 408/429/5xx before anything streams, abort. Here:
// an idle timeout while streaming, errors as CairnErrors, and token counts without the model
// (the server's usage for what was sent; a vocabulary-only tokenizer or an over-estimate for packing).

export interface RemoteLanguageModelOptions {
  baseURL: string;
  apiKey?: string;
  /** The model to ask for; default: the first the server lists (other than another Cairn's `cairn`). */
  model?: string;
  /** The context the server was started with; prompts are packed to fit it. */
  contextSize: number;
  /** Fails a request that sends nothing (headers, or the next chunk) for this long. */
  timeoutMs: number;
  /** Retries of a request that could not connect (or got 408/429/5xx) before streaming. */
  maxRetries?: number;
  /** A .gguf whose vocabulary (only) is loaded to count tokens exactly. */
  tokenizerPath?: string;
}

export interface RemoteLanguageModel extends LanguageModel {
  readonly baseURL: string;
  dispose(): Promise<void>;
}

/**
 * Tokens of `text` for a model we cannot see: one per 3 UTF-8 bytes, rounded up, is more than any
 * BPE vocabulary of a current chat model gives for prose (≈4 bytes a token), so packing errs on the
 * side of room. Digit- or symbol-heavy text can exceed it; the server then says the prompt is too long.
 */
export const estimateTokens = (text: string): number => Math.ceil(Buffer.byteLength(text, "utf8") / 3);

/** A failed call to an OpenAI-compatible server as a CairnError; `what` names the server in messages. */
export function unreachable(baseURL: string, e: unknown, what = "LLM server"): CairnError {
  if (e instanceof APIConnectionTimeoutError) {
    return new CairnError("unavailable:model", `The ${what} at ${baseURL} did not answer in time.`, { reason: "remote_timeout", cause: e });
  }
  if (e instanceof APIConnectionError) {
    const cause = (e.cause as { cause?: { code?: string } } | undefined)?.cause?.code;
    return new CairnError("unavailable:model", `Could not reach the ${what} at ${baseURL}${cause ? ` (${cause})` : ""}.`, { reason: "remote_unreachable", cause: e });
  }
  if (e instanceof APIError) {
    const code = (e as APIError & { code?: string | null }).code;
    if (e.status === 400 && (code === "context_length_exceeded" || /context|too long|exceed/i.test(e.message))) {
      return new CairnError("payload_too_large:model", `The ${what} at ${baseURL} says the input is too long: ${e.message}`, { reason: "prompt_too_long", cause: e });
    }
    return new CairnError("unavailable:model", `The ${what} at ${baseURL} answered ${e.status ?? "an error"}: ${e.message}`, { reason: "remote_error", cause: e });
  }
  return e instanceof CairnError ? e : new CairnError("unavailable:model", `The ${what} at ${baseURL} failed: ${(e as Error).message}`, { reason: "remote_error", cause: e });
}

export async function connectRemoteLanguageModel(options: RemoteLanguageModelOptions): Promise<RemoteLanguageModel> {
  const { baseURL, timeoutMs } = options;
  // The key is only ever sent to this server; "none" because the client insists on one.
  const client = new OpenAI({ baseURL, apiKey: options.apiKey ?? "none", timeout: timeoutMs, maxRetries: options.maxRetries ?? 2 });
  let modelName = options.model;
  if (!modelName) {
    try {
      const ids = (await client.models.list()).data.map((m) => m.id);
      modelName = ids.find((id) => id !== "cairn");
    } catch (e) {
      throw unreachable(baseURL, e);
    }
    if (!modelName) throw new CairnError("unavailable:model", `The LLM server at ${baseURL} lists no model; set CAIRN_LLM_REMOTE_MODEL.`, { reason: "remote_no_model" });
  }
  let countTokens = estimateTokens;
  let disposeTokenizer = async () => {};
  if (options.tokenizerPath) {
    const llama = await getLlamaInstance();
    const vocab = await llama.loadModel({ modelPath: options.tokenizerPath, vocabOnly: true });
    countTokens = (text) => vocab.tokenize(text).length;
    disposeTokenizer = () => vocab.dispose();
  }

  async function generate(messages: ChatMessage[], opts: GenerateOptions = {}): Promise<GenerationResult> {
    if (messages.length === 0 || messages.at(-1)!.role !== "user") {
      throw new CairnError("bad_request:model", "A generation request must end with a user message.", { reason: "bad_messages" });
    }
    const started = performance.now();
    let text = "";
    let chunks = 0;
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    if (opts.signal?.aborted) return { text, tokens: 0, promptTokens: 0, aborted: true, queuedMs: 0, generationMs: 0 };
    // Aborted by the caller, or by us when the server goes quiet mid-stream.
    const idle = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, idle.signal]) : idle.signal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), timeoutMs);
    };
    let firstChunkMs = 0;
    try {
      const stream = await client.chat.completions.create(
        {
          model: modelName!,
          messages,
          stream: true,
          stream_options: { include_usage: true },
          temperature: opts.temperature ?? 0,
          ...(opts.maxTokens !== undefined && { max_tokens: opts.maxTokens }),
        },
        { signal },
      );
      quiet();
      for await (const chunk of stream) {
        quiet();
        if (chunk.usage) usage = chunk.usage;
        const piece = chunk.choices[0]?.delta?.content;
        if (!piece) continue;
        if (chunks === 0) firstChunkMs = performance.now() - started;
        chunks++;
        text += piece;
        opts.onToken?.(piece);
      }
    } catch (e) {
      if (!signal.aborted && !(e instanceof APIUserAbortError)) throw unreachable(baseURL, e);
    } finally {
      clearTimeout(timer);
    }
    // An aborted stream ends the loop quietly (the client's choice): which signal did it decides the outcome.
    if (opts.signal?.aborted) {
      return { text, tokens: chunks, promptTokens: usage?.prompt_tokens ?? 0, aborted: true, queuedMs: 0, generationMs: performance.now() - started };
    }
    if (idle.signal.aborted) {
      throw new CairnError("unavailable:model", `The LLM server at ${baseURL} sent nothing for ${timeoutMs} ms.`, { reason: "remote_timeout" });
    }
    return {
      text,
      tokens: usage?.completion_tokens ?? chunks,
      promptTokens: usage?.prompt_tokens ?? 0,
      aborted: false,
      // The server's queue is invisible from here; time to the first token is the nearest measure.
      queuedMs: firstChunkMs,
      generationMs: performance.now() - started - firstChunkMs,
    };
  }

  return {
    baseURL,
    modelName,
    contextSize: options.contextSize,
    countTokens: (text) => countTokens(text),
    generate,
    dispose: () => disposeTokenizer(),
  };
}
