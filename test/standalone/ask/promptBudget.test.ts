import { describe, expect, it } from "vitest";
import { citationFor, resolveCitations } from "@/lib/citations";
import { budgetTokens, DEFAULT_SYSTEM_PROMPT, firstTokenBudgetFor, packPassages, renderPassage, slicePassage, trimPassage, type PackInput } from "@/lib/prompt";
import { supportRange } from "@/lib/supportSpans";
import { verifyAnswer } from "@/lib/verifyAnswer";
import { questionTerms } from "@/lib/utils/answerability";
import { MIN_SAMPLE_TOKENS, PromptSpeedMeter, SPEED_ALPHA } from "@/models/promptSpeed";
import { countWords, hit, words } from "./fixtures";

// The prompt sized to a time to first token (issue 11): tokens from speed × time, passages
// trimmed to the sentences around the match with exact page offsets, off = the old packing.

const OVERHEAD = 8;
const QUESTION = "Which valve isolates pump P-101?";

// A page whose middle chunk holds the answer among filler sentences; the chunk starts at 500 on the page.
const FILLER = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `The ${tag} section item ${i} describes general site safety rules for visitors.`);
const CHUNK_SENTENCES = [...FILLER("intro", 6), "Pump P-101 is isolated by closing valve V-17 on the suction line.", "Tag the valve before work starts.", ...FILLER("closing", 6)];
const CHUNK = CHUNK_SENTENCES.join(" ");
const PAGE = `${"x".repeat(499)} ${CHUNK} trailing page text.`;
const answerHit = () => hit(CHUNK, { charStart: 500, charEnd: 500 + CHUNK.length });

function pack(over: Partial<PackInput> & Pick<PackInput, "passages">) {
  return packPassages({ question: QUESTION, countTokens: countWords, contextSize: 4000, reserveForAnswer: 100, ...over });
}
const systemTokens = countWords(DEFAULT_SYSTEM_PROMPT) + OVERHEAD;

describe("first-token budget arithmetic", () => {
  it("turns speed × time into prompt tokens, and nonsense into none", () => {
    expect(budgetTokens({ tokensPerSecond: 200, budgetMs: 2000 })).toBe(400);
    expect(budgetTokens({ tokensPerSecond: 133.7, budgetMs: 1500 })).toBe(200); // floor(200.55)
    expect(budgetTokens({ tokensPerSecond: 0, budgetMs: 2000 })).toBe(0);
    expect(budgetTokens({ tokensPerSecond: Number.NaN, budgetMs: 2000 })).toBe(0);
    expect(budgetTokens({ tokensPerSecond: 200, budgetMs: -5 })).toBe(0);
  });

  it("is off at 0 ms or with no known speed; a pinned speed beats the measured one", () => {
    const measured = { promptSpeed: () => ({ tokensPerSecond: 150, source: "generations" as const, samples: 4 }) };
    expect(firstTokenBudgetFor(measured, 0)).toBeNull();
    expect(firstTokenBudgetFor({}, 2000)).toBeNull();
    expect(firstTokenBudgetFor({ promptSpeed: () => null }, 2000)).toBeNull();
    expect(firstTokenBudgetFor(measured, 2000)).toEqual({ tokensPerSecond: 150, budgetMs: 2000 });
    expect(firstTokenBudgetFor(measured, 2000, 300)).toEqual({ tokensPerSecond: 300, budgetMs: 2000 });
    // Pinned works for a model that measures nothing (remote).
    expect(firstTokenBudgetFor({}, 2000, 300)).toEqual({ tokensPerSecond: 300, budgetMs: 2000 });
  });

  it("the prompt's limit is the cached system prompt plus what the speed evaluates in the budget, capped by the context", () => {
    const passages = Array.from({ length: 8 }, (_, i) => hit(words(60, `p${i}w`)));
    const packed = pack({ passages, firstTokenBudget: { tokensPerSecond: 100, budgetMs: 2000 } });
    expect(packed.maxPromptTokens).toBe(systemTokens + 200);
    expect(packed.promptTokens).toBeLessThanOrEqual(packed.maxPromptTokens);
    expect(packed.leftOut.some((l) => l.reason === "time_budget")).toBe(true);
    const capped = pack({ passages, contextSize: 600, firstTokenBudget: { tokensPerSecond: 1000, budgetMs: 10_000 } });
    expect(capped.maxPromptTokens).toBe(600 - 100);
    expect(capped.promptTokens).toBeLessThanOrEqual(500);
  });
});

