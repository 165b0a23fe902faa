"use client";
import { useCallback, useEffect, useReducer, useRef } from "react";
import type { AnswerDone, ChatWithMessages, UiMessage } from "./types";
import { chatStreamReducer, initialChatStream, type Selection } from "./utils/chatStream";
import { readAnswerEvents } from "./utils/readSse";

// The open chat and the answer streaming into it: ask, stop, open a saved chat, start a new one.
// The chat's id is kept in the address (/?chat=…) so a reload reopens it.

let keySeq = 0;
const newKey = () => `m${++keySeq}`;

function showChatInAddress(chatId: string | null) {
  history.replaceState(null, "", chatId ? `/?chat=${encodeURIComponent(chatId)}` : "/");
}

function toUiMessage(m: ChatWithMessages["messages"][number]): UiMessage {
  const saved = m.role === "assistant" && m.metadata && typeof m.metadata === "object" && "sources" in m.metadata;
  return { key: newKey(), role: m.role, content: m.content, result: saved ? (m.metadata as AnswerDone) : undefined };
}

async function errorOf(res: Response): Promise<Error> {
  const body = await res.json().catch(() => ({}));
  return new Error(body.error?.message ?? `HTTP ${res.status}`);
}

export function useAnswerStream({ onChatStarted }: { onChatStarted: (chatId: string) => void }) {
  const [state, dispatch] = useReducer(chatStreamReducer, initialChatStream);
  const abortRef = useRef<AbortController | null>(null);
  // The latest values for callbacks that outlive a render (the stream's event handler).
  const latest = useRef({ chatId: state.chatId, onChatStarted });
  useEffect(() => {
    latest.current = { chatId: state.chatId, onChatStarted };
  });

  /** Opens a saved chat; rejects (leaving the current one shown) if it cannot be loaded. */
  const openChat = useCallback(async (id: string) => {
    abortRef.current?.abort();
    const res = await fetch(`/api/chats/${encodeURIComponent(id)}`, { cache: "no-store" });
    if (!res.ok) throw await errorOf(res);
    const body = (await res.json()) as ChatWithMessages;
    dispatch({ type: "opened", chatId: id, messages: body.messages.map(toUiMessage) });
    showChatInAddress(id);
  }, []);

  const newChat = useCallback(() => {
    abortRef.current?.abort();
    dispatch({ type: "cleared" });
    showChatInAddress(null);
  }, []);

  const select = useCallback((selected: Selection) => dispatch({ type: "selected", selected }), []);
  const focusAnswer = useCallback((key: string) => dispatch({ type: "focused", key }), []);

  const stop = useCallback(() => abortRef.current?.abort(), []);

  /** `widen`: prefer no document the question names (an answer's "ask across all documents"). */
  const ask = useCallback(async (question: string, collections?: string[], opts: { widen?: boolean } = {}) => {
    const answerKey = newKey();
    dispatch({ type: "asked", question, questionKey: newKey(), answerKey });
    const ctl = new AbortController();
    abortRef.current = ctl;
    const chatId = latest.current.chatId;
    try {
      const res = await fetch("/api/ask", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question, ...(chatId ? { chatId } : {}), ...(collections?.length ? { collections } : {}), ...(opts.widen ? { widen: true } : {}) }),
        signal: ctl.signal,
      });
      if (!res.ok || !res.body) throw await errorOf(res);
      await readAnswerEvents(res.body, (event) => {
        dispatch({ type: "event", answerKey, event });
        if (event.type === "chat") {
          showChatInAddress(event.chatId);
          latest.current.onChatStarted(event.chatId);
        }
      });
      dispatch({ type: "closed", answerKey });
    } catch (e) {
      const error = ctl.signal.aborted ? "Stopped." : `The question could not be sent: ${(e as Error).message}`;
      dispatch({ type: "failed", answerKey, error });
    } finally {
      if (abortRef.current === ctl) abortRef.current = null;
    }
  }, []);

  return { ...state, busy: state.phase !== "idle", ask, stop, openChat, newChat, select, focusAnswer };
}
