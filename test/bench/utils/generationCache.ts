import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { GenerationResult, LanguageModel } from "@/models/types";

// Dev loops over Cairn's checks: generation at temperature 0 is a function of the prompt, so a
// prompt seen before replays what the real model wrote then, and only changed prompts reach it.
// Opt-in (BENCH_GEN_CACHE=<dir>); a reported figure says whether it used one.

export function cachingModel(base: LanguageModel, dir: string): LanguageModel & { hits: () => number } {
  fs.mkdirSync(dir, { recursive: true });
  let hits = 0;
  return {
    modelName: base.modelName,
    contextSize: base.contextSize,
    countTokens: (text) => base.countTokens(text),
    hits: () => hits,
    async generate(messages, opts = {}) {
      if ((opts.temperature ?? 0) !== 0) return base.generate(messages, opts);
      const key = crypto
        .createHash("sha256")
        .update(JSON.stringify({ model: base.modelName, messages, maxTokens: opts.maxTokens ?? null }))
        .digest("hex");
      const file = path.join(dir, `${key}.json`);
      if (fs.existsSync(file)) {
        const cached = JSON.parse(fs.readFileSync(file, "utf8")) as GenerationResult & { pieces: string[] };
        hits++;
        for (const p of cached.pieces) opts.onToken?.(p);
        return { text: cached.text, tokens: cached.tokens, promptTokens: cached.promptTokens, aborted: false, queuedMs: 0, generationMs: 0 };
      }
      const pieces: string[] = [];
      const result = await base.generate(messages, { ...opts, onToken: (p) => (pieces.push(p), opts.onToken?.(p)) });
      if (!result.aborted) fs.writeFileSync(file, JSON.stringify({ ...result, pieces }));
      return result;
    },
  };
}
