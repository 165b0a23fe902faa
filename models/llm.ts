import path from "node:path";
import { LlamaChat, type ChatHistoryItem, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { CairnError } from "@/core/errors";
import { CALIBRATION_TEXT, PromptSpeedMeter } from "./promptSpeed";
import { ModelQueue } from "./queue";
import type { ChatMessage, GenerateOptions, GenerationResult, LanguageModel, PromptSpeed } from "./types";
import { getLlamaInstance } from "./utils/llamaInstance";

// The in-process LLM: one model, one context, one sequence, served one request at a time.
// Every generate() is stateless: the history is rebuilt from `messages`; only the KV cache of a
// prefix identical to the previous request (typically the system prompt) is reused, which
// cuts time to first token without carrying any content over.

export interface LoadLanguageModelOptions {
  contextSize: number;
  /** Display name; defaults to the file name without extension. */
  name?: string;
  /** CPU threads; 0 or unset = all math cores. */
  threads?: number;
  /** > 0 pins the reported prompt-processing speed (tokens/s) and skips measuring it. */
  promptTokensPerSecond?: number;
}

export interface LocalLanguageModel extends LanguageModel {
  /** Measured at load and from every generation, or pinned (never absent for the in-process model). */
  promptSpeed(): PromptSpeed | null;
  /** The same weights with a context of `contextSize` tokens (capped at the trained context; this one if not larger). */
  withContextSize(contextSize: number): Promise<LanguageModel>;
  dispose(): Promise<void>;
}

export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  if (messages.length === 0 || messages.at(-1)!.role !== "user") {
    throw new CairnError("bad_request:model", "A generation request must end with a user message.", { reason: "bad_messages" });
  }
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === "assistant" ? { type: "model", response: [m.content] } : { type: m.role, text: m.content },
  );
  // An empty model turn asks the chat template to open the assistant's answer.
  history.push({ type: "model", response: [] });
  return history;
}

export async function loadLanguageModel(modelPath: string, options: LoadLanguageModelOptions): Promise<LocalLanguageModel> {
  const llama = await getLlamaInstance();
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath });
  } catch (cause) {
    throw new CairnError("unavailable:model", `Could not load the language model ${modelPath}: ${(cause as Error).message}`, { reason: "load_failed", cause });
  }
  let context: LlamaContext;
  try {
    context = await model.createContext({ contextSize: options.contextSize, sequences: 1, threads: options.threads || llama.cpuMathCores });
  } catch (cause) {
    await model.dispose();
    throw new CairnError("unavailable:model", `Could not create a ${options.contextSize}-token context for ${modelPath}: ${(cause as Error).message}`, {
      reason: "context_failed",
      cause,
    });
  }
  const queue = new ModelQueue();
  const modelName = options.name ?? path.basename(modelPath).replace(/\.gguf$/i, "");
  // One meter for the weights: every context of this model evaluates at the same speed.
  const meter = new PromptSpeedMeter(options.promptTokensPerSecond ?? 0);
  if (!meter.get()) await calibrate(context, model, meter);
  const main = session(model, context, queue, modelName, meter);
  // Larger contexts over the same weights (whole-document tasks), created on first use; one queue
  // for all, so a summary and an answer never compete for the cores.
  const extra = new Map<number, Promise<ReturnType<typeof session>>>();

  return {
    ...main,
    withContextSize(size) {
      const n = Math.min(size, model.trainContextSize);
      if (n <= context.contextSize) return Promise.resolve(main);
      let made = extra.get(n);
      if (!made) {
        made = model.createContext({ contextSize: n, sequences: 1, threads: options.threads || llama.cpuMathCores }).then((c) => session(model, c, queue, modelName, meter));
        // A failure (e.g. out of memory) is reported to this caller and retried by the next.
        made.catch(() => extra.delete(n));
        extra.set(n, made);
      }
      return made;
    },
    async dispose() {
      // Queued like a generation: answers already waiting for this model finish first.
      await queue.run(async () => {
        for (const s of await Promise.allSettled(extra.values())) if (s.status === "fulfilled") await s.value.close();
        await main.close();
        await model.dispose();
      });
    },
  };
}

