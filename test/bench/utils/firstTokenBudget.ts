import type { AskDeps, AskInput, AskResult } from "@/lib/ask";
import type { AnswerabilityQuestion } from "../../utils/answerabilityQuestions";
import { loadAverage, percentile, round } from "./stats";

// The prompt sized to a first-token budget, before (budget off: packed by context size) vs after
// (CAIRN_FIRST_TOKEN_BUDGET_MS at the LLM's measured or pinned speed): the same questions, each
// asked both ways back to back, the order alternating per question, so load drift on a shared
// machine falls on both sides alike.

type Ask = (input: AskInput) => Promise<AskResult>;

export interface BudgetAsked {
  id: string;
  budget: "off" | "on";
  ttftMs: number;
  totalMs: number;
  /** The LLM's first token, from ask() called (null: the LLM was not called). */
  llmFirstTokenMs: number | null;
  promptTokens: number;
  maxPromptTokens: number | null;
  tokensPerSecond: number | null;
  passages: number;
  trimmed: number;
  answered: boolean;
  statesGold: boolean;
}

async function askWith(ask: Ask, deps: AskDeps, collections: string[], q: AnswerabilityQuestion, budgetMs: number): Promise<BudgetAsked> {
  const t0 = performance.now();
  let ttft = 0;
  let llmFirst = 0;
  const llm = {
    ...deps.llm,
    generate: (messages: Parameters<AskDeps["llm"]["generate"]>[0], opts: Parameters<AskDeps["llm"]["generate"]>[1] = {}) =>
      deps.llm.generate(messages, { ...opts, onToken: (piece) => ((llmFirst ||= performance.now() - t0), opts.onToken?.(piece)) }),
  };
  const result = await ask({
    question: q.question,
    collections,
    deps: { ...deps, llm },
    onToken: () => (ttft ||= performance.now() - t0),
    options: { firstTokenBudgetMs: budgetMs },
  });
  const totalMs = performance.now() - t0;
  const gold = q.gold?.value.toLowerCase() ?? "";
  return {
    id: q.id,
    budget: budgetMs > 0 ? "on" : "off",
    ttftMs: ttft || totalMs,
    totalMs,
    llmFirstTokenMs: llmFirst || null,
    promptTokens: result.retrieval.promptTokens,
    maxPromptTokens: result.retrieval.budget?.maxPromptTokens ?? null,
    tokensPerSecond: result.retrieval.budget?.tokensPerSecond ?? null,
    passages: result.retrieval.used.length,
    trimmed: result.retrieval.used.filter((u) => u.hit.trimmedFrom).length,
    answered: result.answered,
    statesGold: gold !== "" && result.answer.toLowerCase().includes(gold),
  };
}

export async function compareFirstTokenBudget(ask: Ask, deps: AskDeps, collections: string[], questions: readonly AnswerabilityQuestion[], budgetMs: number) {
  if (!(budgetMs > 0)) throw new Error("compareFirstTokenBudget needs a budget > 0 (CAIRN_FIRST_TOKEN_BUDGET_MS)");
  const asked: BudgetAsked[] = [];
  const loadStart = loadAverage();
  for (const [i, q] of questions.entries()) {
    const order = i % 2 === 0 ? [0, budgetMs] : [budgetMs, 0];
    for (const ms of order) asked.push(await askWith(ask, deps, collections, q, ms));
    const pair = asked.slice(-2).map((a) => `${a.budget} ${round(a.ttftMs, 0)} ms ${a.promptTokens} tok${a.statesGold ? " gold" : ""}`);
    console.log(`budget ${i + 1}/${questions.length} ${q.id}: ${pair.join(" | ")}`);
  }
  const side = (b: "off" | "on") => asked.filter((a) => a.budget === b);
  const llmTtft = (xs: BudgetAsked[]) => xs.map((x) => x.llmFirstTokenMs).filter((x): x is number => x !== null);
  const row = (b: "off" | "on") => {
    const xs = side(b);
    const ttft = xs.map((x) => x.ttftMs);
    const llm = llmTtft(xs);
    return {
      budget: b === "off" ? "off (before)" : `${budgetMs} ms (after)`,
      "ttft p50 ms": round(percentile(ttft, 50), 0),
      "ttft p95 ms": round(percentile(ttft, 95), 0),
      "LLM first token p50 ms": llm.length ? round(percentile(llm, 50), 0) : "-",
      "LLM first token p95 ms": llm.length ? round(percentile(llm, 95), 0) : "-",
      "total p50 ms": round(percentile(xs.map((x) => x.totalMs), 50), 0),
      "total sum s": round(xs.reduce((s, x) => s + x.totalMs, 0) / 1000, 1),
      "prompt tokens p50": round(percentile(xs.map((x) => x.promptTokens), 50), 0),
      "prompt tokens max": Math.max(...xs.map((x) => x.promptTokens)),
      "passages p50": percentile(xs.map((x) => x.passages), 50),
      trimmed: xs.reduce((s, x) => s + x.trimmed, 0),
      "LLM called": llm.length,
      answered: xs.filter((x) => x.answered).length,
      "states gold": xs.filter((x) => x.statesGold).length,
    };
  };
  const off = side("off");
  const on = side("on");
  const ratio = (k: "ttftMs", p: number) => round(percentile(on.map((x) => x[k]), p) / percentile(off.map((x) => x[k]), p), 2);
  const speeds = on.map((x) => x.tokensPerSecond).filter((x): x is number => x !== null);
  return {
    rows: [row("off"), row("on")],
    ratios: { "ttft p50 after/before": ratio("ttftMs", 50), "ttft p95 after/before": ratio("ttftMs", 95) },
    speedTokensPerSecond: speeds.length ? { min: round(Math.min(...speeds), 0), max: round(Math.max(...speeds), 0) } : null,
    goldLost: on.filter((x) => !x.statesGold && off.find((o) => o.id === x.id)?.statesGold).map((x) => x.id),
    goldGained: on.filter((x) => x.statesGold && !off.find((o) => o.id === x.id)?.statesGold).map((x) => x.id),
    load: { start: loadStart, end: loadAverage() },
    asked,
  };
}
