import { config } from "@/core/config";
import { CairnError } from "@/core/errors";
import {
  attributeByWording,
  createCitationStreamFilter,
  DEFAULT_ATTRIBUTION,
  resolveCitations,
  type AttributionOptions,
  type Citation,
  type DroppedCitation,
  type TextSpan,
  type WordingAttribution,
} from "./citations";
import { DEFAULT_SYSTEM_PROMPT, firstTokenBudgetFor, packPassages, type FirstTokenBudget, type LeftOutPassage, type PromptPassage, type UsedPassage } from "./prompt";
import { refusalMessage, type Refusal, type RefusalReason } from "./refusal";
import { judgeAnswerability, questionTerms, type Answerability, type LibraryTermStats, type QuestionTerm } from "./utils/answerability";
import { condenseQuery } from "./utils/followUp";
import { isDecline, verifyAnswer, type RecitedSentence, type VerifiedSentence, type WithheldSentence } from "./verifyAnswer";
import { answeringSentence, asksForQuantity, statesNumber, type PassageSentence } from "./utils/passageAnswer";
import { documentPassages, termsInDocument, termsMissingFromGiven } from "./documentPassages";
import { partitionByRelevance, type RelevanceOptions } from "./utils/relevance";
import type { ChatMessage, Embedder, LanguageModel } from "@/models/types";
import type { SearchHit, SearchQuery } from "@/vectorstore/types";

// One question, start to finish: search query → embed → hybrid search (filtered by the
// caller's collections) → relevance gate → pack → stream → verify citations.

export const NO_ANSWER = "I found nothing about this in your documents.";
/** Passages of the answer's document added before generation when its given passages miss a subject term. */
const WIDEN_PASSAGES = 2;
/** Passages of that document searched for a sentence to quote when none given answers. */
const QUOTE_SEARCH_PASSAGES = 6;

export interface AskDeps {
  embedder: Pick<Embedder, "embed">;
  llm: LanguageModel;
  /** Usually `store.hybridSearch`; it must apply `collections` inside the search. */
  search: (query: SearchQuery) => Promise<SearchHit[]>;
  /** File names by document id (from the metadata db); missing names show the document id. */
  documentNames?: (documentIds: string[]) => Promise<Map<string, string>>;
  /**
   * How often the question's terms occur in the readable collections, for the answerability
   * gate's rarity weights. Without it, occurrences are counted in the given passages alone.
   */
  termStats?: (terms: QuestionTerm[], collections: string[]) => Promise<LibraryTermStats>;
}

export interface AskOptions {
  searchLimit: number;
  relevance: RelevanceOptions;
  reserveForAnswer: number;
  systemPrompt: string;
  temperature: number;
  /** Credit uncited sentences to the passage their wording comes from; false: only the model's own markers. */
  attribution: AttributionOptions | false;
  /** Time to first token the prompt is sized to (CAIRN_FIRST_TOKEN_BUDGET_MS); 0: by context size only. */
  firstTokenBudgetMs: number;
  /** > 0 pins the LLM's prompt speed (CAIRN_PROMPT_TOKENS_PER_SECOND); 0: the model's measured speed. */
  promptTokensPerSecond: number;
}

export interface AskInput {
  question: string;
  /** Earlier turns of this chat, oldest first. */
  history?: ChatMessage[];
  /** Collections the caller may read. Empty: nothing is readable. */
  collections: string[];
  deps: AskDeps;
  signal?: AbortSignal;
  /** Answer text as it is generated, with invalid citation markers already removed. */
  onToken?: (text: string) => void;
  options?: Partial<AskOptions>;
}

export interface AskTimings {
  embedMs: number;
  searchMs: number;
  queuedMs: number;
  generationMs: number;
  totalMs: number;
}

