import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEmbedder, type LocalEmbedder } from "@/models/embedder";
import { readGgufSummary } from "@/models/gguf";
import { buildTestEmbedderVariant } from "@/models/testModels/fetchTestModels";
import { sharedFixturesDir } from "../../utils/answerabilityQuestions";
import { testModelPaths, testModelThreads } from "../testModels";

// The Q8_0 embedder made by the project's own converter (from the cached wheel) against the
// pinned F16 one, on real chunks of the fixture agreements: every vector within cosine 0.99.

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-q8-"));
let f16: LocalEmbedder;
let q8: LocalEmbedder;
let q8Path: string;

beforeAll(async () => {
  q8Path = await buildTestEmbedderVariant("q8_0", outDir);
  f16 = await loadEmbedder(testModelPaths().embedder, { threads: testModelThreads() });
  q8 = await loadEmbedder(q8Path, { threads: testModelThreads() });
}, 300_000);
afterAll(async () => {
  await f16?.dispose();
  await q8?.dispose();
  fs.rmSync(outDir, { recursive: true, force: true });
});

/** 28 chunks of about 200 words, two from each fixture agreement. */
function fixtureChunks(): string[] {
  const dir = path.join(sharedFixturesDir, "contracts");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".txt")).sort();
  const chunks: string[] = [];
  for (const f of files) {
    const words = fs.readFileSync(path.join(dir, f), "utf8").split(/\s+/).filter(Boolean);
    for (let k = 0; k < 2 && chunks.length < 28; k++) {
      const start = Math.floor(((2 * k + 1) * words.length) / 4);
      chunks.push(words.slice(start, start + 200).join(" "));
    }
  }
  return chunks;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe("Q8_0 embedder from the project's converter", () => {
  it("is a Q8_0 GGUF about half the F16 size that llama.cpp loads as the same model", async () => {
    const summary = await readGgufSummary(q8Path);
    expect(summary.embeddingLength).toBe(384);
    expect(fs.statSync(q8Path).size / fs.statSync(testModelPaths().embedder).size).toBeLessThan(0.6);
    expect(q8.dimensions).toBe(f16.dimensions);
    expect(q8.maxTokens).toBe(f16.maxTokens);
    expect(q8.countTokens("the isolation valve V-17")).toBe(f16.countTokens("the isolation valve V-17"));
  });

  it("gives vectors within cosine 0.99 of the F16 ones on real fixture chunks", async () => {
    const chunks = fixtureChunks().map((c) => {
      // Keep within the model's 512 tokens.
      let t = c;
      while (f16.countTokens(t) > f16.maxTokens) t = t.split(" ").slice(0, -20).join(" ");
      return t;
    });
    expect(chunks.length).toBe(28);
    const a = await f16.embed(chunks);
    const b = await q8.embed(chunks);
    const cosines = a.map((v, i) => dot(v, b[i]!));
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.99);
    // Not the same file in disguise: quantisation moves every vector a little.
    expect(Math.max(...cosines)).toBeLessThan(0.999999);
  });
});
