import type { AnswerDone, AnswerEvent, AnswerInput, PreparedAnswer } from "./answer";
import type { Principal } from "./auth";
import { addAssistantMessage, addUserMessage, openOrStartChat } from "./chats";
import { listLibrary } from "./library";
import { resolveCollections } from "./searchScope";
import { summarizeDocument, type SummaryResult } from "./summarize";
import { withSupport } from "./supportSpans";
import { looksLikeDocumentName, matchDocument, parseSummaryRequest } from "./utils/summaryIntent";
import type { WithheldSentence } from "./verifyAnswer";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { listDocumentContexts } from "@/core/db/queries";

// "summarize report.pdf" typed in the chat: the whole-document summary of lib/summarize (cited,
// streamed, map-reduce with progress, cached), saved in the chat like an answer. Only documents in
// the collections this chat may read are candidates (listLibrary applies readableCollections).

export type ChatSummaryPlan =
  | { kind: "summarize"; documentId: string; fileName: string; preset: "clinical" | "brief" | "key_facts"; instruction?: string }
  | { kind: "message"; text: string };

/** What to do with a chat message: summarize one document, say which documents could be meant, or null (answer it as a question). */
export function planChatSummary(principal: Principal, question: string, collections: readonly string[]): ChatSummaryPlan | null {
  const request = parseSummaryRequest(question);
  if (!request) return null;
  const scope = new Set(collections);
  const docs = listLibrary(principal).filter((d) => scope.has(d.collectionId));
  const titles = new Map(listDocumentContexts(openDb(config().dbPath), [...scope]).map((c) => [c.id, c.title]));
  const catalog = docs.map((d) => ({ id: d.id, name: d.name, title: titles.get(d.id) ?? "" }));
  const match = matchDocument(request.target, catalog);
  if (match.kind === "one") {
    return { kind: "summarize", documentId: match.document.id, fileName: match.document.name, preset: request.preset, instruction: request.instruction };
  }
  // "summarize what the contract says about renewal" names no document: a question after all.
  if (match.kind === "unknown" && !looksLikeDocumentName(request.target)) return null;
  const list = match.candidates.map((d) => `- ${d.name}`).join("\n");
  const text =
    match.kind === "ambiguous"
      ? `“${request.target}” could be more than one document. Which one should I summarize? Type its file name:\n${list}`
      : catalog.length === 0
        ? `I found no document called “${request.target}”: there are no documents in the collections this chat reads.`
        : `I found no document called “${request.target}” in the collections this chat reads. ${match.candidates.length < catalog.length ? "Documents with a similar name" : "Documents you can summarize"}:\n${list}`;
  return { kind: "message", text };
}

function emptyDone(answer: string, answered: boolean): AnswerDone {
  return {
    messageId: 0,
    answer,
    answered,
    aborted: false,
    citations: [],
    dropped: [],
    unsupportedSentences: [],
    attributed: [],
    refusal: null,
    quoted: null,
    sentences: [],
    withheld: [],
    recited: [],
    sources: [],
    leftOut: [],
    retrieval: { query: "", condensed: false, promptTokens: 0, historyLeftOut: 0 },
    timings: { embedMs: 0, searchMs: 0, queuedMs: 0, generationMs: 0, totalMs: 0 },
  };
}

function toDone(r: SummaryResult, cached: boolean): AnswerDone {
  const citations = withSupport(r.citations, r.sentences);
  // Every sentence left out: say so in Cairn's words rather than show an empty reply.
  const answer = r.summary.trim()
    ? r.summary
    : `No sentence of the model's summary of ${r.fileName} could be checked against its pages (${r.withheld.length} left out). Try the clinical or key-facts summary, or ask a question about it.`;
  return {
    ...emptyDone(answer, r.sentences.length > 0),
    citations,
    sentences: r.sentences,
    // Each reason as it is: "not in the passage it cites" must not read as "found in no passage".
    withheld: r.withheld
      .map((w): WithheldSentence => ({ text: w.text, values: w.values, reason: w.reason }))
      // The check runs twice (before and after cutting): a sentence is listed once.
      .filter((w, i, all) => all.findIndex((o) => o.text === w.text && o.reason === w.reason) === i),
    sources: citations,
    retrieval: { query: `summary of ${r.fileName}`, condensed: false, promptTokens: 0, historyLeftOut: 0 },
    timings: { embedMs: 0, searchMs: 0, queuedMs: 0, generationMs: r.timings.totalMs, totalMs: r.timings.totalMs },
    summary: { documentId: r.documentId, fileName: r.fileName, instruction: r.instruction, mode: r.mode, parts: r.parts, cached, model: r.model },
  };
}

/**
 * The chat's reply when the message asks for a summary of a document (or names one that is not
 * there): like prepareAnswer, the chat opened and the message saved before anything streams.
 * Null for any other message, with nothing done.
 */
export function prepareChatSummary(input: AnswerInput): PreparedAnswer | null {
  const { principal, question } = input;
  const plan = planChatSummary(principal, question, resolveCollections(principal, input.collections));
  if (!plan) return null;
  const chat = openOrStartChat(principal, input.chatId, question);
  addUserMessage(principal, chat.id, question);
  return {
    chatId: chat.id,
    title: chat.title,
    async run(emit, signal) {
      emit({ type: "chat", chatId: chat.id, title: chat.title });
      await runChatSummary(principal, chat.id, plan, emit, signal);
    },
  };
}

/** Runs the plan into the chat's stream and saves the reply like an answer. */
export async function runChatSummary(
  principal: Principal,
  chatId: string,
  plan: ChatSummaryPlan,
  emit: (event: AnswerEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const save = (done: AnswerDone) => {
    const { answer, messageId: _m, ...metadata } = done;
    done.messageId = addAssistantMessage(principal, chatId, answer, metadata);
    emit({ type: "done", result: done });
  };
  if (plan.kind === "message") {
    emit({ type: "token", text: plan.text });
    save(emptyDone(plan.text, false));
    return;
  }
  emit({ type: "status", stage: "summarizing", fileName: plan.fileName });
  let partials = false;
  await summarizeDocument(
    principal,
    { documentId: plan.documentId, preset: plan.preset, instruction: plan.instruction },
    (e) => {
      if (e.type === "status") {
        if (e.stage === "combining" && partials) emit({ type: "token", text: "\n\nCombining the parts…\n\n" });
        emit({ type: "status", stage: e.stage === "loading_model" ? "loading_model" : "summarizing", fileName: plan.fileName, part: e.part, parts: e.parts });
      } else if (e.type === "partial") {
        // Map-reduce: each part's notes shown as they come; the checked summary replaces them.
        partials = true;
        emit({ type: "token", text: `${e.part > 1 ? "\n\n" : ""}Part ${e.part} of ${e.parts}: ${e.text}` });
      } else if (e.type === "token") {
        emit({ type: "token", text: e.text });
      } else if (e.type === "done") {
        save(toDone(e.result, e.cached));
      } else {
        emit(e);
      }
    },
    { signal },
  );
}
