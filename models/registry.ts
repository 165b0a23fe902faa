import { statSync } from "node:fs";
import path from "node:path";
import { config, type CairnConfig } from "@/core/config";
import { CairnError } from "@/core/errors";
import { CATALOGUE, findCatalogueEntry, installCommand, type CatalogueEntry } from "./catalogue";
import type { ModelRole } from "./types";
import { readVectorPointer } from "./activeEmbedder";
import { readSelectionSync } from "./selection";
import { readManifestSync, type ImportedModel } from "./utils/manifest";

export interface ResolvedModelFile {
  path: string;
  name: string;
  /** env: named by CAIRN_LLM_MODEL / CAIRN_EMBED_MODEL; catalogue: a catalogue model installed in
   *  the models dir; models-dir: a model imported into the models dir. */
  source: "env" | "models-dir" | "catalogue" | "selected";
}

export interface ModelListing {
  name: string;
  role: ModelRole;
  kind: "catalogue" | "imported";
  description: string;
  fileName: string;
  /** Where the file is, or would be once installed. */
  path: string;
  installed: boolean;
  /** Bytes of an unfinished download waiting in `<path>.part` (pull resumes it); null when none. */
  partialBytes: number | null;
  /** Expected size (catalogue) or recorded size (imported); null when unknown. */
  sizeBytes: number | null;
  sha256: string | null;
  license: string | null;
  contextSize: number | null;
  embeddingDimensions: number | null;
  isDefault: boolean;
  testOnly: boolean;
  /** What to run to get (or re-get) this model. */
  getCommand: string;
}

const envVar = (role: ModelRole) => (role === "llm" ? "CAIRN_LLM_MODEL" : "CAIRN_EMBED_MODEL");

/**
 * Which model file to load for a role: the env setting (a .gguf path or a model name), else an
 * installed catalogue model (the default first), else the most recently imported model of that
 * role, else a test model placed in the models dir. Null when none is installed. A setting that names something missing is an error, not a
 * silent fallback, so a typo in the config never loads a different model.
 */
export function resolveModelFile(role: ModelRole, cfg: CairnConfig = config()): ResolvedModelFile | null {
  const setting = role === "llm" ? cfg.llmModel : cfg.embedModel;
  if (setting?.trim()) return resolveSetting(role, setting.trim(), cfg);
  const chosen = selectedModel(role, cfg);
  if (chosen) return chosen;

  const entries = CATALOGUE.filter((e) => e.role === role && !e.testOnly).sort((a, b) => Number(b.isDefault ?? false) - Number(a.isDefault ?? false));
  for (const entry of entries) {
    const file = path.join(cfg.modelsDir, entry.fileName);
    if (isInstalled(file, entry.sizeBytes)) return { path: file, name: entry.name, source: "catalogue" };
  }
  const imported = readManifestSync(cfg.modelsDir)
    .models.filter((m) => m.role === role)
    .sort((a, b) => b.importedAt.localeCompare(a.importedAt));
  for (const model of imported) {
    const file = path.join(cfg.modelsDir, model.fileName);
    if (isInstalled(file, model.sizeBytes)) return { path: file, name: model.name, source: "models-dir" };
  }
  // Last resort: a test model in the models dir or in the `npm run test-models` cache, so an
  // offline development machine gets a working setup from `npm start` alone.
  for (const entry of CATALOGUE.filter((e) => e.role === role && e.testOnly)) {
    const file = candidatePaths(entry, cfg).find((f) => isInstalled(f, entry.sizeBytes));
    if (file) return { path: file, name: entry.name, source: "catalogue" };
  }
  return null;
}

/**
 * The embedder that search and indexing use now: the one that wrote the vector store in use
 * (vectors.json), while it is installed. resolveModelFile("embedder") is the one chosen, which a
 * background re-embed is moving the library to; the two differ only while that runs.
 */
export function resolveActiveEmbedder(cfg: CairnConfig = config()): ResolvedModelFile | null {
  const pointer = readVectorPointer(cfg);
  const chosen = resolveModelFile("embedder", cfg);
  if (!pointer || pointer.embedder === chosen?.name) return chosen;
  const listing = listModels(cfg).find((m) => m.name === pointer.embedder && m.role === "embedder" && m.installed);
  return listing ? { path: listing.path, name: listing.name, source: "selected" } : chosen;
}

/** The model chosen on the Models page, if it is still installed; otherwise the defaults apply. */
function selectedModel(role: ModelRole, cfg: CairnConfig): ResolvedModelFile | null {
  const name = readSelectionSync(cfg.modelsDir)[role];
  if (!name) return null;
  const listing = listModels(cfg).find((m) => m.name === name && m.role === role && m.installed);
  return listing ? { path: listing.path, name: listing.name, source: "selected" } : null;
}

