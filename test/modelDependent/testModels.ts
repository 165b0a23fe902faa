import { existsSync } from "node:fs";
import { loadConfig } from "@/core/config";
import { testModelPath } from "@/models/testModels/fetchTestModels";
import { TEST_MODELS } from "@/models/testModels/specs";

/**
 * Paths of the real test models in the cache. Model-dependent tests call this and fail loudly
 * (never skip) when the cache is empty. Files are verified by `npm run test-models`, not here.
 */
export function testModelPaths(): { llm: string; embedder: string } {
  // A fresh read, so calling this does not freeze the process-wide config() before a test sets env vars.
  const dir = loadConfig().testModelsDir;
  const pathFor = (role: "llm" | "embedder") => {
    const spec = TEST_MODELS.find((s) => s.role === role)!;
    const file = testModelPath(spec, dir);
    if (!existsSync(file)) {
      throw new Error(`Test model ${spec.name} (${role}) is missing at ${file}: run \`npm run test-models\` first.`);
    }
    return file;
  };
  return { llm: pathFor("llm"), embedder: pathFor("embedder") };
}

/**
 * CPU threads for a test model: CAIRN_MODEL_THREADS when set (the suite must pass with 1 and with 2:
 * thread counts change the floating-point path much as another CPU does), else 1, because this
 * machine's cores are shared and llama.cpp's spinning threads thrash when oversubscribed.
 */
export function testModelThreads(): number {
  return loadConfig().modelThreads || 1;
}
