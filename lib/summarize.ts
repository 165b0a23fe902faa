import { createHash } from "node:crypto";
import type { Principal } from "./auth";
import { attributeByWording, citationFor, removeSpans, resolveCitations, type Citation } from "./citations";
import { loadDocumentPages } from "./documentPages";
import { toClientError } from "./http";
import { renderPassage, type PromptPassage, type UsedPassage } from "./prompt";
import { stripMarkers } from "./utils/claimCheck";
import { clinicalFields, wantsClinicalFields } from "./utils/clinicalFields";
import { flippedPolarity } from "./utils/polarity";
import { verifyAnswer, type VerifiedSentence, type WithheldSentence } from "./verifyAnswer";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { getTaskResult, putTaskResult } from "@/core/db/queries";
import { CairnError } from "@/core/errors";
import { getLanguageModel, getSummaryLanguageModel } from "@/models";
import { assertModelInstalled } from "@/models/modelMissing";
import { resolveModelFile } from "@/models/registry";
import type { ChatMessage, LanguageModel } from "@/models/types";

// Whole-document summaries. The document's chunks are the numbered passages. If they all fit
// the context: one pass. If not: map-reduce — each group of passages summarized with the same
// global numbers, then the partial summaries combined (again in groups if need be), markers kept.
// The result is checked like an answer (lib/verifyAnswer): a sentence stating a figure, dose,
// date or name that no passage holds is withheld, and a sentence citing no passage is dropped,
// so every sentence shown cites pages that hold what it says.

export const SUMMARY_PRESETS = {
  clinical: "Clinical summary: the diagnoses, the medications with their doses, the procedures done, and the follow-up plan.",
  brief: "A brief summary of the main points, in a few sentences.",
  key_facts: "The key facts as a list: names, dates, amounts, durations and decisions.",
} as const;
export type SummaryPreset = keyof typeof SUMMARY_PRESETS;

const SYSTEM = [
  "You summarize one document from its numbered passages.",
  "Follow the instruction. Use only what the passages say.",
  "Write at most 6 short sentences, each saying something different, in plain prose.",
  // No example sentence: the 0.5B test model copied "The pump was serviced on 3 May [2]." as its summary.
  "End every sentence with the number of the passage it comes from, in square brackets.",
  "Copy numbers, doses, dates and names exactly as written in the passage.",
].join("\n");

const COMBINE = "These are notes on parts of one document, with passage numbers in brackets. Combine them into one summary that follows the instruction. Keep each sentence's bracketed passage numbers exactly.";

export interface SummaryResult {
  documentId: string;
  fileName: string;
  instruction: string;
  model: string;
  summary: string;
  citations: Citation[];
  sentences: VerifiedSentence[];
  withheld: (WithheldSentence | { text: string; values: string[]; reason: "uncited" | "not_in_cited" | "opposite_of_passage" })[];
  mode: "single" | "map_reduce";
  parts: number;
  timings: { totalMs: number };
}

export type SummaryEvent =
  | { type: "status"; stage: "loading_model" | "summarizing" | "combining"; part?: number; parts?: number }
  | { type: "token"; text: string }
  | { type: "partial"; part: number; parts: number; text: string }
  | { type: "done"; result: SummaryResult; cached: boolean }
  | { type: "error"; error: { code: string; message: string; reason?: string } };

export interface SummarizeInput {
  documentId: string;
  preset?: SummaryPreset;
  instruction?: string;
}

export function instructionOf(input: Pick<SummarizeInput, "preset" | "instruction">): string {
  const free = input.instruction?.trim();
  if (free) return free;
  return SUMMARY_PRESETS[input.preset ?? "brief"];
}

/** Tokens left for the summary (6 short sentences fit; a model copying passages is cut there). */
const RESERVE_FOR_OUTPUT = 300;
/** A map part's notes: shorter, so the reduce step reads less. */
const PART_OUTPUT_TOKENS = 200;

function messages(instruction: string, body: string): ChatMessage[] {
  return [
    { role: "system", content: SYSTEM },
    { role: "user", content: `${body}\nInstruction: ${instruction}` },
  ];
}

