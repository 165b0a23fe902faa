import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { config, type CairnConfig } from "@/core/config";
import { CairnError } from "@/core/errors";
import { CATALOGUE, type CatalogueEntry } from "./catalogue";
import { assertGgufComplete, hasGgufMagic, readGgufSummary } from "./gguf";
import type { ModelRole } from "./types";
import { copyFileHashed } from "./utils/hashFile";
import { readManifest, upsertManifestEntry } from "./utils/manifest";

export interface ImportOptions {
  /** Name to use in CAIRN_LLM_MODEL / CAIRN_EMBED_MODEL; defaults to the file name without `.gguf`. */
  name?: string;
  /** Overrides the role guessed from the GGUF architecture. */
  role?: ModelRole;
  cfg?: CairnConfig;
  /** What the manifest records as the origin (a browser upload's file name); defaults to the source path. */
  importedFrom?: string;
  /** Catalogue to match files against (defaults to the product catalogue). */
  catalogue?: readonly CatalogueEntry[];
}

export interface ImportResult {
  name: string;
  role: ModelRole;
  path: string;
  sha256: string;
  sizeBytes: number;
  architecture: string;
  /** The file is byte-for-byte a catalogue model, installed under that model's name. */
  catalogueMatch: boolean;
  /** The same file had already been imported under this name (it was refreshed). */
  alreadyImported: boolean;
}

// llama.cpp architectures whose models produce embeddings rather than text.
const EMBEDDER_ARCHITECTURE = /bert|t5encoder|embed/i;

export function roleForArchitecture(architecture: string): ModelRole {
  return EMBEDDER_ARCHITECTURE.test(architecture) ? "embedder" : "llm";
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * Copies a local .gguf into the models dir (for machines without network), after checking it
 * is a complete GGUF file, and records it in the manifest. The source file is left untouched.
 */
export async function importModel(sourcePath: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const cfg = opts.cfg ?? config();
  const source = path.resolve(sourcePath);
  await assertReadableFile(source);
  if (!(await hasGgufMagic(source))) {
    throw new CairnError("bad_request:model", `${source} is not a GGUF model file (its first bytes are not "GGUF").`, { reason: "not_gguf" });
  }
  await assertGgufComplete(source);
  const summary = await readGgufSummary(source);
  if (opts.name !== undefined && !NAME.test(opts.name)) {
    throw new CairnError("bad_request:model", `Invalid model name "${opts.name}": use lower-case letters, digits, ".", "_" or "-".`, {
      reason: "bad_name",
    });
  }

  await mkdir(cfg.modelsDir, { recursive: true });
  const tmp = path.join(cfg.modelsDir, `.import-${process.pid}-${Date.now()}.part`);
  let copied;
  try {
    copied = await copyFileHashed(source, tmp);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw copyError(cause, source, cfg.modelsDir);
  }
  try {
    const target = await chooseTarget(cfg, source, copied.sha256, opts, summary.architecture);
    // Always replace: the fresh copy is verified, whatever sits at the destination may not be.
    await rename(tmp, target.path);
    if (!target.catalogueMatch) {
      await upsertManifestEntry(cfg.modelsDir, {
        name: target.name,
        role: target.role,
        fileName: path.basename(target.path),
        sha256: copied.sha256,
        sizeBytes: copied.sizeBytes,
        architecture: summary.architecture,
        contextLength: summary.contextLength,
        embeddingLength: summary.embeddingLength,
        importedFrom: opts.importedFrom ?? source,
        importedAt: new Date().toISOString(),
      });
    }
    return { ...target, ...copied, architecture: summary.architecture };
  } finally {
    await rm(tmp, { force: true });
  }
}

async function chooseTarget(cfg: CairnConfig, source: string, sha256: string, opts: ImportOptions, architecture: string) {
  const entries = opts.catalogue ?? CATALOGUE;
  const catalogue = entries.find((e) => e.sha256 === sha256);
  if (catalogue) {
    const dest = path.join(cfg.modelsDir, catalogue.fileName);
    return { name: catalogue.name, role: catalogue.role, path: dest, catalogueMatch: true, alreadyImported: false };
  }
  const name = opts.name ?? nameFromFile(source);
  const clash = entries.find((e) => e.name === name);
  if (clash) {
    throw new CairnError(
      "conflict:model",
      `"${name}" is the name of a catalogue model and ${source} is not that model (its sha256 differs); choose another name with --name.`,
      { reason: "name_taken" },
    );
  }
  const existing = (await readManifest(cfg.modelsDir)).models.find((m) => m.name === name);
  if (existing && existing.sha256 !== sha256) {
    throw new CairnError("conflict:model", `A different model is already imported as "${name}"; choose another name with --name.`, {
      reason: "name_taken",
    });
  }
  const role = opts.role ?? roleForArchitecture(architecture);
  const dest = path.join(cfg.modelsDir, `${name}.gguf`);
  return { name, role, path: dest, catalogueMatch: false, alreadyImported: existing !== undefined };
}

export function nameFromFile(file: string): string {
  const base = path.basename(file).replace(/\.gguf$/i, "").toLowerCase();
  const slug = base.replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, 100);
  return slug || "imported-model";
}

async function assertReadableFile(file: string): Promise<void> {
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT" || e.code === "ENOTDIR") {
      throw new CairnError("not_found:model", `No file at ${file}.`, { reason: "missing_file", cause: e });
    }
    if (e.code === "EACCES") throw new CairnError("forbidden:model", `Cannot read ${file}: permission denied.`, { reason: "unreadable", cause: e });
    throw e;
  });
  if (st.isDirectory()) {
    throw new CairnError("bad_request:model", `${file} is a directory; give the path of a .gguf file.`, { reason: "is_directory" });
  }
  if (!st.isFile()) throw new CairnError("bad_request:model", `${file} is not a regular file.`, { reason: "not_regular_file" });
  if (st.size === 0) throw new CairnError("bad_request:model", `${file} is empty (0 bytes), not a GGUF model.`, { reason: "empty_file" });
}

function copyError(cause: unknown, source: string, modelsDir: string): CairnError {
  const code = (cause as NodeJS.ErrnoException).code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new CairnError("unavailable:model", `Disk full while copying ${source} into ${modelsDir}; nothing was imported.`, { reason: "disk_full", cause });
  }
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new CairnError("forbidden:model", `Cannot write into ${modelsDir} (${code}); nothing was imported.`, { reason: "not_writable", cause });
  }
  return new CairnError("internal:model", `Copying ${source} failed: ${(cause as Error).message}`, { cause });
}
