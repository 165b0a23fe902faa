// How fast the loaded LLM evaluates prompt tokens on this machine, right now. Measured once at
// load (a short fixed evaluation), then kept fresh from every real generation's prompt
// evaluation (tokens evaluated beyond the cached prefix / time to the first token), as an
// exponential moving average: the machine's load changes, and the speed with it.

export type PromptSpeedSource = "config" | "load" | "generations";

export interface PromptSpeed {
  tokensPerSecond: number;
  source: PromptSpeedSource;
  /** Evaluations that went into it (the load one included); 0 when pinned by config. */
  samples: number;
}

/** Weight of the newest generation: about the last five count. */
export const SPEED_ALPHA = 0.3;
/** Evaluations of fewer tokens are dominated by per-call overhead; they say little about speed. */
export const MIN_SAMPLE_TOKENS = 32;
/**
 * Longer evaluations are not counted: the cost per token grows with the prompt's length
 * (attention over the KV cache), and the budget sizes short prompts; a 2,000-token prompt
 * measured ~30% slower per token than a 300-token one on the test LLM.
 */
export const MAX_SAMPLE_TOKENS = 1024;

export class PromptSpeedMeter {
  private value: number | null = null;
  private count = 0;
  private fromGenerations = false;

  /** `pinned` > 0 fixes the speed (CAIRN_PROMPT_TOKENS_PER_SECOND); samples are then ignored. */
  constructor(private readonly pinned = 0) {}

  /** One evaluation of `tokens` prompt tokens that took `ms`; returns whether it counted. */
  record(tokens: number, ms: number, from: "load" | "generation" = "generation"): boolean {
    if (this.pinned > 0 || !(tokens >= MIN_SAMPLE_TOKENS) || tokens > MAX_SAMPLE_TOKENS || !(ms > 0) || !Number.isFinite(ms)) return false;
    const speed = (tokens * 1000) / ms;
    this.value = this.value === null ? speed : SPEED_ALPHA * speed + (1 - SPEED_ALPHA) * this.value;
    this.count++;
    if (from === "generation") this.fromGenerations = true;
    return true;
  }

  get(): PromptSpeed | null {
    if (this.pinned > 0) return { tokensPerSecond: this.pinned, source: "config", samples: 0 };
    if (this.value === null) return null;
    return { tokensPerSecond: this.value, source: this.fromGenerations ? "generations" : "load", samples: this.count };
  }
}

/**
 * The fixed text evaluated at load: ordinary document prose, long enough (≈100 tokens for
 * common vocabularies) that per-call overhead does not dominate, short enough to cost well
 * under a second at the test LLM's speed.
 */
export const CALIBRATION_TEXT = [
  "The supplier shall deliver the goods to the buyer's warehouse within thirty days of the order date.",
  "Payment is due forty-five days after the invoice is received, unless the parties agree otherwise in writing.",
  "Either party may terminate this agreement on ninety days' written notice to the other party.",
  "The pump must be isolated at valve V-17 before any maintenance work begins on the discharge line.",
  "Records of every inspection are kept for five years and made available to the auditor on request.",
].join(" ");
