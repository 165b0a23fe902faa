import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SYSTEM_PROMPT, firstTokenBudgetFor, packPassages, type PromptPassage } from "@/lib/prompt";
import { loadLanguageModel, type LocalLanguageModel } from "@/models/llm";
import { testModelPaths, testModelThreads } from "../testModels";

// The first-token budget with the real test LLM: the prompt speed comes from real evaluations
// (at load, then each generation), a pinned speed is what is reported, and a packed prompt — as
// the model's own chat template counts it — stays within the budget's token limit.

const FIXTURE = path.resolve(import.meta.dirname, "../../../../shared/fixtures/contracts/ADIANUTRITION,INC_04_01_2005-EX-10.D2-RESELLER AGREEMENT.txt");
const page = readFileSync(FIXTURE, "utf8");
const QUESTION = "Which state's law governs the reseller agreement?";

/** The agreement cut into ~1,200-character chunks at offsets into its text, as a search would return them. */
function chunks(): PromptPassage[] {
  const out: PromptPassage[] = [];
  for (let start = 0, i = 0; start < page.length && out.length < 8; start += 1200, i++) {
    const end = Math.min(page.length, start + 1200);
    out.push({
      id: `c${i}`,
      documentId: "adia",
      collectionId: "default",
      documentSha256: "0".repeat(64),
      ordinal: i,
      page: null,
      headingPath: "",
      charStart: start,
      charEnd: end,
      tokenCount: 0,
      text: page.slice(start, end),
      score: 1 / (i + 1),
      fileName: "reseller.txt",
    });
  }
  // The governing-law clause first, as the search would rank it.
  const law = page.search(/governed by/i);
  out.sort((a, b) => Number(b.charStart <= law && law < b.charEnd) - Number(a.charStart <= law && law < a.charEnd));
  return out;
}

let llm: LocalLanguageModel;
let pinned: LocalLanguageModel;
beforeAll(async () => {
  llm = await loadLanguageModel(testModelPaths().llm, { contextSize: 4096, threads: testModelThreads() });
  pinned = await loadLanguageModel(testModelPaths().llm, { contextSize: 1024, threads: testModelThreads(), promptTokensPerSecond: 123 });
});
afterAll(async () => {
  await llm?.dispose();
  await pinned?.dispose();
});

describe("prompt speed of the real test LLM", () => {
  it("is measured at load from a real evaluation, then kept fresh by each generation's prompt evaluation", async () => {
    const atLoad = llm.promptSpeed()!;
    expect(atLoad.source).toBe("load");
    expect(atLoad.samples).toBe(1);
    expect(Number.isFinite(atLoad.tokensPerSecond) && atLoad.tokensPerSecond > 0).toBe(true);

    const passages = chunks().slice(0, 2).map((c) => c.text).join("\n\n");
    const res = await llm.generate(
      [
        { role: "system", content: DEFAULT_SYSTEM_PROMPT },
        { role: "user", content: `${passages}\n\nQuestion: ${QUESTION}` },
      ],
      { maxTokens: 4 },
    );
    expect(res.promptTokens).toBeGreaterThan(300);
    const after = llm.promptSpeed()!;
    expect(after.source).toBe("generations");
    expect(after.samples).toBe(2);
    expect(Number.isFinite(after.tokensPerSecond) && after.tokensPerSecond > 0).toBe(true);
    expect(after.tokensPerSecond).not.toBe(atLoad.tokensPerSecond);

    // The same prompt again: everything is in the KV cache, too little is evaluated to count.
    await llm.generate([{ role: "system", content: DEFAULT_SYSTEM_PROMPT }, { role: "user", content: `${passages}\n\nQuestion: ${QUESTION}` }], { maxTokens: 2 });
    expect(llm.promptSpeed()!.samples).toBe(2);
  });

  it("a pinned speed is reported as is, and generations do not move it", async () => {
    expect(pinned.promptSpeed()).toEqual({ tokensPerSecond: 123, source: "config", samples: 0 });
    await pinned.generate([{ role: "user", content: `${chunks()[0]!.text}\n\nWhat is this about?` }], { maxTokens: 2 });
    expect(pinned.promptSpeed()).toEqual({ tokensPerSecond: 123, source: "config", samples: 0 });
  });

  it("a prompt packed to the measured budget is within its token limit as the model counts it, passages at exact offsets", async () => {
    const budget = firstTokenBudgetFor(llm, 1500)!;
    expect(budget.tokensPerSecond).toBe(llm.promptSpeed()!.tokensPerSecond);
    const passages = chunks();
    const unbounded = packPassages({ passages, question: QUESTION, countTokens: llm.countTokens, contextSize: llm.contextSize, reserveForAnswer: 160 });
    const packed = packPassages({ passages, question: QUESTION, countTokens: llm.countTokens, contextSize: llm.contextSize, reserveForAnswer: 160, firstTokenBudget: budget });
    const systemTokens = llm.countTokens(DEFAULT_SYSTEM_PROMPT) + 8;
    expect(packed.maxPromptTokens).toBe(Math.min(llm.contextSize - 160, systemTokens + Math.floor((budget.tokensPerSecond * 1500) / 1000)));
    expect(packed.used.length).toBeGreaterThan(0);
    for (const u of packed.used) expect(page.slice(u.hit.charStart, u.hit.charEnd)).toBe(u.hit.text);

    const res = await llm.generate(packed.messages, { maxTokens: 2 });
    // The chat template's real count is within the packer's (its per-message overhead is an upper bound).
    expect(res.promptTokens).toBeLessThanOrEqual(packed.promptTokens);
    if (packed.promptTokens > packed.maxPromptTokens) {
      // Over the limit only with the one sentence that is never cut.
      expect(packed.used).toHaveLength(1);
      expect(packed.used[0]!.hit.trimmedFrom).toBeDefined();
    }
    // The budget made the prompt smaller than packing by context size alone.
    expect(packed.promptTokens).toBeLessThan(unbounded.promptTokens);
  });
});
