import { ask, type AskDeps, type AskResult } from "./ask";
import type { Principal } from "./auth";
import { addAssistantMessage, addUserMessage, chatHistory, getUserChat, openOrStartChat } from "./chats";
import { citationFor, type Citation } from "./citations";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { getDocument } from "@/core/db/queries";
import { CairnError, isCairnError } from "@/core/errors";
import type { LeftOutReason } from "./prompt";
import { searchPassages, type PassageResult } from "./searchPassages";
import { resolveCollections } from "./searchScope";
import { getVectorStore } from "./store";
import { libraryTermStats } from "./termStats";
import { getEmbedder, getLanguageModel } from "@/models";
import { listModels, resolveModelFile } from "@/models/registry";
import type { ModelRole } from "@/models/types";

// Glue between the routes and lib/ask: real models and store, the caller's collections,
// and the chat the question and answer are saved in.

export async function documentNames(documentIds: string[]): Promise<Map<string, string>> {
  const db = openDb(config().dbPath);
  const names = new Map<string, string>();
  for (const id of documentIds) {
    const doc = getDocument(db, id);
    if (doc) names.set(id, doc.name);
  }
  return names;
}

/** How to get a model for a role, for messages: the default catalogue entry's command. */
export function installHint(role: ModelRole): string {
  const models = listModels().filter((m) => m.role === role && !m.testOnly);
  const pick = models.find((m) => m.isDefault) ?? models[0];
  return pick ? pick.getCommand : "npm run models -- list";
}

function requireModel(role: ModelRole): void {
  if (resolveModelFile(role)) return;
  const what = role === "llm" ? "No language model is installed, so questions cannot be answered (passage search still works)." : "No embedding model is installed, so documents cannot be searched.";
  throw new CairnError("unavailable:model", `${what} Install one with: ${installHint(role)}`, { reason: "model_missing" });
}

export async function realAskDeps(): Promise<AskDeps> {
  requireModel("embedder");
  requireModel("llm");
  const [embedder, llm, store] = await Promise.all([getEmbedder(), getLanguageModel(), getVectorStore()]);
  return { embedder, llm, search: (q) => store.hybridSearch(q), documentNames, termStats: libraryTermStats(store) };
}

/** Instant passage search without the LLM. The store itself needs the embedder's width. */
export async function searchReadablePassages(principal: Principal, query: string, collections?: string[], limit?: number): Promise<PassageResult[]> {
  requireModel("embedder");
  const [embedder, store] = await Promise.all([getEmbedder(), getVectorStore()]);
  return searchPassages({
    query,
    collections: resolveCollections(principal, collections),
    limit,
    deps: { embedder, search: (q) => store.hybridSearch(q), documentNames },
  });
}

// ---- streamed answers ----

export interface LeftOutSource extends Omit<Citation, "n"> {
  reason: LeftOutReason;
}

// The answer fields are AskResult's own; `attributed` is optional because chats saved before it existed lack it.
export interface AnswerDone
  extends Pick<AskResult, "answer" | "answered" | "aborted" | "citations" | "dropped" | "unsupportedSentences">,
    Partial<Pick<AskResult, "attributed">> {
  messageId: number;
  /** Every passage the model was given, numbered as in the answer; cited or not. */
  sources: Citation[];
  leftOut: LeftOutSource[];
  retrieval: { query: string; condensed: boolean; promptTokens: number; historyLeftOut: number };
  timings: AskResult["timings"];
}

export type AnswerEvent =
  | { type: "chat"; chatId: string; title: string }
  | { type: "status"; stage: "loading_model" | "answering" }
  | { type: "token"; text: string }
  | { type: "done"; result: AnswerDone }
  | { type: "error"; error: { code: string; message: string; reason?: string } };

export interface AnswerInput {
  principal: Principal;
  question: string;
  chatId?: string;
  collections?: string[];
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
    citations: result.citations,
    dropped: result.dropped,
    unsupportedSentences: result.unsupportedSentences,
    attributed: result.attributed,
    sources: result.retrieval.used.map((u) => citationFor(u.n, u.hit)),
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
      try {
        deps = await realAskDeps();
      } finally {
        clearTimeout(loading);
      }
      emit({ type: "status", stage: "answering" });
      const result = await ask({ question, history, collections, deps, signal, onToken: (text) => emit({ type: "token", text }) });
      const done = toDone(result, 0);
      const { answer: _a, messageId: _m, ...metadata } = done;
      done.messageId = addAssistantMessage(principal, chat.id, result.answer, metadata);
      emit({ type: "done", result: done });
    } catch (e) {
      if (signal?.aborted) return;
      const err = isCairnError(e) ? e : new CairnError("internal:chat", "The answer failed.", { cause: e });
      if (err.type === "internal") console.error(e);
      emit({ type: "error", error: err.toJSON() });
    }
  }
  return { chatId: chat.id, title: chat.title, run };
}
