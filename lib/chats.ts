import { randomUUID } from "node:crypto";
import type { Principal } from "./auth";
import { config } from "@/core/config";
import { openDb } from "@/core/db";
import { addChatMessage, createChat, getChat, listChatMessages, listChats, type ChatMessageRow, type ChatRow } from "@/core/db/queries";
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
  return { chat, messages: listChatMessages(db(), chat.id) };
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
