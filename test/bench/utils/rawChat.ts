import { LlamaChat, type ChatHistoryItem, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import type { ChatMessage } from "@/models/types";
import { getLlamaInstance } from "@/models/utils/llamaInstance";

// Plain node-llama-cpp on the same messages, for the "ours vs raw" ratio: its own copy of the
// model, one context of the same size and threads, LlamaChat with the GGUF's chat template,
// greedy. No queue, no citation filter, no Cairn code between the caller and the model.

export interface TimedGeneration {
  text: string;
  tokens: number;
  /** performance.now() at each text piece the model emitted. */
  stamps: number[];
  startedAt: number;
  endedAt: number;
}

export interface RawChat {
  generate(messages: ChatMessage[], maxTokens: number): Promise<TimedGeneration>;
  dispose(): Promise<void>;
}

export async function openRawChat(modelPath: string, contextSize: number, threads: number): Promise<RawChat> {
  const llama = await getLlamaInstance();
  const model: LlamaModel = await llama.loadModel({ modelPath });
  const context: LlamaContext = await model.createContext({ contextSize, sequences: 1, threads });
  const sequence = context.getSequence();
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: "auto", autoDisposeSequence: false });
  return {
    async generate(messages, maxTokens) {
      const history: ChatHistoryItem[] = messages.map((m) =>
        m.role === "assistant" ? { type: "model", response: [m.content] } : { type: m.role, text: m.content },
      );
      history.push({ type: "model", response: [] });
      // Same state as a Cairn request: an empty sequence, nothing reused from the last prompt.
      if (sequence.nextTokenIndex > 0) await sequence.clearHistory();
      const stamps: number[] = [];
      let tokens = 0;
      const startedAt = performance.now();
      const res = await chat.generateResponse(history, {
        maxTokens,
        temperature: 0,
        onToken: (t) => (tokens += t.length),
        onTextChunk: () => stamps.push(performance.now()),
      });
      return { text: res.response, tokens, stamps, startedAt, endedAt: performance.now() };
    },
    async dispose() {
      chat.dispose();
      await context.dispose();
      await model.dispose();
    },
  };
}

/** Tokens per second while the answer streams: tokens after the first piece over the time they took. */
export function streamTokensPerSecond(tokens: number, stamps: number[]): number {
  if (stamps.length < 2 || tokens < 2) return NaN;
  return (tokens - 1) / ((stamps.at(-1)! - stamps[0]!) / 1000);
}