function resolveSetting(role: ModelRole, setting: string, cfg: CairnConfig): ResolvedModelFile {
  const variable = envVar(role);
  if (/\.gguf$/i.test(setting) || setting.includes("/") || setting.includes(path.sep)) {
    const file = path.resolve(setting);
    if (!isInstalled(file, null)) {
      throw new CairnError("not_found:model", `${variable} points at ${file}, which does not exist or is empty.`, { reason: "model_missing" });
    }
    return { path: file, name: path.basename(file).replace(/\.gguf$/i, ""), source: "env" };
  }
  const entry = findCatalogueEntry(setting);
  const imported = readManifestSync(cfg.modelsDir).models.find((m) => m.name === setting.toLowerCase());
  if (!entry && !imported) {
    throw new CairnError("not_found:model", `${variable}=${setting} is neither a .gguf path nor a known model name (see: npm run models -- list).`, {
      reason: "unknown_model",
    });
  }
  const foundRole = entry?.role ?? imported?.role;
  if (foundRole !== role) {
    throw new CairnError("bad_request:config", `${variable}=${setting} names an ${foundRole} model, not an ${role}.`, { reason: "wrong_role" });
  }
  const candidates = entry ? candidatePaths(entry, cfg) : [path.join(cfg.modelsDir, imported!.fileName)];
  const size = entry ? entry.sizeBytes : imported!.sizeBytes;
  const file = candidates.find((f) => isInstalled(f, size));
  if (!file) {
    const how = entry ? installCommand(entry) : `npm run models -- import ${imported!.importedFrom}`;
    throw new CairnError("not_found:model", `${variable}=${setting} is not installed (looked in ${candidates.join(", ")}); get it with: ${how}`, {
      reason: "model_missing",
    });
  }
  return { path: file, name: entry?.name ?? imported!.name, source: "env" };
}

/** Every catalogue and imported model, installed or not, for `models list` and the UI. */
export function listModels(cfg: CairnConfig = config()): ModelListing[] {
  const fromCatalogue = CATALOGUE.map((entry): ModelListing => {
    const candidates = candidatePaths(entry, cfg);
    const found = candidates.find((f) => isInstalled(f, entry.sizeBytes));
    return {
      name: entry.name,
      role: entry.role,
      kind: "catalogue",
      description: entry.description,
      fileName: entry.fileName,
      path: found ?? candidates[candidates.length - 1],
      installed: found !== undefined,
      partialBytes: found ? null : partialSize(path.join(cfg.modelsDir, entry.fileName)),
      sizeBytes: entry.sizeBytes,
      sha256: entry.sha256,
      license: entry.license,
      contextSize: entry.contextSize,
      embeddingDimensions: entry.embeddingDimensions ?? null,
      isDefault: entry.isDefault ?? false,
      testOnly: entry.testOnly ?? false,
      getCommand: installCommand(entry),
    };
  });
  const imported = readManifestSync(cfg.modelsDir).models.map((m: ImportedModel): ModelListing => {
    const file = path.join(cfg.modelsDir, m.fileName);
    return {
      name: m.name,
      role: m.role,
      kind: "imported",
      description: `Imported ${m.architecture} model from ${m.importedFrom}`,
      fileName: m.fileName,
      path: file,
      installed: isInstalled(file, m.sizeBytes),
      partialBytes: null,
      sizeBytes: m.sizeBytes,
      sha256: m.sha256,
      license: null,
      contextSize: m.contextLength ?? null,
      embeddingDimensions: m.role === "embedder" ? (m.embeddingLength ?? null) : null,
      isDefault: false,
      testOnly: false,
      getCommand: `npm run models -- import ${quoteArg(m.importedFrom)} --name ${m.name}`,
    };
  });
  return [...fromCatalogue, ...imported];
}

/** Product models live in the models dir; test models may also sit in the test-model cache. */
function candidatePaths(entry: CatalogueEntry, cfg: CairnConfig): string[] {
  const inModelsDir = path.join(cfg.modelsDir, entry.fileName);
  return entry.testOnly ? [inModelsDir, path.join(cfg.testModelsDir, entry.fileName)] : [inModelsDir];
}

/** Present, a regular file, and of the expected size when one is known (a cheap guard; pull/import verify hashes). */
function isInstalled(file: string, expectedSize: number | null): boolean {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size === 0) return false;
  return expectedSize === null || st.size === expectedSize;
}

function partialSize(file: string): number | null {
  const st = statSync(`${file}.part`, { throwIfNoEntry: false });
  return st?.isFile() ? st.size : null;
}

function quoteArg(arg: string): string {
  return /^[\w./:-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
