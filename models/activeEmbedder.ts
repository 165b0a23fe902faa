import { readFileSync, renameSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { CairnConfig } from "@/core/config";

// <data dir>/vectors.json: which vector store search reads and the embedder that wrote it.
// Choosing another embedder does not change it: the worker re-embeds the library into a new
// store in the background and repoints this file only once that store is complete, so search
// keeps using the old vectors (and the old embedder for queries) until then.

export const POINTER_FILE = "vectors.json";

const schema = z.object({
  uri: z.string(),
  embedder: z.string(),
  reembed: z
    .object({ embedder: z.string(), uri: z.string(), done: z.number().int(), total: z.number().int(), startedAt: z.string() })
    .optional(),
});
export type VectorPointer = z.infer<typeof schema>;

export function readVectorPointer(cfg: Pick<CairnConfig, "dataDir">): VectorPointer | null {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(path.join(cfg.dataDir, POINTER_FILE), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeVectorPointer(cfg: Pick<CairnConfig, "dataDir">, pointer: VectorPointer): void {
  mkdirSync(cfg.dataDir, { recursive: true });
  const file = path.join(cfg.dataDir, POINTER_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(pointer, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Where a re-embed with `embedder` writes its store: beside the first one, named after the model. */
export function reembedUri(cfg: Pick<CairnConfig, "lancedbUri">, embedder: string): string {
  return `${cfg.lancedbUri}-${embedder.replace(/[^a-z0-9._-]+/gi, "-")}`;
}
