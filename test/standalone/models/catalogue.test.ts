import { describe, expect, it } from "vitest";
import { CairnError } from "@/core/errors";
import { EXTRA_TEST_MODELS, LARGE_TEST_MODELS, TEST_MODELS } from "@/models/testModels/specs";
import { CATALOGUE, defaultCatalogueEntry, downloadUrl, findCatalogueEntry, getCatalogueEntry, installCommand } from "@/models/catalogue";

describe("catalogue", () => {
  it("has well-formed entries with unique names and files", () => {
    expect(new Set(CATALOGUE.map((e) => e.name)).size).toBe(CATALOGUE.length);
    expect(new Set(CATALOGUE.map((e) => e.fileName)).size).toBe(CATALOGUE.length);
    for (const e of CATALOGUE) {
      expect(e.name).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
      expect(e.fileName).toMatch(/\.gguf$/);
      expect(e.source).toMatch(/^(hf|pypi):\S+$/);
      if (e.sha256 !== null) expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
      if (e.sizeBytes !== null) expect(Number.isSafeInteger(e.sizeBytes) && e.sizeBytes > 0).toBe(true);
      expect(e.license.length).toBeGreaterThan(0);
      expect(e.contextSize).toBeGreaterThan(0);
      if (e.role === "embedder") expect(e.embeddingDimensions).toBeGreaterThan(0);
      // Everything `pull` can fetch must be verifiable; test models come from npm run test-models.
      if (e.source.startsWith("hf:")) {
        expect(e.testOnly ?? false).toBe(false);
        expect(e.sha256, `${e.name} is checked after download`).toMatch(/^[0-9a-f]{64}$/);
        expect(e.sizeBytes, `${e.name} has a known size`).toBeGreaterThan(0);
      }
      if (e.source.startsWith("pypi:")) expect(e.testOnly).toBe(true);
    }
  });

  it("has the product defaults: Qwen2.5 1.5B Q4_K_M and bge-small-en-v1.5", () => {
    const llm = defaultCatalogueEntry("llm");
    expect(llm).toMatchObject({ fileName: "qwen2.5-1.5b-instruct-q4_k_m.gguf", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(llm.source).toContain("Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/");
    const embedder = defaultCatalogueEntry("embedder");
    expect(embedder).toMatchObject({ fileName: "bge-small-en-v1.5-f16.gguf", embeddingDimensions: 384 });
    expect(CATALOGUE.filter((e) => e.isDefault).map((e) => e.role).sort()).toEqual(["embedder", "llm"]);
  });

  it("builds download URLs from CAIRN_HF_BASE_URL, and none for test models", () => {
    const qwen = getCatalogueEntry("qwen2.5-1.5b-instruct-q4_k_m");
    expect(downloadUrl(qwen, { hfBaseUrl: "http://127.0.0.1:9999/" })).toMatch(
      /^http:\/\/127\.0\.0\.1:9999\/Qwen\/Qwen2\.5-1\.5B-Instruct-GGUF\/resolve\/[0-9a-f]{40}\/qwen2\.5-1\.5b-instruct-q4_k_m\.gguf$/,
    );
    const testLlm = getCatalogueEntry("qwen2.5-coder-0.5b-instruct-q4_k_m");
    expect(testLlm).toMatchObject({ testOnly: true, sizeBytes: 491400064, sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32" });
    expect(downloadUrl(testLlm, { hfBaseUrl: "https://huggingface.co" })).toBeNull();
    expect(installCommand(testLlm)).toBe("npm run test-models");
    expect(installCommand(qwen)).toBe("npm run models -- pull qwen2.5-1.5b-instruct-q4_k_m");
  });

  it("finds entries by name or file name, case-insensitively, and names the known ones when not found", () => {
    expect(findCatalogueEntry("BGE-small-en-v1.5")?.name).toBe("bge-small-en-v1.5");
    expect(findCatalogueEntry("bge-small-en-v1.5-f16.gguf")?.name).toBe("bge-small-en-v1.5");
    expect(() => getCatalogueEntry("gpt-5")).toThrow(CairnError);
    expect(() => getCatalogueEntry("gpt-5")).toThrow(/Known models: .*bge-small-en-v1\.5/);
  });

  it("agrees with the test-model specs that npm run test-models builds from", () => {
    const testEntries = CATALOGUE.filter((e) => e.testOnly);
    const specs = [...TEST_MODELS, ...EXTRA_TEST_MODELS, ...LARGE_TEST_MODELS];
    expect(testEntries.map((e) => e.name).sort()).toEqual(specs.map((m) => m.name.toLowerCase()).sort());
    for (const spec of specs) {
      const entry = getCatalogueEntry(spec.name);
      expect(entry).toMatchObject({ role: spec.role, fileName: spec.fileName, testOnly: true });
      if (entry.sha256 !== null) expect(entry.sha256).toBe(spec.sha256);
      if (entry.sizeBytes !== null) expect(entry.sizeBytes).toBe(spec.size);
    }
  });
});
