import { isCairnError } from "@/core/errors";
import { modelState, type ModelState } from "@/models";
import { readVectorPointer, type VectorPointer } from "@/models/activeEmbedder";
import { defaultModels } from "@/models/catalogue";
import { config } from "@/core/config";
import { installHint } from "@/models/modelMissing";
import { listModels, resolveModelFile, type ModelListing } from "@/models/registry";
import type { ModelRole } from "@/models/types";
import { assertCanManageModels, type Principal } from "./auth";
import { listDownloads, type DownloadJob } from "./modelManager";

// What the Models page and the chat's status banners need: every known model, which file
// each role would load (or why none), and the loader's live state.

export type ActiveModel = { ok: true; name: string; source: string } | { ok: false; message: string; getCommand: string };

export function activeModel(role: ModelRole): ActiveModel {
  // CAIRN_LLM_URL / CAIRN_EMBED_URL: the model is on another server, no file here.
  const url = role === "llm" ? config().llmUrl : config().embedUrl;
  if (url) return { ok: true, name: modelState(role).name ?? url, source: `remote, ${url}` };
  try {
    const file = resolveModelFile(role);
    return file ? { ok: true, name: file.name, source: file.source } : { ok: false, message: "not installed", getCommand: installHint(role) };
  } catch (e) {
    // A setting that names a missing file is shown, not thrown: the page must still load.
    if (!isCairnError(e)) throw e;
    return { ok: false, message: e.userMessage, getCommand: installHint(role) };
  }
}

function stateOf(role: ModelRole): ModelState {
  try {
    return modelState(role);
  } catch (e) {
    if (!isCairnError(e)) throw e;
    return { role, status: "error", error: e.userMessage };
  }
}

export interface ModelsOverview {
  models: ModelListing[];
  active: Record<ModelRole, ActiveModel>;
  state: Record<ModelRole, ModelState>;
  downloads: DownloadJob[];
  /** The default models; "Download the default models" fetches those not installed (missingBytes). */
  defaults: { names: string[]; totalBytes: number; missingBytes: number };
  /** Whether the caller may download, import, remove or switch models (an admin, once accounts are on). */
  canManage: boolean;
  /** The embedder search uses now (the one that wrote the store) and a re-embed moving the library to another. */
  vectors: { embedder: string; reembed: NonNullable<VectorPointer["reembed"]> | null } | null;
}

function mayManage(principal: Principal | null): boolean {
  if (!principal) return false;
  try {
    assertCanManageModels(principal);
    return true;
  } catch (e) {
    if (isCairnError(e)) return false;
    throw e;
  }
}

function defaultsOf(models: ModelListing[]): ModelsOverview["defaults"] {
  const { entries, totalBytes } = defaultModels();
  const installed = new Set(models.filter((m) => m.installed).map((m) => m.name));
  const missingBytes = entries.filter((e) => !installed.has(e.name)).reduce((n, e) => n + (e.sizeBytes ?? 0), 0);
  return { names: entries.map((e) => e.name), totalBytes, missingBytes };
}

export function modelsOverview(principal: Principal | null = null): ModelsOverview {
  return {
    models: listModels(),
    active: { llm: activeModel("llm"), embedder: activeModel("embedder") },
    state: { llm: stateOf("llm"), embedder: stateOf("embedder") },
    downloads: listDownloads(),
    defaults: defaultsOf(listModels()),
    canManage: mayManage(principal),
    vectors: (() => {
      const p = readVectorPointer(config());
      // A finished or abandoned run still named in the file is not news.
      const chosen = activeModel("embedder");
      const reembed = p?.reembed && chosen.ok && chosen.name === p.reembed.embedder && p.embedder !== chosen.name ? p.reembed : null;
      return p ? { embedder: p.embedder, reembed } : null;
    })(),
  };
}
