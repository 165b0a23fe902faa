import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { testModelPaths } from "../../modelDependent/testModels";
import { ensureCorpus } from "./corpusCache";
import type { BenchCorpusId } from "./benchCorpora";

// A bench's Cairn: a copy of an ingested corpus (cached between runs) in a temp data dir, the
// test models, and lib/ loaded only after the env points there (config() is read once per process).

export async function openBenchApp(corpusId: BenchCorpusId, env: Record<string, string> = {}) {
  const models = testModelPaths();
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
