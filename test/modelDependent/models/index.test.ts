import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testModelPaths } from "../testModels";

// Singletons read config once per process; vitest gives each test file its own module graph.
beforeAll(() => {
  const paths = testModelPaths();
  process.env.CAIRN_LLM_MODEL = paths.llm;
  process.env.CAIRN_EMBED_MODEL = paths.embedder;
  process.env.CAIRN_LLM_CONTEXT_SIZE = "1024";
  process.env.CAIRN_MODEL_THREADS = "1";
});

const models = () => import("@/models/index");

afterAll(async () => {
  await (await models()).disposeModels();
});

describe("model singletons", () => {
  it("loads the LLM once for concurrent first callers and serves them in turn", async () => {
    const { getLanguageModel, modelState } = await models();
    const p1 = getLanguageModel();
    const p2 = getLanguageModel();
    expect(p1).toBe(p2);
    expect(modelState("llm").status).toBe("loading");
    const [m1, m2] = await Promise.all([p1, p2]);
    expect(m1).toBe(m2);
    expect(modelState("llm")).toMatchObject({ status: "ready" });
    const [a, b] = await Promise.all([
      m1.generate([{ role: "user", content: "Say one word." }], { maxTokens: 6 }),
      m2.generate([{ role: "user", content: "Say two words." }], { maxTokens: 6 }),
    ]);
    expect(a.tokens).toBeGreaterThan(0);
    expect(b.queuedMs).toBeGreaterThan(0);
    expect(await getLanguageModel()).toBe(m1);
  });

  it("loads the embedder once", async () => {
    const { getEmbedder } = await models();
    const [e1, e2] = await Promise.all([getEmbedder(), getEmbedder()]);
    expect(e1).toBe(e2);
    expect((await e1.embed(["hello"]))[0]!.length).toBe(e1.dimensions);
  });
});
