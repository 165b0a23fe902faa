import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEmbedder, type LocalEmbedder } from "@/models/embedder";
import { testModelPaths, testModelThreads } from "../testModels";

let embedder: LocalEmbedder;

beforeAll(async () => {
  embedder = await loadEmbedder(testModelPaths().embedder, { threads: testModelThreads() });
});
afterAll(async () => {
  await embedder?.dispose();
});

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe("embedder (all-MiniLM-L6-v2 GGUF test model)", () => {
  it("returns unit vectors of the model's dimension", async () => {
    expect(embedder.dimensions).toBe(384);
    expect(embedder.maxTokens).toBe(512);
    const [v] = await embedder.embed(["The patient was discharged"]);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v!.length).toBe(384);
    expect(Math.abs(Math.sqrt(dot(v!, v!)) - 1)).toBeLessThan(1e-5);
  });

  it("places related sentences closer than unrelated ones", async () => {
    const [a, b, c] = await embedder.embed(["The patient was discharged", "Patient left hospital", "Invoice due in 30 days"]);
    const related = dot(a!, b!);
    expect(related - dot(a!, c!)).toBeGreaterThan(0.2);
    expect(related - dot(b!, c!)).toBeGreaterThan(0.2);
  });

  it("counts tokens including [CLS] and [SEP], and refuses text over maxTokens", async () => {
    expect(embedder.countTokens("the patient")).toBe(4);
    const fits = Array.from({ length: 510 }, () => "word").join(" ");
    expect(embedder.countTokens(fits)).toBe(512);
    await expect(embedder.embed([fits])).resolves.toHaveLength(1);
    await expect(embedder.embed(["short", fits + " word"])).rejects.toMatchObject({ reason: "input_too_long", message: expect.stringMatching(/Text 2 is 513 tokens/) });
    await expect(embedder.embed(["   "])).rejects.toMatchObject({ reason: "empty_input" });
  });

  it("serves concurrent calls with the right vector for each text", async () => {
    const texts = ["pump isolation procedure", "notice period of ninety days", "discharge summary", "invoice payment terms"];
    const alone = await embedder.embed(texts);
    const together = await Promise.all(texts.map((t) => embedder.embed([t, t])));
    together.forEach((pair, i) => {
      expect(dot(pair[0]!, alone[i]!)).toBeGreaterThan(0.9999);
      expect(dot(pair[1]!, alone[i]!)).toBeGreaterThan(0.9999);
    });
  });
});
