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

// Stores inside the data dir are recorded relative to it, so a moved or copied data dir
// still points at its own stores; a URI elsewhere (another disk, s3://) stays as given.
const isUrl = (uri: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
const toStored = (dataDir: string, uri: string) => {
  if (isUrl(uri) || !path.isAbsolute(uri)) return uri;
  const rel = path.relative(path.resolve(dataDir), uri);
  return rel.startsWith("..") || path.isAbsolute(rel) ? uri : rel;
};
const fromStored = (dataDir: string, uri: string) => (isUrl(uri) || path.isAbsolute(uri) ? uri : path.resolve(dataDir, uri));

export function readVectorPointer(cfg: Pick<CairnConfig, "dataDir">): VectorPointer | null {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(path.join(cfg.dataDir, POINTER_FILE), "utf8")));
    if (!parsed.success) return null;
    const p = parsed.data;
    return { ...p, uri: fromStored(cfg.dataDir, p.uri), ...(p.reembed && { reembed: { ...p.reembed, uri: fromStored(cfg.dataDir, p.reembed.uri) } }) };
  } catch {
    return null;
  }
}

export function writeVectorPointer(cfg: Pick<CairnConfig, "dataDir">, pointer: VectorPointer): void {
  mkdirSync(cfg.dataDir, { recursive: true });
  const file = path.join(cfg.dataDir, POINTER_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const stored = {
    ...pointer,
    uri: toStored(cfg.dataDir, pointer.uri),
    ...(pointer.reembed && { reembed: { ...pointer.reembed, uri: toStored(cfg.dataDir, pointer.reembed.uri) } }),
  };
  writeFileSync(tmp, `${JSON.stringify(stored, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Where a re-embed with `embedder` writes its store: beside the first one, named after the model. */
export function reembedUri(cfg: Pick<CairnConfig, "lancedbUri">, embedder: string): string {
  return `${cfg.lancedbUri}-${embedder.replace(/[^a-z0-9._-]+/gi, "-")}`;
}