/** Groups of items whose rendered text fits `budget` tokens; an item over budget is a group alone (split before this). */
function packGroups<T>(items: readonly T[], render: (t: T) => string, budget: number, llm: Pick<LanguageModel, "countTokens">): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const it of items) {
    const cost = llm.countTokens(render(it));
    if (current.length > 0 && used + cost > budget) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(it);
    used += cost;
  }
  if (current.length) groups.push(current);
  return groups;
}

/**
 * Map parts for a document over the context: whole sections (runs of passages under the same
 * top-level heading) packed together while they fit, a section over the budget split by tokens;
 * a document without headings is grouped by tokens alone.
 */
export function sectionGroups(used: readonly UsedPassage[], budget: number, llm: Pick<LanguageModel, "countTokens">): UsedPassage[][] {
  const render = (u: UsedPassage) => renderPassage(u.n, u.hit);
  const top = (u: UsedPassage) => u.hit.headingPath.split(" > ")[0]?.trim() ?? "";
  if (!used.some((u) => top(u))) return packGroups(used, render, budget, llm);
  const sections: UsedPassage[][] = [];
  for (const u of used) {
    const last = sections.at(-1);
    if (last && top(last[0]) === top(u)) last.push(u);
    else sections.push([u]);
  }
  const groups: UsedPassage[][] = [];
  let current: UsedPassage[] = [];
  let size = 0;
  for (const section of sections) {
    const cost = section.reduce((n, u) => n + llm.countTokens(render(u)), 0);
    if (current.length > 0 && size + cost > budget) {
      groups.push(current);
      current = [];
      size = 0;
    }
    if (cost > budget) {
      groups.push(...packGroups(section, render, budget, llm));
      continue;
    }
    current.push(...section);
    size += cost;
  }
  if (current.length) groups.push(current);
  return groups;
}

/**
 * The report's labelled clinical fields and dose sentences, verbatim with their passage's marker,
 * for those the model's summary does not already state (most of a field's words absent from it).
 */
export function clinicalFieldLines(used: readonly UsedPassage[], summary: string, max = 12): string[] {
  const said = new Set(summary.toLowerCase().match(/[a-z0-9][a-z0-9./-]*/g) ?? []);
  const lines: string[] = [];
  for (const u of used) {
    for (const f of clinicalFields(u.hit.text)) {
      if (lines.length >= max) return lines;
      const words = f.text.toLowerCase().match(/[a-z0-9][a-z0-9./-]*/g) ?? [];
      if (words.length && words.filter((w) => said.has(w)).length / words.length >= 0.8) continue;
      // Brackets in document text must not read as citation markers; a numbered list ("1. X.,2. Y.")
      // reads as one sentence of items; each sentence of a value ends with the passage's marker.
      const value = f.text
        .replace(/\[/g, "(")
        .replace(/\]/g, ")")
        .replace(/(^|[\s,;]+)\d{1,2}[.)]\s*(?=[A-Za-z])/g, (_m, before: string, at: number) => (at === 0 ? "" : "; "))
        .replace(/\.\s*,\s*\d{1,2}$/, ".")
        .replace(/[.,\s]+;/g, ";")
        .replace(/\.(\s+)(?=[A-Z])/g, ` [${u.n}].$1`)
        .replace(/[.,;:\s]+$/, "");
      lines.push(`${f.label ? `${f.label}: ` : ""}${value} [${u.n}].`);
    }
  }
  return lines;
}

export function summaryCacheKey(sha256: string, instruction: string, model: string): string {
  return createHash("sha256").update(JSON.stringify(["summary/v8", sha256, instruction, model])).digest("hex");
}

