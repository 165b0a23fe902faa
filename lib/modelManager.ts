import { rm, stat } from "node:fs/promises";
import path from "node:path";
import { config } from "@/core/config";
import { CairnError, isCairnError } from "@/core/errors";
import { disposeModels, modelState } from "@/models";
import { defaultModels, downloadUrl, getCatalogueEntry, type CatalogueEntry } from "@/models/catalogue";
import { pullModel, type DownloadProgress } from "@/models/download";
import { listModels, resolveModelFile } from "@/models/registry";
import type { ModelRole } from "@/models/types";
import { writeSelection } from "@/models/selection";
import { removeManifestEntry } from "@/models/utils/manifest";
import { assertCanManageModels, type Principal } from "./auth";

// Downloads run in the web server, not the browser: closing the tab does not stop them, and
// every tab sees the same progress. State lives on globalThis because Next.js may evaluate
// this module once per route bundle; there must be one download per model per process.

export type DownloadStatus = "downloading" | "done" | "failed" | "cancelled";

export interface DownloadJob {
  name: string;
  role: ModelRole;
  status: DownloadStatus;
  downloadedBytes: number;
  totalBytes: number | null;
  bytesPerSecond: number;
  /** Seconds left at the current speed; null when unknown. */
  etaSeconds: number | null;
  resumedFromBytes: number;
  startedAt: string;
  finishedAt: string | null;
  /** Why it stopped (failed, cancelled) and what to do next. */
  error: { reason: string; message: string; hint: string } | null;
}

interface Running {
  job: DownloadJob;
  controller: AbortController;
  promise: Promise<void>;
}

const registryKey = Symbol.for("cairn.modelDownloads");
const g = globalThis as unknown as Record<symbol, Map<string, Running> | undefined>;
const downloads: Map<string, Running> = (g[registryKey] ??= new Map());

/** What to do next, per failure: the message says what happened, the hint how to go on. */
function hintFor(reason: string, entry: CatalogueEntry): string {
  switch (reason) {
    case "network":
      return "Cairn cannot reach the download server. Check the network (or CAIRN_HF_BASE_URL), then press Try again. Without network, import a .gguf file on the Models page, or run `npm run test-models` on the server.";
    case "interrupted":
      return "The connection dropped. Press Resume: what was downloaded is kept.";
    case "disk_full":
      return `Free disk space where models are stored (${config().modelsDir}, about ${formatSize(entry.sizeBytes)} needed), then press Resume.`;
    case "checksum_mismatch":
    case "size_mismatch":
      return "The file that arrived is not the published model (corrupted on the way, or the server has another file); it was deleted. Press Download again to fetch it anew.";
    case "not_writable":
      return `Cairn cannot write into ${config().modelsDir}; fix its permissions, then press Resume.`;
    case "aborted":
      return "Cancelled. Press Resume to continue where it stopped, or Remove to delete the partial file.";
    default:
      return "Press Download to try again; if it keeps failing, import the .gguf file below.";
  }
}

