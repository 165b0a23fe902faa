import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testModelPaths } from "../testModels";

// Choosing another LLM on the Models page (models/selection.json) takes effect in a running
// process: the next getLanguageModel() loads the chosen one; an answer already under way on the
// old model finishes before the old one is unloaded. Two catalogue entries, one real test model
// (hard links in the models dir, so nothing is copied).

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-switch-"));
const modelsDir = path.join(tmp, "models");

// One process runs every file of this project: leave the environment as it was found.
const saved = { ...process.env };

beforeAll(() => {
  const { llm } = testModelPaths();
  fs.mkdirSync(modelsDir, { recursive: true });
  const size = fs.statSync(llm).size;
  const entry = (name: string, isDefault: boolean) => {
    fs.linkSync(llm, path.join(modelsDir, `${name}.gguf`));
    return { name, role: "llm", description: name, source: `hf:x/${name}.gguf`, fileName: `${name}.gguf`, sizeBytes: size, sha256: null, license: "Apache-2.0", contextSize: 1024, isDefault };
  };
  const catalogue = path.join(tmp, "catalogue.json");
  fs.writeFileSync(catalogue, JSON.stringify({ models: [entry("answers-a", true), entry("answers-b", false)] }));
  Object.assign(process.env, {
    CAIRN_DATA_DIR: path.join(tmp, "data"),
    CAIRN_MODELS_DIR: modelsDir,
    CAIRN_MODEL_CATALOGUE: catalogue,
    CAIRN_LLM_CONTEXT_SIZE: "1024",
    CAIRN_TEST_MODELS_DIR: path.join(tmp, "none"),
  });
  process.env.CAIRN_MODEL_THREADS ||= "1";
  delete process.env.CAIRN_LLM_MODEL;
});

afterAll(async () => {
  await (await import("@/models/index")).disposeModels();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("switching the LLM without a restart", () => {
  it("the next request uses the chosen model; the one in flight finishes on the old one", async () => {
    const { getLanguageModel, modelState } = await import("@/models/index");
    const { selectModel } = await import("@/lib/modelManager");
    const { currentPrincipal } = await import("@/lib/auth");

    const a = await getLanguageModel();
    expect(a.modelName).toBe("answers-a");
    const inFlight = a.generate([{ role: "user", content: "Count from one to ten in words." }], { maxTokens: 16, temperature: 0 });

    await selectModel(currentPrincipal(), "llm", "answers-b");
    expect(modelState("llm")).toMatchObject({ name: "answers-b" });
    const b = await getLanguageModel();
    expect(b.modelName).toBe("answers-b");
    expect(b).not.toBe(a);

    const first = await inFlight;
    expect(first.aborted).toBe(false);
    expect(first.tokens).toBeGreaterThan(0);
    const second = await b.generate([{ role: "user", content: "Say hello." }], { maxTokens: 4, temperature: 0 });
    expect(second.tokens).toBeGreaterThan(0);
    expect(await getLanguageModel()).toBe(b);
  });
});