/**
 * The load-time measurement: a short warm-up (the first evaluation pays one-off setup), then the
 * fixed text, timed. The sequence is cleared after; a failure leaves the speed unknown, not the load failed.
 */
async function calibrate(context: LlamaContext, model: LlamaModel, meter: PromptSpeedMeter): Promise<void> {
  const sequence = context.getSequence();
  try {
    const tokens = model.tokenize(CALIBRATION_TEXT);
    await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(0, 8));
    await sequence.clearHistory();
    const t0 = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(tokens);
    meter.record(tokens.length, performance.now() - t0, "load");
    await sequence.clearHistory();
  } catch (e) {
    console.warn(`Could not measure the LLM's prompt speed at load: ${(e as Error).message}`);
  } finally {
    sequence.dispose();
  }
}

/** One context and its chat: stateless generate() calls, served one at a time by `queue`. */
function session(model: LlamaModel, context: LlamaContext, queue: ModelQueue, modelName: string, meter: PromptSpeedMeter) {
  const sequence = context.getSequence();
  // The model's own chat template (resolved from the GGUF), kept for the sequence's lifetime.
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: "auto", autoDisposeSequence: false });

  const countPromptTokens = (history: ChatHistoryItem[]) =>
    chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer).length;

  async function generateNow(messages: ChatMessage[], opts: GenerateOptions, queuedMs: number): Promise<GenerationResult> {
    const history = toChatHistory(messages);
    const promptTokens = countPromptTokens(history);
    const room = context.contextSize - promptTokens;
    if (room < 1) {
      throw new CairnError("payload_too_large:model", `The prompt is ${promptTokens} tokens; the model's context holds ${context.contextSize}.`, {
        reason: "prompt_too_long",
      });
    }
    // Generation never shifts the context: a request that does not fit is capped, not silently truncated.
    const maxTokens = Math.min(opts.maxTokens ?? room, room);
    // No clear: LlamaChat reuses the KV cache of the prefix shared with the last request (the system prompt).
    const started = performance.now();
    let tokens = 0;
    if (opts.signal?.aborted) return { text: "", tokens, promptTokens, aborted: true, queuedMs, generationMs: 0 };
    // Prompt speed from this generation: the input tokens evaluated (the cached prefix is not) by the first token.
    const inputBefore = sequence.tokenMeter.usedInputTokens;
    const res = await chat.generateResponse(history, {
      maxTokens,
      temperature: opts.temperature ?? 0,
      signal: opts.signal,
      stopOnAbortSignal: true,
      onToken: (t) => {
        if (tokens === 0) meter.record(sequence.tokenMeter.usedInputTokens - inputBefore, performance.now() - started);
        tokens += t.length;
      },
      onTextChunk: opts.onToken,
    });
    return {
      text: res.response,
      tokens,
      promptTokens,
      aborted: res.metadata.stopReason === "abort",
      queuedMs,
      generationMs: performance.now() - started,
    };
  }

  return {
    modelName,
    contextSize: context.contextSize,
    countTokens: (text: string) => model.tokenize(text).length,
    promptSpeed: () => meter.get(),
    async generate(messages: ChatMessage[], opts: GenerateOptions = {}): Promise<GenerationResult> {
      try {
        return await queue.run(({ queuedMs }) => generateNow(messages, opts, queuedMs), { signal: opts.signal });
      } catch (e) {
        // Cancelled while still waiting: report it like an abort during generation.
        if (e instanceof CairnError && e.reason === "aborted") {
          return { text: "", tokens: 0, promptTokens: 0, aborted: true, queuedMs: 0, generationMs: 0 };
        }
        throw e;
      }
    },
    async close() {
      chat.dispose();
      await context.dispose();
    },
  };
}