describe("prompt speed meter", () => {
  it("averages real evaluations, ignores tiny ones, and a pinned speed ignores them all", () => {
    const m = new PromptSpeedMeter();
    expect(m.get()).toBeNull();
    expect(m.record(100, 1000, "load")).toBe(true);
    expect(m.get()).toEqual({ tokensPerSecond: 100, source: "load", samples: 1 });
    expect(m.record(MIN_SAMPLE_TOKENS - 1, 10)).toBe(false);
    expect(m.record(400, 2000)).toBe(true);
    expect(m.get()!.tokensPerSecond).toBeCloseTo(SPEED_ALPHA * 200 + (1 - SPEED_ALPHA) * 100, 9);
    expect(m.get()!.source).toBe("generations");
    expect(m.record(400, 0)).toBe(false);

    const pinned = new PromptSpeedMeter(250);
    expect(pinned.record(400, 1000)).toBe(false);
    expect(pinned.get()).toEqual({ tokensPerSecond: 250, source: "config", samples: 0 });
  });
});

describe("packing under a first-token budget", () => {
  it("budget off is the old packing, exactly", () => {
    const passages = [answerHit(), ...Array.from({ length: 12 }, (_, i) => hit(words(70, `q${i}w`)))];
    const old = pack({ passages, contextSize: 700 });
    expect(pack({ passages, contextSize: 700, firstTokenBudget: null })).toEqual(old);
    expect(pack({ passages, contextSize: 700, firstTokenBudget: firstTokenBudgetFor({ promptSpeed: () => ({ tokensPerSecond: 100, source: "load", samples: 1 }) }, 0) })).toEqual(old);
    expect(old.used.every((u) => u.hit.trimmedFrom === undefined)).toBe(true);
    expect(old.leftOut.every((l) => l.reason === "context_full")).toBe(true);
  });

  it("trims a chunk that does not fit to the sentences around the match, at exact page offsets", () => {
    const h = answerHit();
    const whole = countWords(renderPassage(1, h));
    const base = pack({ passages: [] }).promptTokens;
    // Room for about a third of the chunk beyond the question.
    const room = base - systemTokens + Math.floor(whole / 3);
    const packed = pack({ passages: [h], firstTokenBudget: { tokensPerSecond: room, budgetMs: 1000 } });
    expect(packed.used).toHaveLength(1);
    const given = packed.used[0]!.hit;
    expect(given.trimmedFrom).toEqual({ charStart: 500, charEnd: 500 + CHUNK.length, text: CHUNK });
    expect(given.text.length).toBeLessThan(CHUNK.length);
    expect(given.text).toContain("Pump P-101 is isolated by closing valve V-17 on the suction line.");
    // Whole sentences, and a slice of the page at its offsets.
    expect(PAGE.slice(given.charStart, given.charEnd)).toBe(given.text);
    expect(CHUNK_SENTENCES.some((s) => given.text.startsWith(s))).toBe(true);
    expect(CHUNK_SENTENCES.some((s) => given.text.endsWith(s))).toBe(true);
    expect(packed.promptTokens).toBeLessThanOrEqual(packed.maxPromptTokens);
    // What the model is shown is the trimmed text, and the citation quotes and points at exactly that.
    const user = packed.messages.at(-1)!.content;
    expect(user).toContain(given.text);
    expect(user).not.toContain(CHUNK_SENTENCES[0]);
    const c = citationFor(1, given);
    expect(PAGE.slice(c.charStart, c.charEnd)).toBe(c.quote);
  });

  it("never gives less than one sentence: the best-matching one, even over the budget", () => {
    const packed = pack({ passages: [answerHit(), hit(words(40, "later"))], firstTokenBudget: { tokensPerSecond: 1, budgetMs: 1 } });
    expect(packed.used).toHaveLength(1);
    expect(packed.used[0]!.hit.text).toBe("Pump P-101 is isolated by closing valve V-17 on the suction line.");
    expect(PAGE.slice(packed.used[0]!.hit.charStart, packed.used[0]!.hit.charEnd)).toBe(packed.used[0]!.hit.text);
    expect(packed.leftOut.map((l) => l.reason)).toEqual(["time_budget"]);
  });

  it("widens toward the side holding more of the question's terms", () => {
    const text = "Cats sleep a lot. Valve V-17 is on the suction line. It isolates pump P-101 for maintenance. Dogs bark loudly.";
    const h = hit(text);
    const terms = questionTerms(QUESTION);
    const one = trimPassage(h, terms, (p) => countWords(p.text) <= 13)!;
    expect(one.text).toBe("Valve V-17 is on the suction line. It isolates pump P-101 for maintenance.");
    expect(trimPassage(h, terms, () => false)).toBeNull();
    expect(trimPassage(h, terms, () => false, true)!.text).toBe("It isolates pump P-101 for maintenance.");
  });

  it("the same inputs and pinned speed give the same prompt (the generation cache keys on it)", () => {
    const passages = [answerHit(), ...Array.from({ length: 6 }, (_, i) => hit(words(50, `r${i}w`)))];
    const a = pack({ passages, firstTokenBudget: { tokensPerSecond: 120, budgetMs: 2000 } });
    const b = pack({ passages, firstTokenBudget: { tokensPerSecond: 120, budgetMs: 2000 } });
    expect(b.messages).toEqual(a.messages);
  });
});

