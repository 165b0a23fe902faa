import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// No model anywhere: empty models dir and empty test-model cache.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cairn-nomodels-"));
  process.env.CAIRN_MODELS_DIR = path.join(dir, "models");
  process.env.CAIRN_TEST_MODELS_DIR = path.join(dir, "test-models");
  delete process.env.CAIRN_LLM_MODEL;
  delete process.env.CAIRN_EMBED_MODEL;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("model singletons without any model installed", () => {
  it("report missing and fail with a clear, actionable error", async () => {
    const { getLanguageModel, getEmbedder, modelState } = await import("@/models/index");
    expect(modelState("llm")).toEqual({ role: "llm", status: "missing" });
    expect(modelState("embedder").status).toBe("missing");
    const err = await getLanguageModel().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "unavailable:model", reason: "model_missing" });
    expect((err as Error).message).toMatch(/No LLM installed\. Run `npm run models -- pull .+` or import a \.gguf/);
    await expect(getEmbedder()).rejects.toMatchObject({ reason: "model_missing" });
  });
});
