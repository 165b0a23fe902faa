import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "@/core/config";
import { buildTestEmbedderVariant } from "@/models/testModels/fetchTestModels";
import { testModelPaths } from "../../modelDependent/testModels";
import { ensureCorpus } from "./corpusCache";
import type { BenchCorpusId } from "./benchCorpora";

// A bench's Cairn: a copy of an ingested corpus (cached between runs) in a temp data dir, the
// test models, and lib/ loaded only after the env points there (config() is read once per process).
// BENCH_EMBEDDER=q8_0 swaps in the test embedder converted at Q8_0 (its own cached corpus: the
// cache is keyed on the embedder file).

export async function openBenchApp(corpusId: BenchCorpusId, env: Record<string, string> = {}) {
  const models = testModelPaths();
  const variant = process.env.BENCH_EMBEDDER;
  // The cache dir read fresh (loadConfig): config() here would freeze the default data dir before the env points at runDir.
  if (variant === "q8_0") models.embedder = await buildTestEmbedderVariant("q8_0", path.join(os.tmpdir(), "cairn-bench-embedder-variants"), loadConfig().testModelsDir);
  else if (variant && variant !== "f16") throw new Error(`BENCH_EMBEDDER=${variant}: expected f16 or q8_0`);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `cairn-bench-${corpusId}-run-`));
  const corpus = ensureCorpus(corpusId, models.embedder, runDir);
  const appEnv = { CAIRN_DATA_DIR: runDir, CAIRN_EMBED_MODEL: models.embedder, CAIRN_LLM_MODEL: models.llm };
  Object.assign(process.env, appEnv, env);

  const { config } = await import("@/core/config");
  const { closeDb } = await import("@/core/db");
  const { realAskDeps } = await import("@/lib/askDeps");
  const { ask } = await import("@/lib/ask");
  const { currentPrincipal } = await import("@/lib/auth");
  const { resolveCollections } = await import("@/lib/searchScope");
  const { getVectorStore } = await import("@/lib/store");
  const { disposeModels } = await import("@/models");
  const { getLlamaInstance } = await import("@/models/utils/llamaInstance");

  const cfg = config();
  return {
    models,
    runDir,
    /** The env a child process needs to open the same data (e.g. a `next start` for search latency). */
    appEnv,
    corpus,
    cfg,
    collections: resolveCollections(currentPrincipal()),
    ask,
    realAskDeps,
    /** Model threads in use: the configured count, or llama.cpp's default. */
    threads: async () => cfg.modelThreads || (await getLlamaInstance()).cpuMathCores,
    /** Closes the store, the db and the models; the data dir stays until remove(). */
    close: async () => {
      (await getVectorStore()).close();
      closeDb(cfg.dbPath);
      await disposeModels();
    },
    remove: () => fs.rmSync(runDir, { recursive: true, force: true }),
  };
}
