import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testModelPaths } from "../testModels";
import { recordingModel } from "../utils/recordingModel";

// Singletons read config once per process; vitest gives each test file its own module graph,
// but the model slots live on globalThis (shared by Next.js bundles), so an earlier file in this
// fork may have left a model loaded: start from none.
beforeAll(async () => {
  const paths = testModelPaths();
  process.env.CAIRN_LLM_MODEL = paths.llm;
  process.env.CAIRN_EMBED_MODEL = paths.embedder;
  process.env.CAIRN_LLM_CONTEXT_SIZE = "1024";
  // One thread unless the run asks for another count (the suite must pass with 1 and 2).
  process.env.CAIRN_MODEL_THREADS ||= "1";
  await (await models()).disposeModels();
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
    // The second request reaches the model once the first is generating: it has to wait its turn.
    let firstGenerating!: () => void;
    const generating = new Promise<void>((resolve) => (firstGenerating = resolve));
    const first = recordingModel(m1, { onFirstPiece: () => firstGenerating() });
    const second = recordingModel(m2, { startAfter: generating });
    const [a, b] = await Promise.all([
      first.generate([{ role: "user", content: "Count from one to twenty in words." }], { maxTokens: 12, temperature: 0 }),
      second.generate([{ role: "user", content: "Say two words." }], { maxTokens: 6, temperature: 0 }),
    ]);
    expect(a.tokens).toBeGreaterThan(1);
    expect(b.aborted).toBe(false);
    const [x] = first.calls;
    const [y] = second.calls;
    expect(y!.delegatedAt!, "the second arrived while the first was generating").toBeLessThan(x!.lastPieceAt!);
    expect(y!.firstPieceAt!, "nothing of the second was generated before the first finished").toBeGreaterThanOrEqual(x!.lastPieceAt!);
    expect(b.queuedMs).toBeGreaterThanOrEqual(x!.lastPieceAt! - y!.delegatedAt! - 1);
    expect(await getLanguageModel()).toBe(m1);
  });

  it("loads the embedder once", async () => {
    const { getEmbedder } = await models();
    const [e1, e2] = await Promise.all([getEmbedder(), getEmbedder()]);
    expect(e1).toBe(e2);
    expect((await e1.embed(["hello"]))[0]!.length).toBe(e1.dimensions);
  });
});
