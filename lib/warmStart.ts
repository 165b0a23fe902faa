import { config } from "@/core/config";
import { isCairnError } from "@/core/errors";
import { getEmbedder, getLanguageModel } from "@/models";
import { resolveModelFile } from "@/models/registry";
import type { LanguageModel, ModelRole } from "@/models/types";
import { DEFAULT_SYSTEM_PROMPT } from "./prompt";

// Warm start: the web server loads its models in the background as it starts, so the first
// question does not wait for them (the home page says "Loading the … model" meanwhile).
// Failures are only logged: modelState() reports them, and the next question tries again.

const installed = (role: ModelRole) => {
  if (role === "llm" ? config().llmUrl : config().embedUrl) return true;
  try {
    return resolveModelFile(role) !== null;
  } catch (e) {
    if (isCairnError(e)) return false;
    throw e;
  }
};

let started: Promise<void> | undefined;

/** Starts loading the installed models once per process; resolves when both are settled. */
export function warmStart(): Promise<void> {
  if (!config().warmStart) return Promise.resolve();
  started ??= (async () => {
    // The embedder first: it is small, and search needs it as soon as the page is up.
    for (const [role, load] of [
      ["embedder", getEmbedder],
      ["llm", getLanguageModel],
    ] as const) {
      if (!installed(role)) continue;
      const t0 = performance.now();
      try {
        const model = await load();
        console.log(`warm start: ${role} ${model.modelName} loaded in ${Math.round(performance.now() - t0)} ms`);
        if (role === "llm") await primeSystemPrompt(model as LanguageModel);
      } catch (e) {
        console.error(`warm start: the ${role} did not load (it is tried again on first use):`, e instanceof Error ? e.message : e);
      }
    }
  })();
  return started;
}

/**
 * One token generated after the answer prompt's system prompt: its KV cache is then kept for the
 * first question too (the first-token budget counts it as cached), and the speed gets a real sample.
 */
async function primeSystemPrompt(llm: LanguageModel): Promise<void> {
  if (!llm.promptSpeed) return;
  try {
    await llm.generate([{ role: "system", content: DEFAULT_SYSTEM_PROMPT }, { role: "user", content: "Question: ?" }], { maxTokens: 1, temperature: 0 });
  } catch (e) {
    console.error("warm start: could not prime the system prompt:", e instanceof Error ? e.message : e);
  }
}
