import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLanguageModel, type LocalLanguageModel } from "@/models/llm";
import { testModelPaths, testModelThreads } from "../testModels";

// One thread unless CAIRN_MODEL_THREADS says otherwise: this machine's cores are shared, and
// llama.cpp's spinning threads thrash when oversubscribed.
let llm: LocalLanguageModel;

beforeAll(async () => {
  llm = await loadLanguageModel(testModelPaths().llm, { contextSize: 1024, threads: testModelThreads() });
});
afterAll(async () => {
  await llm?.dispose();
});

const ask = (content: string) => [{ role: "user" as const, content }];

describe("LLM (small instruct test model)", () => {
  it("streams a non-empty answer in several pieces", async () => {
    const pieces: string[] = [];
    // Greedy, and a whole sentence: an instruct model may answer "Name a color" in one token ("Blue").
    const res = await llm.generate([{ role: "system", content: "Answer briefly." }, ...ask("Describe the sky on a clear day in one sentence.")], {
      maxTokens: 24,
      temperature: 0,
      onToken: (t) => pieces.push(t),
    });
    expect(res.text.trim().length).toBeGreaterThan(0);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(res.text);
    expect(res.tokens).toBeGreaterThan(1);
    expect(res.tokens).toBeLessThanOrEqual(24);
    expect(res.aborted).toBe(false);
    expect(res.promptTokens).toBeGreaterThan(llm.countTokens("Describe the sky on a clear day in one sentence."));
  });

  it("stops promptly on abort, and the next request still works", async () => {
    const ac = new AbortController();
    let pieces = 0;
    const res = await llm.generate(ask("Write a very long story about a dragon and a knight."), {
      maxTokens: 400,
      temperature: 0,
      signal: ac.signal,
      onToken: () => {
        if (++pieces === 5) ac.abort();
      },
    });
    expect(res.aborted).toBe(true);
    expect(res.tokens).toBeLessThan(50);
    const next = await llm.generate(ask("Say hello."), { maxTokens: 8 });
    expect(next.aborted).toBe(false);
    expect(next.tokens).toBeGreaterThan(0);
  });

  it("serves concurrent requests one after another", async () => {
    const spans: { start: number; end: number }[] = [{ start: 0, end: 0 }, { start: 0, end: 0 }];
    const run = (i: number) =>
      llm.generate(ask(`Count to ${i + 5}.`), {
        maxTokens: 12,
        onToken: () => {
          spans[i]!.start ||= performance.now();
          spans[i]!.end = performance.now();
        },
      });
    const [a, b] = await Promise.all([run(0), run(1)]);
    expect(a.tokens).toBeGreaterThan(0);
    expect(b.tokens).toBeGreaterThan(0);
    // The second waited for the first: no overlap, and it reports the wait.
    expect(spans[1]!.start).toBeGreaterThanOrEqual(spans[0]!.end);
    expect(b.queuedMs).toBeGreaterThanOrEqual(a.generationMs * 0.9);
  });

  it("is stateless: the same greedy request gives the same answer twice", async () => {
    const first = await llm.generate(ask("The capital of France is"), { maxTokens: 10, temperature: 0 });
    await llm.generate(ask("Something unrelated about bananas."), { maxTokens: 5 });
    const again = await llm.generate(ask("The capital of France is"), { maxTokens: 10, temperature: 0 });
    expect(again.text).toBe(first.text);
    expect(again.promptTokens).toBe(first.promptTokens);
  });

  it("counts tokens consistently", () => {
    const a = "Notice must be given in writing.";
    const b = " It is due within 30 days.";
    expect(llm.countTokens(a)).toBeGreaterThan(3);
    expect(llm.countTokens(a)).toBe(llm.countTokens(a));
    const sum = llm.countTokens(a) + llm.countTokens(b);
    expect(Math.abs(llm.countTokens(a + b) - sum)).toBeLessThanOrEqual(2);
    expect(llm.countTokens("")).toBe(0);
  });

  it("refuses a prompt longer than the context instead of truncating it", async () => {
    const long = "word ".repeat(2000);
    await expect(llm.generate(ask(long), { maxTokens: 4 })).rejects.toMatchObject({ reason: "prompt_too_long" });
  });
});
