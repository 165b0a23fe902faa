// The contracts every other layer uses to talk to models.
import type { PromptSpeed } from "./promptSpeed";

export type { PromptSpeed } from "./promptSpeed";

export type ModelRole = "llm" | "embedder";

export interface Embedder {
  readonly modelName: string;
  /** Length of every vector returned. */
  readonly dimensions: number;
  /** Longest input, in the embedder's own tokens; longer inputs are an error, not truncated silently. */
  readonly maxTokens: number;
  /** Unit-length vectors, one per text, in order. Queued: one model instance serves all callers. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Synchronous, so chunkers can measure sizes cheaply. */
  countTokens(text: string): number;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface GenerateOptions {
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /** Called with each decoded text piece as it is generated. */
  onToken?: (text: string) => void;
}

export interface GenerationResult {
  text: string;
  /** Tokens generated. */
  tokens: number;
  promptTokens: number;
  aborted: boolean;
  /** Wall time spent waiting in the queue before generation started. */
  queuedMs: number;
  generationMs: number;
}

export interface LanguageModel {
  readonly modelName: string;
  readonly contextSize: number;
  countTokens(text: string): number;
  /**
   * Prompt tokens/s on this machine, now (in-process models: measured at load, then from each
   * generation; or pinned by config); absent or null when unknown (remote models).
   */
  promptSpeed?(): PromptSpeed | null;
  /** Applies the model's chat template. Concurrent calls wait their turn in a queue. */
  generate(messages: ChatMessage[], options?: GenerateOptions): Promise<GenerationResult>;
}
