import { config } from "@/core/config";
import { CairnError } from "@/core/errors";
import { CATALOGUE, installCommand } from "./catalogue";
import { resolveModelFile } from "./registry";
import type { ModelRole } from "./types";

// The one "no model installed" message, for every caller: the loader, the chunk store, /api/ask, /api/search.

/** How to get a model for a role: the default catalogue entry's command. */
export function installHint(role: ModelRole): string {
  const entries = CATALOGUE.filter((e) => e.role === role && !e.testOnly);
  const pick = entries.find((e) => e.isDefault) ?? entries[0];
  return pick ? installCommand(pick) : "npm run models -- list";
}

const consequence: Record<ModelRole, string> = {
  llm: "Questions cannot be answered until one is (passage search still works).",
  embedder: "Documents cannot be indexed or searched until one is.",
};

export function modelMissingError(role: ModelRole): CairnError {
  const what = role === "llm" ? "No LLM installed." : "No embedding model installed.";
  return new CairnError(
    "unavailable:model",
    `${what} Run \`${installHint(role)}\` or import a .gguf file (\`npm run models -- import <file.gguf>\`). ${consequence[role]}`,
    { reason: "model_missing" },
  );
}

/** Fails fast, before anything loads, when no model of `role` is installed. */
export function assertModelInstalled(role: ModelRole): void {
  // A remote model (CAIRN_LLM_URL, CAIRN_EMBED_URL) needs no file; whether it answers is known on first use.
  if (role === "llm" ? config().llmUrl : config().embedUrl) return;
  if (!resolveModelFile(role)) throw modelMissingError(role);
}
