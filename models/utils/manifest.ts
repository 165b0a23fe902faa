import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { CairnError } from "@/core/errors";

// models/manifest.json records models imported from disk (the catalogue covers downloaded ones).
export const MANIFEST_FILE = "manifest.json";

const importedModelSchema = z.object({
  name: z.string(),
  role: z.enum(["llm", "embedder"]),
  /** File name inside the models dir. */
  fileName: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  architecture: z.string(),
  contextLength: z.number().int().optional(),
  embeddingLength: z.number().int().optional(),
  importedFrom: z.string(),
  importedAt: z.string(),
});
const manifestSchema = z.object({ version: z.literal(1), models: z.array(importedModelSchema) });

export type ImportedModel = z.infer<typeof importedModelSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

export async function readManifest(modelsDir: string): Promise<Manifest> {
  const file = path.join(modelsDir, MANIFEST_FILE);
  return parseManifest(file, await readFile(file, "utf8").catch(nullIfMissing));
}

/** Synchronous twin for resolveModelFile, which callers use at startup without awaiting. */
export function readManifestSync(modelsDir: string): Manifest {
  const file = path.join(modelsDir, MANIFEST_FILE);
  let text: string | null;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    text = nullIfMissing(e as NodeJS.ErrnoException);
  }
  return parseManifest(file, text);
}

function nullIfMissing(e: NodeJS.ErrnoException): null {
  if (e.code === "ENOENT") return null;
  throw e;
}

function parseManifest(file: string, text: string | null): Manifest {
  if (text === null) return { version: 1, models: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CairnError("internal:model", `${file} is not valid JSON; fix or delete it (imported models will need importing again).`, {
      reason: "bad_manifest",
      cause,
    });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new CairnError("internal:model", `${file} has an unexpected shape: ${parsed.error.issues[0]?.message ?? "invalid"}.`, {
      reason: "bad_manifest",
    });
  }
  return parsed.data;
}

/** Replaces the entry with the same name (or adds it); written to a temp file then renamed. */
export async function upsertManifestEntry(modelsDir: string, entry: ImportedModel): Promise<void> {
  const manifest = await readManifest(modelsDir);
  const models = manifest.models.filter((m) => m.name !== entry.name);
  models.push(entry);
  await mkdir(modelsDir, { recursive: true });
  const file = path.join(modelsDir, MANIFEST_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ version: 1, models }, null, 2)}\n`);
  await rename(tmp, file);
}

/** Drops the entry with this name, if any (the Models page's Remove). */
export async function removeManifestEntry(modelsDir: string, name: string): Promise<void> {
  const manifest = await readManifest(modelsDir);
  const models = manifest.models.filter((m) => m.name !== name);
  if (models.length === manifest.models.length) return;
  const file = path.join(modelsDir, MANIFEST_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ version: 1, models }, null, 2)}\n`);
  await rename(tmp, file);
}