export async function summarizeDocument(
  principal: Principal,
  input: SummarizeInput,
  emit: (e: SummaryEvent) => void,
  opts: { signal?: AbortSignal; llm?: LanguageModel } = {},
): Promise<void> {
  const started = performance.now();
  const { signal } = opts;
  try {
    const { document, passages } = await loadDocumentPages(principal, input.documentId);
    const instruction = instructionOf(input);
    if (instruction.length > 2000) throw new CairnError("bad_request:api", "The instruction is over 2,000 characters.");
    if (passages.length === 0) throw new CairnError("bad_request:document", `"${document.name}" has no text to summarize.`, { reason: "empty" });
    if (!opts.llm) assertModelInstalled("llm");
    // Keyed by the installed model's name, so a stored summary needs no model load at all.
    // A remote LLM (CAIRN_LLM_URL) has no file: its name comes from the server.
    const modelName = opts.llm?.modelName ?? resolveModelFile("llm")?.name ?? (await getLanguageModel()).modelName;
    const db = openDb(config().dbPath);
    const key = summaryCacheKey(document.sha256, instruction, modelName);
    const stored = getTaskResult(db, key);
    if (stored) {
      emit({ type: "done", result: JSON.parse(stored) as SummaryResult, cached: true });
      return;
    }
    const loading = setTimeout(() => emit({ type: "status", stage: "loading_model" }), 200);
    // The whole-document context (CAIRN_SUMMARY_CONTEXT_SIZE): a report of a few thousand tokens is one pass.
    const llm = opts.llm ?? (await getSummaryLanguageModel().finally(() => clearTimeout(loading)));
    clearTimeout(loading);

    const out = await summarizePassages({ documentId: document.id, fileName: document.name, passages }, instruction, llm, emit, signal);
    out.timings.totalMs = performance.now() - started;
    putTaskResult(db, { cacheKey: key, documentId: document.id, kind: "summary", result: JSON.stringify(out) });
    emit({ type: "done", result: out, cached: false });
  } catch (e) {
    if (signal?.aborted) return;
    emit({ type: "error", error: toClientError(e, "document").toJSON() });
  }
}

/** One document's passages summarized (one pass or map-reduce) and checked; no cache, no permission check (the caller's). */
export async function summarizePassages(
  doc: { documentId: string; fileName: string; passages: readonly PromptPassage[] },
  instruction: string,
  llm: LanguageModel,
  emit: (e: SummaryEvent) => void,
  signal?: AbortSignal,
  maxOutputTokens = RESERVE_FOR_OUTPUT,
): Promise<SummaryResult> {
  const started = performance.now();
  const used: UsedPassage[] = doc.passages.map((hit, i) => ({ n: i + 1, hit }));
    const fixed = llm.countTokens(messages(instruction, "").map((m) => m.content).join("\n")) + 64;
  const budget = llm.contextSize - maxOutputTokens - fixed;
  if (budget < 200) throw new CairnError("bad_request:model", `The model's ${llm.contextSize}-token context is too small to summarize with.`);
  const groups = sectionGroups(used, budget, llm);

  const generate = async (body: string, stream: boolean, maxTokens = maxOutputTokens) => {
    const res = await llm.generate(messages(instruction, body), {
      maxTokens,
      temperature: 0,
      signal,
      onToken: stream ? (t) => emit({ type: "token", text: t }) : undefined,
    });
    signal?.throwIfAborted();
    return res.text.trim();
  };

  let text: string;
  if (groups.length === 1) {
    emit({ type: "status", stage: "summarizing", part: 1, parts: 1 });
    text = await generate(used.map((u) => renderPassage(u.n, u.hit)).join(""), true);
  } else {
    // Map: each part's summary, streamed as a partial result.
    let notes: string[] = [];
    for (const [i, g] of groups.entries()) {
      emit({ type: "status", stage: "summarizing", part: i + 1, parts: groups.length });
      const part = await generate(g.map((u) => renderPassage(u.n, u.hit)).join(""), false, Math.min(maxOutputTokens, PART_OUTPUT_TOKENS));
      notes.push(part);
      emit({ type: "partial", part: i + 1, parts: groups.length, text: part });
    }
    // Reduce: summaries of summaries until one fits.
    for (;;) {
      const noteGroups = packGroups(notes, (n) => `${n}\n\n`, budget, llm);
      emit({ type: "status", stage: "combining", parts: noteGroups.length });
      if (noteGroups.length === 1) {
        text = await generate(`${COMBINE}\n\n${notes.join("\n\n")}\n`, true);
        break;
      }
      notes = await Promise.all(noteGroups.map((g) => generate(`${COMBINE}\n\n${g.join("\n\n")}\n`, false, Math.min(maxOutputTokens, PART_OUTPUT_TOKENS))));
    }
  }

  // The report's own fields (diagnoses, medications with doses, procedures, plan), verbatim.
  if (wantsClinicalFields(instruction)) {
    const lines = clinicalFieldLines(used, text);
    if (lines.length) {
      const block = `\n\n${lines.join("\n")}`;
      emit({ type: "token", text: block });
      // No blank lines before the fields when the model wrote nothing.
      text = text.trim() ? `${text.trim()}${block}` : lines.join("\n");
    }
  }
  const result = checkSummary(text, used, instruction);
  return {
    documentId: doc.documentId,
    fileName: doc.fileName,
    instruction,
    model: llm.modelName,
    ...result,
    mode: groups.length === 1 ? "single" : "map_reduce",
    parts: groups.length,
    timings: { totalMs: performance.now() - started },
  };
}
/** "lymph node biopsy, lymph node biopsy, lymph node biopsy, …": a list item said three times or more. */
export function isDegenerate(sentence: string): boolean {
  const counts = new Map<string, number>();
  for (const item of sentence.toLowerCase().split(/[,;]/)) {
    const k = item.replace(/\W+/g, " ").trim();
    if (k.length < 3) continue;
    const n = (counts.get(k) ?? 0) + 1;
    if (n >= 3) return true;
    counts.set(k, n);
  }
  return false;
}

