// Shapes the chat page receives from the API (types only: nothing server-side is bundled).
import type { AnswerDone, AnswerEvent } from "@/lib/answer";
import type { ChatWithMessages } from "@/lib/chats";
import type { Citation } from "@/lib/citations";
import type { ChatRow } from "@/core/db/queries";
import type { Highlight } from "@/lib/searchPassages";

export type { AnswerDone, AnswerEvent, ChatRow, ChatWithMessages, Citation, Highlight };

export interface UiMessage {
  key: string;
  role: "user" | "assistant";
  content: string;
  /** Set when the answer finished (or was reopened from a saved chat). */
  result?: Omit<AnswerDone, "answer" | "messageId">;
  streaming?: boolean;
  error?: string;
}

/** A document the query names (GET /api/search `named`, `narrowedTo`). */
export interface NamedDocumentInfo {
  documentId: string;
  fileName: string;
  matched: string[];
}

export interface SearchResult {
  chunkId: string;
  documentId: string;
  fileName: string;
  page: number | null;
  headingPath: string;
  charStart: number;
  charEnd: number;
  text: string;
  score: number;
  highlights: Highlight[];
}

export function viewerHref(s: {
  documentId: string;
  page: number | null;
  charStart: number;
  charEnd: number;
  chunkId?: string;
  supportStart?: number;
  supportEnd?: number;
}): string {
  const q = new URLSearchParams();
  if (s.page !== null) q.set("page", String(s.page));
  q.set("start", String(s.charStart));
  q.set("end", String(s.charEnd));
  // The supporting sentence(s), when narrower than the passage.
  if (s.supportStart !== undefined && s.supportEnd !== undefined && (s.supportStart > s.charStart || s.supportEnd < s.charEnd)) {
    q.set("sstart", String(s.supportStart));
    q.set("send", String(s.supportEnd));
  }
  if (s.chunkId) q.set("chunk", s.chunkId);
  return `/view/${encodeURIComponent(s.documentId)}?${q}`;
}

export function whereLabel(s: { fileName: string; page: number | null }): string {
  return s.page !== null ? `${s.fileName}, page ${s.page}` : s.fileName;
}
