import { randomUUID } from "node:crypto";
import { readableCollections, type Principal } from "./auth";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { addChatMessage, createChat, getChat, getDocument, listChatMessages, listChats, type ChatMessageRow, type ChatRow } from "@/core/db/queries";
import { CairnError } from "@/core/errors";
import type { ChatMessage } from "@/models/types";

// Chats belong to one user: every read goes through the user's id, so another user's
// chat id reads as "not found", never as "forbidden" (which would confirm it exists).

const db = () => openDb(config().dbPath);

export interface ChatWithMessages {
  chat: ChatRow;
  messages: ChatMessageRow[];
}

export function listUserChats(principal: Principal): ChatRow[] {
  return listChats(db(), principal.userId);
}

export function getUserChat(principal: Principal, chatId: string): ChatWithMessages {
  const chat = getChat(db(), principal.userId, chatId);
  if (!chat) throw new CairnError("not_found:chat", "Chat not found.");
  return { chat, messages: hideUnreadable(principal, listChatMessages(db(), chat.id)) };
}

export const HIDDEN_ANSWER = "This answer drew on documents you can no longer read, so it is hidden.";

function documentIdsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) documentIdsIn(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "documentId" && typeof v === "string") out.add(v);
      else documentIdsIn(v, out);
    }
  }
  return out;
}

/**
 * A saved answer quotes its sources; once the user loses access to a source's collection, the
 * answer is hidden (from the chat and from the model's history), not kept as a copy of it.
 */
function hideUnreadable(principal: Principal, messages: ChatMessageRow[]): ChatMessageRow[] {
  let readable: Set<string> | undefined;
  return messages.map((m) => {
    if (m.role !== "assistant") return m;
    const ids = documentIdsIn(m.metadata);
    if (ids.size === 0) return m;
    readable ??= new Set(readableCollections(principal));
    const lost = [...ids].some((id) => {
      const doc = getDocument(db(), id);
      return doc !== undefined && !readable!.has(doc.collectionId);
    });
    return lost ? { ...m, content: HIDDEN_ANSWER, metadata: { hidden: "access" } } : m;
  });
}

/** A chat's title: the first question, on one line, cut at a word near 80 characters. */
export function chatTitle(question: string): string {
  const line = question.replace(/\s+/g, " ").trim();
  if (line.length <= 80) return line;
  const cut = line.slice(0, 80);
  const space = cut.lastIndexOf(" ");
  return `${space > 40 ? cut.slice(0, space) : cut}…`;
}

/** The caller's chat (checked), or a new one titled after the question. */
export function openOrStartChat(principal: Principal, chatId: string | undefined, question: string): ChatRow {
  if (chatId) return getUserChat(principal, chatId).chat;
  const id = randomUUID();
  createChat(db(), { id, userId: principal.userId, title: chatTitle(question) });
  return getChat(db(), principal.userId, id)!;
}

export function addUserMessage(principal: Principal, chatId: string, content: string): number {
  getUserChat(principal, chatId);
  return addChatMessage(db(), { chatId, role: "user", content });
}

export function addAssistantMessage(principal: Principal, chatId: string, content: string, metadata: unknown): number {
  getUserChat(principal, chatId);
  return addChatMessage(db(), { chatId, role: "assistant", content, metadata });
}

/**
 * Earlier turns for the model: only questions that got an answer, so a failed or
 * cancelled question does not leave two user turns in a row.
 */
export function chatHistory(messages: readonly ChatMessageRow[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (let i = 0; i < messages.length - 1; i++) {
    const q = messages[i];
    const a = messages[i + 1];
    if (q.role === "user" && a.role === "assistant" && a.content.trim() !== "") {
      out.push({ role: "user", content: q.content }, { role: "assistant", content: a.content });
      i++;
    }
  }
  return out;
}
