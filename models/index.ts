import { config } from "@/core/config";
import { computeScheduler } from "./computeScheduler";
import { loadEmbedder, type LocalEmbedder } from "./embedder";
import { loadLanguageModel, type LocalLanguageModel } from "./llm";
import { modelMissingError } from "./modelMissing";
import { connectRemoteEmbedder, type RemoteEmbedder } from "./remoteEmbedder";
import { connectRemoteLanguageModel, type RemoteLanguageModel } from "./remoteLlm";
import { resolveActiveEmbedder, resolveModelFile } from "./registry";
import type { LanguageModel, ModelRole } from "./types";

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
  /** In memory now (warm start, or used once); "ready" alone also covers installed-but-not-loaded. */
  loaded?: boolean;
}

interface Slot<T> {
  name: string;
  status: "loading" | "ready" | "error";
  promise: Promise<T>;
  value?: T;
  error?: string;
}

// On globalThis: Next.js may evaluate this module once per route bundle (and once more for
// instrumentation.ts's warm start), and a process must load each model once.
const g = globalThis as unknown as Record<symbol, object | undefined>;
const slots = (g[Symbol.for("cairn.modelSlots")] ??= {}) as { llm?: Slot<LocalLanguageModel>; embedder?: Slot<LocalEmbedder> };

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

// CAIRN_LLM_URL / CAIRN_EMBED_URL: the role is served by an OpenAI-compatible server; connected
// once per URL (a probe, no model file), retried after a failure.
interface RemoteSlot<T> {
  url: string;
  status: "loading" | "ready" | "error";
  promise: Promise<T>;
  name?: string;
  error?: string;
}
const remote = (g[Symbol.for("cairn.remoteModelSlots")] ??= {}) as { llm?: RemoteSlot<RemoteLanguageModel>; embedder?: RemoteSlot<RemoteEmbedder> };

const remoteUrl = (role: ModelRole) => (role === "llm" ? config().llmUrl : config().embedUrl);
const remoteModelSetting = (role: ModelRole) => (role === "llm" ? config().llmRemoteModel : config().embedRemoteModel);

function getRemote<T extends { modelName: string }>(role: ModelRole, url: string, connect: () => Promise<T>): Promise<T> {
  const existing = remote[role] as RemoteSlot<T> | undefined;
  if (existing && existing.url === url && existing.status !== "error") return existing.promise;
  const slot: RemoteSlot<T> = { url, status: "loading", promise: connect() };
  slot.promise.then(
    (m) => Object.assign(slot, { status: "ready", name: m.modelName }),
    (e: unknown) => Object.assign(slot, { status: "error", error: e instanceof Error ? e.message : String(e) }),
  );
  (remote as Record<ModelRole, RemoteSlot<T> | undefined>)[role] = slot;
  return slot.promise;
}

export function getLanguageModel(): Promise<LocalLanguageModel | RemoteLanguageModel> {
  const cfg = config();
  if (cfg.llmUrl) {
    const url = cfg.llmUrl;
    return getRemote("llm", url, () =>
      connectRemoteLanguageModel({
        baseURL: url,
        apiKey: cfg.llmApiKey,
        model: cfg.llmRemoteModel,
        contextSize: cfg.llmContextSize,
        timeoutMs: cfg.llmTimeoutMs,
        tokenizerPath: cfg.llmTokenizer,
      }),
    );
  }
  return wrapped(getOrLoad("llm", (path, name) => loadLanguageModel(path, { contextSize: cfg.llmContextSize, name, threads: cfg.modelThreads, promptTokensPerSecond: cfg.promptTokensPerSecond })), interactiveLlm);
}

