import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root } from "../../../scripts/lib.mjs";
import { benchCorpus, type BenchCorpusId } from "./benchCorpora";

// Embedding a few hundred chunks takes minutes on 2 cores, so an ingested bench corpus is kept
// between runs in the temp dir, keyed by corpus id and version, embedder file and chunking settings.

export interface CorpusSummary {
  id: string;
  version: string;
  embedder: string;
  builtAt: string;
  ingestSeconds: number;
  documents: { id: string; name: string; pages: number | null; chunks: number }[];
}

export interface IngestedCorpus {
  /** A fresh copy of the cached data dir, for this run only. */
  dataDir: string;
  summary: CorpusSummary;
  /** True when this run ingested the corpus (false: reused from the cache). */
  built: boolean;
}

export function corpusCacheDir(id: BenchCorpusId, embedderPath: string): string {
  const chunking = `${process.env.CAIRN_CHUNK_TOKENS ?? "256"}-${process.env.CAIRN_CHUNK_OVERLAP_TOKENS ?? "32"}`;
  const key = `${benchCorpus(id).version()}-${path.basename(embedderPath, ".gguf")}-${chunking}`.replace(/[^\w.-]/g, "_");
  return path.join(os.tmpdir(), `cairn-bench-${id}-corpus-${key}`);
}

/** Builds the corpus once through the worker (BENCH_REBUILD=1 forces it), then copies it to `runDir`. */
export function ensureCorpus(id: BenchCorpusId, embedderPath: string, runDir: string): IngestedCorpus {
  const cache = corpusCacheDir(id, embedderPath);
  const marker = path.join(cache, "corpus.json");
  let built = false;
  if (process.env.BENCH_REBUILD === "1" || !fs.existsSync(marker)) {
    fs.rmSync(cache, { recursive: true, force: true });
    const partial = `${cache}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    console.log(`› Ingesting the ${id} corpus through the worker into ${cache} (once; cached for later runs)…`);
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "buildCorpus.ts"), partial, id], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, BENCH_CORPUS_EMBEDDER: embedderPath },
    });
    if (r.status !== 0 || !fs.existsSync(path.join(partial, "corpus.json"))) {
      fs.rmSync(partial, { recursive: true, force: true });
      throw new Error(`building the ${id} corpus failed (exit ${r.status})`);
    }
    if (fs.existsSync(marker)) fs.rmSync(partial, { recursive: true, force: true }); // another run built it meanwhile
    else fs.renameSync(partial, cache);
    built = true;
  }
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.cpSync(cache, runDir, { recursive: true });
  // vectors.json names its store by absolute path (the build's partial dir); point it at this copy.
  const pointer = path.join(runDir, "vectors.json");
  if (fs.existsSync(pointer)) {
    const p = JSON.parse(fs.readFileSync(pointer, "utf8")) as { uri: string };
    const at = p.uri.lastIndexOf(`${path.sep}lancedb`);
    if (at >= 0) fs.writeFileSync(pointer, JSON.stringify({ ...p, uri: path.join(runDir, p.uri.slice(at + 1)) }, null, 2));
  }
  return { dataDir: runDir, summary: JSON.parse(fs.readFileSync(marker, "utf8")) as CorpusSummary, built };
}