describe("claims are checked against what the model was given", () => {
  it("a trimmed passage verifies its own sentence at page offsets, and not a claim from the part cut away", () => {
    const text = "Valve V-17 isolates pump P-101 on the suction line. The pump was serviced in 2019 by Acme Hydraulics. Inspections happen twice a year.";
    const full = hit(text, { charStart: 1000, charEnd: 1000 + text.length });
    const page = `${"y".repeat(1000)}${text}`;
    const given = trimPassage(full, questionTerms(QUESTION), (p) => countWords(p.text) <= 9)!;
    expect(given.text).toBe("Valve V-17 isolates pump P-101 on the suction line.");
    const used = [{ n: 1, hit: given }];

    const ok = verifyAnswer(resolveCitations("Valve V-17 isolates pump P-101 on the suction line [1].", used), used, QUESTION);
    expect(ok.sentences[0]!.verdict).toBe("verified");
    for (const sp of ok.sentences[0]!.support) expect(page.slice(sp.charStart, sp.charEnd)).toBe(text.slice(sp.charStart - 1000, sp.charEnd - 1000));
    expect(ok.sentences[0]!.support.map((sp) => page.slice(sp.charStart, sp.charEnd)).join(" ")).toContain("isolates pump");
    // The viewer's strong highlight stays inside the trimmed passage.
    const r = supportRange(citationFor(1, given), ok.sentences[0]!.support);
    expect(page.slice(r.supportStart, r.supportEnd)).toBe("Valve V-17 isolates pump P-101 on the suction line.");

    // In the chunk, but not shown to the model: the model cannot have read it there.
    const cut = verifyAnswer(resolveCitations("The pump was serviced in 2019 by Acme Hydraulics [1].", used), used, "Who serviced pump P-101?");
    expect(cut.sentences.some((s) => s.verdict === "verified")).toBe(false);
    const fullUsed = [{ n: 1, hit: full }];
    const withFull = verifyAnswer(resolveCitations("The pump was serviced in 2019 by Acme Hydraulics [1].", fullUsed), fullUsed, "Who serviced pump P-101?");
    expect(withFull.sentences[0]!.verdict).toBe("verified");
  });

  it("a name the question gives, cut from the trimmed passage, is vouched for by its whole chunk — a figure cut away is not", () => {
    const text = "This Distributor Agreement is made with Snotarator LLC. The term of this Agreement shall terminate on May 31, 2015, unless sooner terminated. Renewal takes 60 days notice.";
    const full = hit(text, { documentId: "bb" });
    const q = "On what date does the term of the Snotarator distributor agreement end?";
    const kept = "The term of this Agreement shall terminate on May 31, 2015, unless sooner terminated.";
    const given = slicePassage(full, text.indexOf(kept), text.indexOf(kept) + kept.length);
    expect(given.text).toBe(kept);
    const used = [{ n: 1, hit: given }];
    const named = verifyAnswer(resolveCitations("The term of the Snotarator distributor agreement ends on May 31, 2015 [1].", used), used, q);
    expect(named.sentences[0]!.verdict).toBe("verified");
    // Without the whole chunk the name is nowhere in what was given: not verified.
    const bare = [{ n: 1, hit: { ...given, trimmedFrom: undefined } }];
    expect(verifyAnswer(resolveCitations("The term of the Snotarator distributor agreement ends on May 31, 2015 [1].", bare), bare, q).sentences[0]!.verdict).not.toBe("verified");
    // Nor in the chunk, only in its header (title, parties): the header vouches for it too.
    const headed = hit("The term of this Agreement shall terminate on May 31, 2015, unless sooner terminated. Renewal takes 60 days notice.", { documentId: "bb", context: "Title: Distributor Agreement\nParties: Snotarator LLC; SMSA Ballinger" });
    const headedUsed = [{ n: 1, hit: slicePassage(headed, 0, kept.length) }];
    expect(verifyAnswer(resolveCitations("The term of the Snotarator distributor agreement ends on May 31, 2015 [1].", headedUsed), headedUsed, q).sentences[0]!.verdict).toBe("verified");
    // A figure from the part cut away is still not verified by the whole chunk.
    const cut = verifyAnswer(resolveCitations("Renewal of the Snotarator agreement takes 60 days notice [1].", used), used, "How much notice does renewal of the Snotarator agreement take?");
    expect(cut.sentences.some((s) => s.verdict === "verified")).toBe(false);
  });
});