export interface AskResult {
  answer: string;
  /** False when Cairn answered in its own words instead (see `refusal`). */
  answered: boolean;
  /** Why Cairn did not answer: nothing relevant or subject terms missing (the LLM was not called), or the model declined or stated nothing verifiable. */
  refusal: Refusal | null;
  /**
   * The answer is a sentence of a passage, quoted by Cairn, because the model's answer could not be
   * verified or the model declined; what the model wrote is kept, marked not verified.
   */
  quoted?: QuotedAnswer | null;
  /** The answerability verdict on the given passages (null when no passage was given). */
  answerability: Answerability | null;
  /** Each sentence of the final answer with its verdict against the passages it cites. */
  sentences: VerifiedSentence[];
  /** Generated sentences left out of the final answer, with why. */
  withheld: WithheldSentence[];
  /** Sentences whose citation was moved to the given passage that holds what they state. */
  recited: RecitedSentence[];
  aborted: boolean;
  citations: Citation[];
  dropped: DroppedCitation[];
  unsupportedSentences: TextSpan[];
  /** Markers added after generation by wording (the model did not write them); offsets into `answer`. */
  attributed: WordingAttribution[];
  retrieval: {
    query: string;
    condensed: boolean;
    used: UsedPassage[];
    leftOut: LeftOutPassage[];
    promptTokens: number;
    historyLeftOut: number;
    /** The first-token budget the prompt was sized to, and its token limit; null when off or the speed is unknown. */
    budget?: (FirstTokenBudget & { maxPromptTokens: number }) | null;
  };
  answerTokens: number;
  timings: AskTimings;
}

export interface QuotedAnswer {
  reason: "model_declined" | "nothing_verified";
  modelAnswer: string;
}

/**
 * An answer in Cairn's own words: the sentence quoting a passage is verified by construction (its
 * support is the quoted words on the page); the rest states no claim about the documents.
 */
function ownWords(text: string, used: readonly UsedPassage[], quote: { n: number; charStart: number; charEnd: number } | null) {
  const own = resolveCitations(text, used);
  const sentences = own.sentences.map((s): VerifiedSentence => {
    const quoting = quote !== null && s.citations.includes(quote.n);
    return { ...s, verdict: quoting ? "verified" : "uncited", claims: [], missingClaims: [], support: quoting ? [quote] : [] };
  });
  return {
    answer: own.answer,
    citations: own.citations,
    sentences,
    // Nothing generated is in it: no sentence withheld or re-cited, no marker dropped or added.
    withheld: [],
    recited: [],
    aborted: false,
    dropped: [],
    unsupportedSentences: [],
    attributed: [],
  } satisfies Partial<AskResult>;
}

/** The document's own words as the answer: one sentence, verbatim, cited and verified by construction. */
function quote(
  found: PassageSentence,
  used: readonly UsedPassage[],
  quoted: QuotedAnswer,
  retrieval: AskResult["retrieval"],
  answerability: Answerability,
  answerTokens: number,
): Omit<AskResult, "timings"> {
  const u = used[found.passage];
  // Brackets in document text must not read as citation markers; line breaks flattened.
  const words = found.text.replace(/\s+/g, " ").replace(/\[/g, "(").replace(/\]/g, ")").trim();
  const clipped = found.end < u.hit.text.length && !/[.!?;:]$/.test(words) ? `${words} …` : words;
  // The source (file, page) is on the citation; the sentence itself is all that is claimed. The model's
  // whole answer is set aside (shown on request), not sentence by sentence.
  const support = { n: u.n, charStart: u.hit.charStart + found.start, charEnd: u.hit.charStart + found.end };
  return { ...ownWords(`Your document says: “${clipped}” [${u.n}]`, used, support), answered: true, refusal: null, quoted, answerability, retrieval, answerTokens };
}

export function defaultAskOptions(): AskOptions {
  const c = config();
  return {
    searchLimit: c.askSearchLimit,
    relevance: { maxVectorDistance: c.askMaxVectorDistance, minKeywordCoverage: c.askMinKeywordCoverage },
    reserveForAnswer: c.askAnswerTokens,
    systemPrompt: DEFAULT_SYSTEM_PROMPT,
    temperature: 0,
    attribution: DEFAULT_ATTRIBUTION,
    firstTokenBudgetMs: c.firstTokenBudgetMs,
    promptTokensPerSecond: c.promptTokensPerSecond,
  };
}

async function withFileNames(hits: SearchHit[], deps: AskDeps): Promise<PromptPassage[]> {
  if (!deps.documentNames || hits.length === 0) return hits;
  const names = await deps.documentNames([...new Set(hits.map((h) => h.documentId))]);
  return hits.map((h) => ({ ...h, fileName: names.get(h.documentId) }));
}

