import { mkdir, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CairnConfig } from "@/core/config";
import { CairnError } from "@/core/errors";
import { defaultCatalogueEntry, getCatalogueEntry } from "@/models/catalogue";
import { importModel } from "@/models/importModel";
import { listModels, resolveModelFile } from "@/models/registry";
import { makeTinyGguf } from "./helpers/makeGguf";
import { testConfig } from "./helpers/testConfig";

let dir: string;
const cfgWith = (env: Record<string, string> = {}): CairnConfig =>
  testConfig({ CAIRN_DATA_DIR: path.join(dir, "data"), CAIRN_TEST_MODELS_DIR: path.join(dir, "test-models"), ...env });

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cairn-registry-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A sparse file of the catalogue size: the registry checks presence and size, pull checks hashes. */
async function placeCatalogueFile(folder: string, name: string): Promise<string> {
  const entry = getCatalogueEntry(name);
  const file = path.join(folder, entry.fileName);
  await mkdir(folder, { recursive: true });
  await writeFile(file, "");
  await truncate(file, entry.sizeBytes ?? 1);
  return file;
}

async function importTiny(cfg: CairnConfig, name: string, architecture: string) {
  const source = path.join(dir, `${name}.gguf`);
  await writeFile(source, makeTinyGguf({ architecture }));
  return importModel(source, { cfg, name });
}

function thrown(fn: () => unknown): CairnError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CairnError);
  return error as CairnError;
}

describe("resolveModelFile", () => {
  it("returns null when nothing is installed", () => {
    expect(resolveModelFile("llm", cfgWith())).toBeNull();
    expect(resolveModelFile("embedder", cfgWith())).toBeNull();
  });

  it("prefers the installed catalogue default over imported models, which come next", async () => {
    const cfg = cfgWith();
    const imported = await importTiny(cfg, "my-embedder", "bert");
    expect(resolveModelFile("embedder", cfg)).toEqual({ path: imported.path, name: "my-embedder", source: "models-dir" });
    expect(resolveModelFile("llm", cfg)).toBeNull();

    const bge = await placeCatalogueFile(cfg.modelsDir, "bge-small-en-v1.5");
    expect(resolveModelFile("embedder", cfg)).toEqual({ path: bge, name: "bge-small-en-v1.5", source: "catalogue" });
  });

  it("ignores a catalogue file of the wrong size (an unfinished copy)", async () => {
    const cfg = cfgWith();
    await mkdir(cfg.modelsDir, { recursive: true });
    await writeFile(path.join(cfg.modelsDir, defaultCatalogueEntry("llm").fileName), "partial");
    expect(resolveModelFile("llm", cfg)).toBeNull();
  });

  it("uses the env setting first: a .gguf path, an imported name, or a catalogue name", async () => {
    const base = cfgWith();
    await placeCatalogueFile(base.modelsDir, "qwen2.5-1.5b-instruct-q4_k_m");
    const own = path.join(dir, "elsewhere", "custom.gguf");
    await mkdir(path.dirname(own), { recursive: true });
    await writeFile(own, makeTinyGguf());
    expect(resolveModelFile("llm", cfgWith({ CAIRN_LLM_MODEL: own }))).toEqual({ path: own, name: "custom", source: "env" });

    const imported = await importTiny(base, "tiny-llm", "llama");
    expect(resolveModelFile("llm", cfgWith({ CAIRN_LLM_MODEL: "tiny-llm" }))).toEqual({ path: imported.path, name: "tiny-llm", source: "env" });

    // A test model named in the env is found in the test-model cache.
    const testLlm = await placeCatalogueFile(path.join(dir, "test-models"), "qwen2.5-coder-0.5b-instruct-q4_k_m");
    expect(resolveModelFile("llm", cfgWith({ CAIRN_LLM_MODEL: "qwen2.5-coder-0.5b-instruct-q4_k_m" }))).toEqual({
      path: testLlm,
      name: "qwen2.5-coder-0.5b-instruct-q4_k_m",
      source: "env",
    });
    // Without the setting, the catalogue default wins.
    expect(resolveModelFile("llm", base)?.name).toBe("qwen2.5-1.5b-instruct-q4_k_m");
  });

  it("fails loudly when the env setting names something missing or of the wrong role", async () => {
    const missingPath = thrown(() => resolveModelFile("llm", cfgWith({ CAIRN_LLM_MODEL: path.join(dir, "gone.gguf") })));
    expect(missingPath.message).toMatch(/CAIRN_LLM_MODEL points at .*gone\.gguf/);
    const notInstalled = thrown(() => resolveModelFile("embedder", cfgWith({ CAIRN_EMBED_MODEL: "bge-small-en-v1.5" })));
    expect(notInstalled.reason).toBe("model_missing");
    expect(notInstalled.message).toContain("npm run models -- pull bge-small-en-v1.5");
    expect(thrown(() => resolveModelFile("embedder", cfgWith({ CAIRN_EMBED_MODEL: "qwen2.5-1.5b-instruct-q4_k_m" }))).reason).toBe("wrong_role");
    expect(thrown(() => resolveModelFile("llm", cfgWith({ CAIRN_LLM_MODEL: "typo-model" }))).reason).toBe("unknown_model");
  });
});

describe("listModels", () => {
  it("lists every catalogue and imported model with its install state and how to get it", async () => {
    const cfg = cfgWith();
    await placeCatalogueFile(cfg.modelsDir, "bge-small-en-v1.5");
    await importTiny(cfg, "tiny-llm", "llama");
    await writeFile(path.join(cfg.modelsDir, "qwen2.5-1.5b-instruct-q4_k_m.gguf.part"), Buffer.alloc(4096));
    const models = listModels(cfg);
    const by = Object.fromEntries(models.map((m) => [m.name, m]));
    expect(Object.keys(by)).toEqual(["qwen2.5-1.5b-instruct-q4_k_m", "bge-small-en-v1.5", "qwen2.5-coder-0.5b-instruct-q4_k_m", "all-minilm-l6-v2", "all-minilm-l6-v2-q8_0", "qwen2.5-coder-1.5b-instruct-q4_k_m", "tiny-llm"]);
    expect(by["qwen2.5-1.5b-instruct-q4_k_m"]).toMatchObject({
      installed: false,
      partialBytes: 4096,
      isDefault: true,
      getCommand: "npm run models -- pull qwen2.5-1.5b-instruct-q4_k_m",
      path: path.join(cfg.modelsDir, "qwen2.5-1.5b-instruct-q4_k_m.gguf"),
    });
    expect(by["bge-small-en-v1.5"]).toMatchObject({ installed: true, partialBytes: null, role: "embedder", embeddingDimensions: 384 });
    expect(by["qwen2.5-coder-0.5b-instruct-q4_k_m"]).toMatchObject({ installed: false, testOnly: true, getCommand: "npm run test-models" });
    expect(by["tiny-llm"]).toMatchObject({ kind: "imported", role: "llm", installed: true, getCommand: expect.stringContaining("npm run models -- import ") });
  });
});