function formatSize(bytes: number | null): string {
  return bytes === null ? "the model's size" : bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

function snapshot(r: Running): DownloadJob {
  return { ...r.job, error: r.job.error && { ...r.job.error } };
}

/** Every download this process has run or is running, newest state. */
export function listDownloads(): DownloadJob[] {
  return [...downloads.values()].map(snapshot);
}

/**
 * Starts downloading a catalogue model in the background (resuming a `.part` file left by an
 * earlier attempt); returns at once. Starting one that is already running returns that one.
 */
export function startDownload(principal: Principal, name: string): DownloadJob {
  assertCanManageModels(principal);
  const entry = getCatalogueEntry(name);
  if (!downloadUrl(entry, config())) {
    throw new CairnError("bad_request:model", `${entry.name} is a test model; it is not downloaded from the browser (run \`npm run test-models\` on the server).`, {
      reason: "not_pullable",
    });
  }
  const current = downloads.get(entry.name);
  if (current?.job.status === "downloading") return snapshot(current);

  const controller = new AbortController();
  const job: DownloadJob = {
    name: entry.name,
    role: entry.role,
    status: "downloading",
    downloadedBytes: 0,
    totalBytes: entry.sizeBytes,
    bytesPerSecond: 0,
    etaSeconds: null,
    resumedFromBytes: 0,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    error: null,
  };
  const onProgress = (p: DownloadProgress) => {
    job.downloadedBytes = p.downloadedBytes;
    job.totalBytes = p.totalBytes ?? job.totalBytes;
    job.bytesPerSecond = p.bytesPerSecond;
    job.resumedFromBytes = p.resumedFromBytes;
    job.etaSeconds = job.totalBytes && p.bytesPerSecond > 0 ? Math.max(0, (job.totalBytes - p.downloadedBytes) / p.bytesPerSecond) : null;
  };
  const promise = pullModel(entry, { signal: controller.signal, onProgress, progressIntervalMs: 250 }).then(
    (result) => {
      job.status = "done";
      job.downloadedBytes = result.sizeBytes;
      job.totalBytes = result.sizeBytes;
      job.etaSeconds = 0;
      job.finishedAt = new Date().toISOString();
    },
    async (e: unknown) => {
      // What the bar shows is what a resume starts from: the part file, not the last progress tick.
      job.downloadedBytes = (await stat(path.join(config().modelsDir, `${entry.fileName}.part`)).catch(() => null))?.size ?? 0;
      const err = isCairnError(e) ? e : new CairnError("internal:download", (e as Error)?.message ?? String(e), { cause: e });
      if (err.type === "internal") console.error(`download ${entry.name}:`, e);
      const reason = err.reason ?? err.code;
      job.status = reason === "aborted" ? "cancelled" : "failed";
      job.bytesPerSecond = 0;
      job.etaSeconds = null;
      job.finishedAt = new Date().toISOString();
      // The CLI's wording says "run the command again"; the page offers buttons instead.
      const message = err.type === "internal" ? "The download failed unexpectedly." : err.userMessage.replace(/;? ?running the same command again resumes from there\.?/, ".").replace(/(,? then|;)? run the (same )?command again( to resume)?\./, ".");
      job.error = { reason, message, hint: hintFor(reason, entry) };
    },
  );
  downloads.set(entry.name, { job, controller, promise });
  return { ...job };
}

/** Starts every default model (embedder and LLM) that is not installed yet. */
export function startDefaultDownloads(principal: Principal): DownloadJob[] {
  assertCanManageModels(principal);
  const installed = new Set(listModels().filter((m) => m.installed).map((m) => m.name));
  return defaultModels()
    .entries.filter((e) => !installed.has(e.name))
    .map((e) => startDownload(principal, e.name));
}

/** Stops a running download; its `.part` file is kept so Download resumes it. */
export async function cancelDownload(principal: Principal, name: string): Promise<DownloadJob> {
  assertCanManageModels(principal);
  const entry = getCatalogueEntry(name);
  const running = downloads.get(entry.name);
  if (running?.job.status !== "downloading") throw new CairnError("not_found:model", `No download of ${entry.name} is running.`);
  running.controller.abort();
  await running.promise;
  return snapshot(running);
}

/** Waits for a download to finish (tests, the terminal first run). */
export async function waitForDownload(name: string): Promise<DownloadJob | undefined> {
  const running = downloads.get(name);
  await running?.promise;
  return running && snapshot(running);
}

/**
 * Deletes a model from the models dir (and any partial download of it). Test models in the
 * shared test-model cache are never deleted from here. Loaded models are unloaded first.
 */
export async function removeModel(principal: Principal, name: string): Promise<void> {
  assertCanManageModels(principal);
  const cfg = config();
  const listing = listModels(cfg).find((m) => m.name === name);
  if (!listing) throw new CairnError("not_found:model", `No model named "${name}".`);
  const running = downloads.get(listing.name);
  if (running?.job.status === "downloading") {
    throw new CairnError("conflict:model", `${listing.name} is downloading; cancel the download first.`, { reason: "downloading" });
  }
  const file = path.join(cfg.modelsDir, listing.fileName);
  if (listing.installed && path.resolve(/*turbopackIgnore: true*/ listing.path) !== path.resolve(/*turbopackIgnore: true*/ file)) {
    throw new CairnError("bad_request:model", `${listing.name} is not in the models dir (it is at ${listing.path}); Cairn does not delete it from there.`, {
      reason: "outside_models_dir",
    });
  }
  // Unload whatever is loaded if it is this file: a deleted file under a loaded model is a crash waiting.
  const inUse = (["llm", "embedder"] as const).some((role) => {
    const resolved = safeResolve(role);
    return resolved !== null && path.resolve(/*turbopackIgnore: true*/ resolved) === path.resolve(/*turbopackIgnore: true*/ file) && modelState(role).status !== "missing";
  });
  if (inUse) await disposeModels();
  await rm(file, { force: true });
  await rm(`${file}.part`, { force: true });
  if (listing.kind === "imported") await removeManifestEntry(cfg.modelsDir, listing.name);
  downloads.delete(listing.name);
}

function safeResolve(role: ModelRole): string | null {
  try {
    return resolveModelFile(role)?.path ?? null;
  } catch (e) {
    if (isCairnError(e)) return null;
    throw e;
  }
}

/**
 * Chooses which installed model a role uses, for every process, without a restart: the web app
 * loads the chosen LLM on the next question (the old one finishes what it is answering first).
 * A chosen embedder takes over once the worker has re-embedded the library with it in the
 * background (ingest/reembed.ts); until then search uses the old vectors and the old embedder.
 */
export async function selectModel(principal: Principal, role: ModelRole, name: string): Promise<void> {
  assertCanManageModels(principal);
  const cfg = config();
  const listing = listModels(cfg).find((m) => m.name === name);
  if (!listing) throw new CairnError("not_found:model", `No model named "${name}".`);
  if (listing.role !== role) throw new CairnError("bad_request:model", `${name} is an ${listing.role} model, not an ${role}.`, { reason: "wrong_role" });
  if (!listing.installed) throw new CairnError("conflict:model", `${name} is not installed; download or import it first.`, { reason: "not_installed" });
  const setting = role === "llm" ? cfg.llmModel : cfg.embedModel;
  if (setting?.trim()) {
    throw new CairnError("conflict:model", `${role === "llm" ? "CAIRN_LLM_MODEL" : "CAIRN_EMBED_MODEL"} is set, and it decides; unset it to choose here.`, {
      reason: "set_by_env",
    });
  }
  await writeSelection(cfg.modelsDir, role, name);
}