export async function ask(input: AskInput): Promise<AskResult> {
  const t0 = performance.now();
  const opts = { ...defaultAskOptions(), ...input.options };
  const { deps, signal } = input;
  const question = input.question.trim();
  if (question === "") throw new CairnError("bad_request:chat", "Please type a question.", { reason: "empty_question" });

  const { query, condensed } = condenseQuery(question, input.history);
  const timings: AskTimings = { embedMs: 0, searchMs: 0, queuedMs: 0, generationMs: 0, totalMs: 0 };
  const nothing = (leftOut: LeftOutPassage[]): AskResult => {
    input.onToken?.(NO_ANSWER);
    timings.totalMs = performance.now() - t0;
    return {
      answer: NO_ANSWER,
      answered: false,
      refusal: { reason: "no_relevant_passages", missingTerms: [] },
      answerability: null,
      sentences: [],
      withheld: [],
      recited: [],
      aborted: false,
      citations: [],
      dropped: [],
      unsupportedSentences: [],
      attributed: [],
      retrieval: { query, condensed, used: [], leftOut, promptTokens: 0, historyLeftOut: 0 },
      answerTokens: 0,
      timings,
    };
  };
  if (input.collections.length === 0) return nothing([]);

  signal?.throwIfAborted();
  let t = performance.now();
  const [vector] = await deps.embedder.embed([query]);
  timings.embedMs = performance.now() - t;

  signal?.throwIfAborted();
  t = performance.now();
  const hits = await deps.search({ query, vector, collections: input.collections, limit: opts.searchLimit, mode: "hybrid" });
  timings.searchMs = performance.now() - t;

  const { relevant, notRelevant } = partitionByRelevance(await withFileNames(hits, deps), query, opts.relevance);
  const notRelevantLeftOut = notRelevant.map((hit) => ({ hit, reason: "not_relevant" as const }));
  if (relevant.length === 0) return nothing(notRelevantLeftOut);

  const budget = firstTokenBudgetFor(deps.llm, opts.firstTokenBudgetMs, opts.promptTokensPerSecond);
  const pack = (passages: PromptPassage[]) =>
    packPassages({
      firstTokenBudget: budget,
      passages,
      question,
      history: input.history,
      countTokens: (s) => deps.llm.countTokens(s),
      contextSize: deps.llm.contextSize,
      reserveForAnswer: opts.reserveForAnswer,
      systemPrompt: opts.systemPrompt,
    });
  const relevantNamed = relevant;
  let packed = pack(relevantNamed);
  if (packed.used.length === 0) {
    throw new CairnError("payload_too_large:chat", "The conversation leaves no room for any passage. Start a new chat or shorten the question.", {
      reason: "context_full",
    });
  }

  // Answerability: the question's subject terms must be in the document the answer would come from.
  // The current turn's words, not the condensed query: earlier turns were already answered.
  const stats = deps.termStats ? await deps.termStats(questionTerms(question), input.collections) : null;
  // A passage trimmed to the first-token budget is judged as the chunk it came from: the subject
  // term may be in a sentence cut for time, and the gate asks whether the document has it.
  const chunkOf = new Map<string, PromptPassage>(relevantNamed.map((h) => [h.id, h]));
  const givenChunks = () => packed.used.map((u) => chunkOf.get(u.hit.id) ?? u.hit);
  let answerability = judgeAnswerability(question, givenChunks(), stats);
  // The document holds a subject term its given passages all miss: its passages holding it go first.
  const missing = termsMissingFromGiven(question, answerability, givenChunks());
  if (missing.length > 0) {
    t = performance.now();
    const extra = await documentPassages({
      search: deps.search,
      question,
      vector,
      collections: input.collections,
      documentId: answerability.document!.documentId,
      want: missing,
      exclude: new Set(packed.used.map((u) => u.hit.id)),
      limit: WIDEN_PASSAGES,
    });
    timings.searchMs += performance.now() - t;
    if (extra.length > 0) {
      const extraNamed = await withFileNames(extra, deps);
      for (const h of extraNamed) chunkOf.set(h.id, h);
      // Under a first-token budget the passages already given keep their place: first, the extras would take the room.
      const head = budget ? givenChunks() : [];
      const headIds = new Set(head.map((h) => h.id));
      packed = pack([...head, ...extraNamed, ...relevantNamed.filter((h) => !headIds.has(h.id))]);
      answerability = judgeAnswerability(question, givenChunks(), stats);
    }
  }
  const retrieval = {
    query,
    condensed,
    used: packed.used,
    leftOut: [...packed.leftOut, ...notRelevantLeftOut],
    promptTokens: packed.promptTokens,
    historyLeftOut: packed.historyLeftOut,
    budget: budget && { ...budget, maxPromptTokens: packed.maxPromptTokens },
  };
  const refuse = (reason: RefusalReason, extra: Partial<AskResult> = {}, modelAnswer?: string): AskResult => {
    const message = refusalMessage(reason, answerability, packed.used, question);
    timings.totalMs = performance.now() - t0;
    return {
      ...ownWords(message.text, packed.used, message.quote),
      answered: false,
      refusal: { reason, missingTerms: [...answerability.absentEverywhere, ...answerability.absentFromDocument], ...(modelAnswer !== undefined && { modelAnswer }) },
      answerability,
      retrieval,
      answerTokens: 0,
      timings,
      ...extra,
    };
  };
  if (!answerability.answerable) {
    const r = refuse("terms_missing");
    input.onToken?.(r.answer);
    return r;
  }

  signal?.throwIfAborted();
  const filter = createCitationStreamFilter(packed.used);
  const emit = (s: string) => {
    if (s) input.onToken?.(s);
  };
  const result = await deps.llm.generate(packed.messages, {
    maxTokens: opts.reserveForAnswer,
    temperature: opts.temperature,
    signal,
    onToken: (piece) => emit(filter.push(piece)),
  });
  emit(filter.flush());
  timings.queuedMs = result.queuedMs;
  timings.generationMs = result.generationMs;

  // The streamed tokens stay as generated; the final answer carries the markers added by wording.
  const byModel = resolveCitations(result.text, packed.used);
  const attributed = opts.attribution ? attributeByWording(byModel, packed.used, opts.attribution) : byModel;
  const phrasing = new Set(answerability.terms.filter((t) => !t.subject && !t.key.includes(" ")).map((t) => t.key));
  const verified = verifyAnswer(attributed, packed.used, question, answerability.named ? (answerability.document?.documentId ?? null) : null, phrasing);
  const resolved = verified.resolved;
  const generated = { answerTokens: result.tokens, dropped: resolved.dropped, withheld: verified.withheld, recited: verified.recited };
  if (!result.aborted) {
    // The model's own "the documents do not say", or nothing left that a passage backs: Cairn's words
    // instead — the document's own sentence when one answers the question, else a refusal.
    const declined = attributed.sentences.length > 0 && isDecline(attributed.sentences[0].text);
    // Asked how much, an answer whose verified sentences state no number answers something else.
    const answersNothing = asksForQuantity(question) && !verified.sentences.some((s) => s.verdict === "verified" && statesNumber(s.text));
    if (declined || !verified.sentences.some((s) => s.verdict === "verified") || answersNothing) {
      const reason = declined ? "model_declined" : "nothing_verified";
      let used = packed.used;
      let found = answeringSentence(question, answerability, used.map((u) => u.hit));
      // None of the given passages answers: the rest of the document may (a clause the search ranked lower).
      if (!found && answerability.document) {
        const more = await documentPassages({
          search: deps.search,
          question,
          vector,
          collections: input.collections,
          documentId: answerability.document.documentId,
          want: termsInDocument(question, answerability),
          exclude: new Set(used.map((u) => u.hit.id)),
          limit: QUOTE_SEARCH_PASSAGES,
        });
        if (more.length > 0) {
          used = [...used, ...(await withFileNames(more, deps)).map((hit, i) => ({ n: packed.used.length + i + 1, hit }))];
          found = answeringSentence(question, answerability, used.map((u) => u.hit));
        }
      }
      if (!found) return refuse(reason, generated, attributed.answer);
      // The quoted passage is cited, so it is listed with those given (numbered after them).
      const r = quote(found, used, { reason, modelAnswer: attributed.answer }, { ...retrieval, used }, answerability, result.tokens);
      timings.totalMs = performance.now() - t0;
      return { ...r, timings };
    }
  }
  timings.totalMs = performance.now() - t0;
  return {
    answer: resolved.answer,
    answered: true,
    refusal: null,
    answerability,
    sentences: verified.sentences,
    withheld: verified.withheld,
    recited: verified.recited,
    aborted: result.aborted,
    citations: resolved.citations,
    dropped: resolved.dropped,
    unsupportedSentences: resolved.unsupportedSentences,
    attributed: resolved.attributed,
    retrieval,
    answerTokens: result.tokens,
    timings,
  };
}
