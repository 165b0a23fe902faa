import { ask, type AskDeps, type AskResult } from "./ask";
import { realAskDeps } from "./askDeps";
import type { Principal } from "./auth";
import { addAssistantMessage, addUserMessage, chatHistory, getUserChat, openOrStartChat } from "./chats";
import { citationFor, type Citation } from "./citations";
import { toClientError } from "./http";
import type { NamedDocument } from "./namedDocuments";
import { withSupport } from "./supportSpans";
import type { LeftOutReason } from "./prompt";
import { resolveCollections } from "./searchScope";

// Streamed answers: the chat the question and answer are saved in, tokens as they come,
// then the answer with its citations.

export interface LeftOutSource extends Omit<Citation, "n"> {
  reason: LeftOutReason;
}

// The answer fields are AskResult's own; the later ones are optional because chats saved before they existed lack them.
export interface AnswerDone
  extends Pick<AskResult, "answer" | "answered" | "aborted" | "citations" | "dropped" | "unsupportedSentences">,
    Partial<Pick<AskResult, "attributed" | "refusal" | "quoted" | "sentences" | "withheld" | "recited">> {
  messageId: number;
  /** Every passage the model was given, numbered as in the answer; cited or not. */
  sources: Citation[];
  leftOut: LeftOutSource[];
  retrieval: { query: string; condensed: boolean; promptTokens: number; historyLeftOut: number };
  timings: AskResult["timings"];
  /** The documents the question names: their passages were preferred unless `widened` (asked again across all documents). */
  named?: { documents: NamedDocument[]; widened: boolean };
  /** Set when the reply is a whole-document summary asked for in the chat (lib/chatSummary). */
  summary?: { documentId: string; fileName: string; instruction: string; mode: "single" | "map_reduce"; parts: number; cached: boolean; model: string };
}

export type AnswerEvent =
  | { type: "chat"; chatId: string; title: string }
  | { type: "status"; stage: "loading_model" | "answering" | "summarizing"; fileName?: string; part?: number; parts?: number }
  | { type: "token"; text: string }
  | { type: "done"; result: AnswerDone }
  | { type: "error"; error: { code: string; message: string; reason?: string } };

export interface AnswerInput {
  principal: Principal;
  question: string;
  chatId?: string;
  collections?: string[];
  /** Prefer no document the question names (the answer's "ask across all documents"). */
  widen?: boolean;
}

export interface PreparedAnswer {
  chatId: string;
  title: string;
  /** Streams the answer through `emit`; `signal` stops generation and frees the model. */
  run: (emit: (event: AnswerEvent) => void, signal?: AbortSignal) => Promise<void>;
}

function toDone(result: AskResult, messageId: number): AnswerDone {
  return {
    messageId,
    answer: result.answer,
    answered: result.answered,
    aborted: result.aborted,
    // Each cited passage with the sentence(s) backing the answer, for the viewer to mark.
    citations: withSupport(result.citations, result.sentences),
    dropped: result.dropped,
    unsupportedSentences: result.unsupportedSentences,
    attributed: result.attributed,
    refusal: result.refusal,
    quoted: result.quoted ?? null,
    sentences: result.sentences,
    withheld: result.withheld,
    recited: result.recited,
    sources: withSupport(result.retrieval.used.map((u) => citationFor(u.n, u.hit)), result.sentences),
    leftOut: result.retrieval.leftOut.map(({ hit, reason }) => {
      const { n: _n, ...rest } = citationFor(0, hit);
      return { ...rest, reason };
    }),
    retrieval: {
      query: result.retrieval.query,
      condensed: result.retrieval.condensed,
      promptTokens: result.retrieval.promptTokens,
      historyLeftOut: result.retrieval.historyLeftOut,
    },
    timings: result.timings,
  };
}

/**
 * Opens (or starts) the chat, saves the question, answers it with streamed tokens and
 * saves the answer with its citations. Errors arrive as an `error` event, never thrown,
 * except a chat id that is not the caller's (thrown before anything streams).
 */
export function prepareAnswer(input: AnswerInput): PreparedAnswer {
  const { principal, question } = input;
  const chat = openOrStartChat(principal, input.chatId, question);
  const history = chatHistory(getUserChat(principal, chat.id).messages);
  const collections = resolveCollections(principal, input.collections);
  addUserMessage(principal, chat.id, question);

  async function run(emit: (event: AnswerEvent) => void, signal?: AbortSignal): Promise<void> {
    emit({ type: "chat", chatId: chat.id, title: chat.title });
    try {
      // Tell the page when loading takes a moment (first question after a start).
      const loading = setTimeout(() => emit({ type: "status", stage: "loading_model" }), 200);
      let deps: AskDeps;
      let named: NamedDocument[] = [];
      try {
        deps = await realAskDeps({ widen: input.widen, onNamed: (d) => (named = d) });
      } finally {
        clearTimeout(loading);
      }
      emit({ type: "status", stage: "answering" });
      const result = await ask({ question, history, collections, deps, signal, onToken: (text) => emit({ type: "token", text }) });
      const done = toDone(result, 0);
      if (named.length) done.named = { documents: named, widened: input.widen === true };
      const { answer: _a, messageId: _m, ...metadata } = done;
      done.messageId = addAssistantMessage(principal, chat.id, result.answer, metadata);
      emit({ type: "done", result: done });
    } catch (e) {
      if (signal?.aborted) return;
      emit({ type: "error", error: toClientError(e, "chat").toJSON() });
    }
  }
  return { chatId: chat.id, title: chat.title, run };
}