/** A model echoing the instruction ("Clinical summary: …") before the summary proper. */
const ECHO = /^\s*(?:[\w-]+\s){0,2}summary\s*:\s*/i;

/**
 * Citations resolved, uncited sentences credited by wording, every claim verified (lib/verifyAnswer).
 * Stricter than an answer: a sentence is shown only when verified against the passages it cites —
 * one citing nothing, or stating a term or figure its cited passages lack, is left out and listed.
 */
export function checkSummary(text: string, used: readonly UsedPassage[], instruction: string): Pick<SummaryResult, "summary" | "citations" | "sentences" | "withheld"> {
  const attributed = attributeByWording(resolveCitations(text.replace(ECHO, ""), used), used);
  const verified = verifyAnswer(attributed, used, instruction);
  // A small model repeats itself; a sentence said before (markers aside) is said once.
  const said = new Set<string>();
  const repeated = verified.sentences.filter((s) => {
    const plain = stripMarkers(s.text);
    const key = plain.replace(/\W+/g, " ").trim().toLowerCase();
    if (said.has(key) || isDegenerate(plain)) return true;
    said.add(key);
    return false;
  });
  const byNumber = new Map(used.map((u) => [u.n, u.hit.text]));
  const flipped = verified.sentences
    .filter((s) => !repeated.includes(s))
    .map((s) => ({ s, pair: s.citations.map((n) => flippedPolarity(stripMarkers(s.text), byNumber.get(n) ?? "")).find((p) => p !== null) ?? null }))
    .filter((f) => f.pair !== null);
  const unverified = verified.sentences.filter(
    (s) => !repeated.includes(s) && !flipped.some((f) => f.s === s) && (s.citations.length === 0 || s.verdict !== "verified"),
  );
  const cut = [...unverified, ...repeated, ...flipped.map((f) => f.s)];
  const final = cut.length ? removeSpans(verified.resolved, cut, used) : verified.resolved;
  const kept = cut.length ? verifyAnswer(final, used, instruction) : verified;
  const byN = new Map<number, PromptPassage>(used.map((u) => [u.n, u.hit]));
  return {
    summary: kept.resolved.answer,
    citations: kept.resolved.citations.length ? kept.resolved.citations : [...new Set(kept.sentences.flatMap((s) => s.citations))].map((n) => citationFor(n, byN.get(n)!)),
    sentences: kept.sentences,
    withheld: [
      ...verified.withheld,
      // Nothing cut: `kept` is `verified`, whose withheld sentences are listed just above.
      ...(kept === verified ? [] : kept.withheld),
      ...unverified.map((s) => ({ text: s.text, values: s.missingClaims, reason: s.citations.length === 0 ? ("uncited" as const) : ("not_in_cited" as const) })),
      ...flipped.map((f) => ({ text: f.s.text, values: [f.pair!], reason: "opposite_of_passage" as const })),
    ],
  };
}
