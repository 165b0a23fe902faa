import { config } from "@/core/config";
import { loadEmbedder, type LocalEmbedder } from "./embedder";
import { loadLanguageModel, type LocalLanguageModel } from "./llm";
import { modelMissingError } from "./modelMissing";
import { connectRemoteLanguageModel, type RemoteLanguageModel } from "./remoteLlm";
import { resolveActiveEmbedder, resolveModelFile } from "./registry";
import type { ModelRole } from "./types";

// Process-wide model singletons: each role is resolved and loaded once; concurrent first callers
// share the same load promise. A failed load is remembered for modelState() and retried on the next call.

export type ModelStatus = "missing" | "loading" | "ready" | "error";

export interface ModelState {
  role: ModelRole;
  status: ModelStatus;
  /** Model name, when one is installed. */
  name?: string;
  /** Why it failed to load (status "error"). */
  error?: string;
}

interface Slot<T> {
  name: string;
  status: "loading" | "ready" | "error";
  promise: Promise<T>;
  value?: T;
  error?: string;
}

const slots: { llm?: Slot<LocalLanguageModel>; embedder?: Slot<LocalEmbedder> } = {};

/** The file a role loads: the chosen LLM; the embedder that wrote the vector store in use. */
const resolveForUse = (role: ModelRole) => (role === "embedder" ? resolveActiveEmbedder() : resolveModelFile(role));

function getOrLoad<T extends { dispose(): Promise<void> }>(role: ModelRole, load: (path: string, name: string) => Promise<T>): Promise<T> {
  const existing = slots[role] as Slot<T> | undefined;
  // Resolved on every call (a few stats): a model chosen on the Models page takes over without a restart.
  const file = resolveForUse(role);
  if (existing && existing.status !== "error" && existing.name === file?.name) return existing.promise;
  if (existing && existing.status !== "error") {
    // Disposal waits behind the old model's queued work (see dispose in llm.ts/embedder.ts).
    existing.promise.then((old) => old.dispose()).catch((e: unknown) => console.error(`unloading ${existing.name}:`, e));
    (slots as Record<ModelRole, Slot<T> | undefined>)[role] = undefined;
  }
  if (!file) return Promise.reject(modelMissingError(role));
  const slot: Slot<T> = { name: file.name, status: "loading", promise: load(file.path, file.name) };
  slot.promise.then(
    (value) => {
      slot.status = "ready";
      slot.value = value;
    },
    (e: unknown) => {
      slot.status = "error";
      slot.error = e instanceof Error ? e.message : String(e);
    },
  );
  (slots as Record<ModelRole, Slot<T> | undefined>)[role] = slot;
  return slot.promise;
}

// CAIRN_LLM_URL: generation on an OpenAI-compatible server; connected once per URL, retried after a failure.
let remote: { url: string; status: "loading" | "ready" | "error"; promise: Promise<RemoteLanguageModel>; name?: string; error?: string } | undefined;

function getRemoteLanguageModel(url: string): Promise<RemoteLanguageModel> {
  if (remote && remote.url === url && remote.status !== "error") return remote.promise;
  const cfg = config();
  const slot: NonNullable<typeof remote> = {
    url,
    status: "loading",
    promise: connectRemoteLanguageModel({
      baseURL: url,
      apiKey: cfg.llmApiKey,
      model: cfg.llmRemoteModel,
      contextSize: cfg.llmContextSize,
      timeoutMs: cfg.llmTimeoutMs,
      tokenizerPath: cfg.llmTokenizer,
    }),
  };
  slot.promise.then(
    (m) => Object.assign(slot, { status: "ready", name: m.modelName }),
    (e: unknown) => Object.assign(slot, { status: "error", error: e instanceof Error ? e.message : String(e) }),
  );
  remote = slot;
  return slot.promise;
}

export function getLanguageModel(): Promise<LocalLanguageModel | RemoteLanguageModel> {
  const cfg = config();
  if (cfg.llmUrl) return getRemoteLanguageModel(cfg.llmUrl);
  return getOrLoad("llm", (path, name) => loadLanguageModel(path, { contextSize: cfg.llmContextSize, name, threads: cfg.modelThreads }));
}

export function getEmbedder(): Promise<LocalEmbedder> {
  const cfg = config();
  return getOrLoad("embedder", (path, name) => loadEmbedder(path, { name, threads: cfg.modelThreads }));
}

/** What the UI shows per role; cheap, never loads anything. */
export function modelState(role: ModelRole): ModelState {
  const url = config().llmUrl;
  if (role === "llm" && url) {
    // Not connected yet: it connects on first use, like a model that loads on first use.
    const name = remote?.url === url ? (remote.name ?? config().llmRemoteModel ?? url) : (config().llmRemoteModel ?? url);
    return { role, status: remote?.url === url ? remote.status : "ready", name, ...(remote?.url === url && remote.error ? { error: remote.error } : {}) };
  }
  const slot = slots[role];
  const file = resolveForUse(role);
  // A slot for another model than the one now chosen is on its way out: report the chosen one.
  if (slot && slot.name === file?.name) return { role, status: slot.status, name: slot.name, ...(slot.error ? { error: slot.error } : {}) };
  // Installed but not loaded yet: it loads on first use, so the UI can call it ready to use.
  return file ? { role, status: "ready", name: file.name } : { role, status: "missing" };
}

/** Unloads both models (tests, shutdown). Later calls load them again. */
export async function disposeModels(): Promise<void> {
  const current = [slots.llm, slots.embedder];
  slots.llm = undefined;
  slots.embedder = undefined;
  const wasRemote = remote;
  remote = undefined;
  await (await wasRemote?.promise.catch(() => undefined))?.dispose();
  for (const slot of current) {
    if (!slot) continue;
    // A load that failed left nothing to dispose; its error is already in modelState().
    const value = await slot.promise.catch(() => undefined);
    await value?.dispose();
  }
}