// What the web process computes has priority: the worker's bulk embedding steps aside meanwhile
// (computeScheduler.ts). Wrapped once per loaded model, so callers keep getting the same object.
const wrappedPromises = (g[Symbol.for("cairn.interactivePromises")] ??= new WeakMap<object, object>()) as WeakMap<object, object>;
/** One wrapped promise per load: concurrent first callers get the same promise, as before. */
function wrapped<T>(p: Promise<T>, wrap: (m: T) => T): Promise<T> {
  let w = wrappedPromises.get(p) as Promise<T> | undefined;
  if (!w) {
    w = p.then(wrap);
    wrappedPromises.set(p, w);
  }
  return w;
}
const interactiveWrappers = (g[Symbol.for("cairn.interactiveModels")] ??= new WeakMap<object, object>()) as WeakMap<object, object>;
function interactiveLlm(llm: LocalLanguageModel): LocalLanguageModel {
  let w = interactiveWrappers.get(llm) as LocalLanguageModel | undefined;
  if (!w) {
    w = { ...llm, generate: (messages, opts) => computeScheduler().interactive(() => llm.generate(messages, opts)) };
    interactiveWrappers.set(llm, w);
  }
  return w;
}
function interactiveEmbedder(embedder: LocalEmbedder): LocalEmbedder {
  let w = interactiveWrappers.get(embedder) as LocalEmbedder | undefined;
  if (!w) {
    w = { ...embedder, embed: (texts) => computeScheduler().interactive(() => embedder.embed(texts)) };
    interactiveWrappers.set(embedder, w);
  }
  return w;
}

const loadLocalEmbedder = (): Promise<LocalEmbedder> => {
  const cfg = config();
  return getOrLoad("embedder", (path, name) => loadEmbedder(path, { name, threads: cfg.modelThreads }));
};

/**
 * The embedder for bulk work (the worker's indexing): not scheduled as interactive; the caller
 * takes turns with computeScheduler().bulk() between chunks.
 */
export function getBulkEmbedder(): Promise<LocalEmbedder | RemoteEmbedder> {
  return config().embedUrl ? getEmbedder() : loadLocalEmbedder();
}

/** The LLM with the whole-document context (CAIRN_SUMMARY_CONTEXT_SIZE) over the same weights; a remote LLM as it is. */
export async function getSummaryLanguageModel(): Promise<LanguageModel> {
  const llm = await getLanguageModel();
  return "withContextSize" in llm ? llm.withContextSize(config().summaryContextSize) : llm;
}

export function getEmbedder(): Promise<LocalEmbedder | RemoteEmbedder> {
  const cfg = config();
  if (cfg.embedUrl) {
    const url = cfg.embedUrl;
    return getRemote("embedder", url, () =>
      connectRemoteEmbedder({
        baseURL: url,
        apiKey: cfg.embedApiKey,
        model: cfg.embedRemoteModel,
        timeoutMs: cfg.embedTimeoutMs,
        maxTokens: cfg.embedMaxTokens,
        tokenizerPath: cfg.embedTokenizer,
      }),
    );
  }
  return wrapped(loadLocalEmbedder(), interactiveEmbedder);
}

/** What the UI shows per role; cheap, never loads anything. */
export function modelState(role: ModelRole): ModelState {
  const url = remoteUrl(role);
  if (url) {
    // Not connected yet: it connects on first use, like a model that loads on first use.
    const r = remote[role]?.url === url ? remote[role] : undefined;
    const name = r?.name ?? remoteModelSetting(role) ?? url;
    return { role, status: r?.status ?? "ready", name, loaded: r?.status === "ready", ...(r?.error ? { error: r.error } : {}) };
  }
  const slot = slots[role];
  const file = resolveForUse(role);
  // A slot for another model than the one now chosen is on its way out: report the chosen one.
  if (slot && slot.name === file?.name) {
    return { role, status: slot.status, name: slot.name, loaded: slot.status === "ready", ...(slot.error ? { error: slot.error } : {}) };
  }
  // Installed but not loaded yet: it loads on first use, so the UI can call it ready to use.
  return file ? { role, status: "ready", name: file.name, loaded: false } : { role, status: "missing" };
}

/** Unloads both models (tests, shutdown). Later calls load them again. */
export async function disposeModels(): Promise<void> {
  const current = [slots.llm, slots.embedder];
  slots.llm = undefined;
  slots.embedder = undefined;
  const remotes = [remote.llm, remote.embedder];
  remote.llm = undefined;
  remote.embedder = undefined;
  for (const r of remotes) await (await r?.promise.catch(() => undefined))?.dispose();
  for (const slot of current) {
    if (!slot) continue;
    // A load that failed left nothing to dispose; its error is already in modelState().
    const value = await slot.promise.catch(() => undefined);
    await value?.dispose();
  }
}
