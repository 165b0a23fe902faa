import { ask, type AskDeps, type AskResult } from "@/lib/ask";
import type { ChatMessage, GenerationResult, LanguageModel } from "@/models/types";
import type { TimedGeneration } from "./rawChat";

// Timing one question through lib/ask with the app's real deps. The LLM is wrapped only to see
// what ask() sends it (the exact messages, for the raw run) and when each piece comes back.

export interface TimedAsk {
  result: AskResult;
  /** ask() called → first answer text the caller receives. */
  ttftMs: number;
  totalMs: number;
  messages: ChatMessage[];
  maxTokens: number;
  /** What the model generated, before citation checks; compared with the raw run. */
  generation: TimedGeneration & { promptTokens: number };
}

function recordingModel(base: LanguageModel, record: (messages: ChatMessage[], maxTokens: number, stamps: number[], res: Promise<GenerationResult>) => void): LanguageModel {
  return {
    modelName: base.modelName,
    contextSize: base.contextSize,
    countTokens: (text) => base.countTokens(text),
    generate(messages, opts = {}) {
      const stamps: number[] = [];
      const res = base.generate(messages, {
        ...opts,
        onToken: (piece) => {
          stamps.push(performance.now());
          opts.onToken?.(piece);
        },
      });
      record(messages, opts.maxTokens ?? base.contextSize, stamps, res);
      return res;
    },
  };
}

export async function timedAsk(question: string, collections: string[], deps: AskDeps): Promise<TimedAsk> {
  let seen: { messages: ChatMessage[]; maxTokens: number; stamps: number[]; res: Promise<GenerationResult>; startedAt: number } | undefined;
  const llm = recordingModel(deps.llm, (messages, maxTokens, stamps, res) => (seen = { messages, maxTokens, stamps, res, startedAt: performance.now() }));
  const start = performance.now();
  let ttftMs = 0;
  const result = await ask({ question, collections, deps: { ...deps, llm }, onToken: () => (ttftMs ||= performance.now() - start) });
  const totalMs = performance.now() - start;
  if (!seen) throw new Error(`"${question}" was not answered (relevance gate): the benchmark corpus or gate changed`);
  const gen = await seen.res;
  return {
    result,
    ttftMs,
    totalMs,
    messages: seen.messages,
    maxTokens: seen.maxTokens,
    generation: { text: gen.text, tokens: gen.tokens, promptTokens: gen.promptTokens, stamps: seen.stamps, startedAt: seen.startedAt, endedAt: seen.startedAt + gen.generationMs },
  };
}

/** The messages ask() would send for `question`, without generating (embed, search and pack only). */
export async function promptFor(question: string, collections: string[], deps: AskDeps): Promise<{ messages: ChatMessage[]; maxTokens: number } | undefined> {
  let seen: { messages: ChatMessage[]; maxTokens: number } | undefined;
  const llm: LanguageModel = {
    modelName: deps.llm.modelName,
    contextSize: deps.llm.contextSize,
    countTokens: (text) => deps.llm.countTokens(text),
    async generate(messages, opts = {}) {
      seen = { messages, maxTokens: opts.maxTokens ?? deps.llm.contextSize };
      return { text: "", tokens: 0, promptTokens: 0, aborted: false, queuedMs: 0, generationMs: 0 };
    },
  };
  await ask({ question, collections, deps: { ...deps, llm } });
  return seen;
}
