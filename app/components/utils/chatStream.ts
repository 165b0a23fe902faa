import type { AnswerEvent, UiMessage } from "../types";

// The chat page's state as one reducer: the open chat, its messages, the answer being
// streamed into the last of them, which answer (and source) is selected, and the text the
// screen-reader live region announces once an answer is finished. Pure, so it can be tested
// without a browser; useAnswerStream does the fetching around it.

export type Phase = "idle" | "sending" | "loading_model" | "answering" | "summarizing";

export interface Selection {
  /** The message whose sources the panel shows. */
  key: string;
  /** The source number picked with a chip, or null for none. */
  n: number | null;
}

export interface ChatStreamState {
  chatId: string | null;
  messages: UiMessage[];
  phase: Phase;
  selected: Selection | null;
  /** The last finished answer, for the live region; empty while a new one is on its way. */
  announcement: string;
  /** A summary's progress ("Summarizing report.pdf: part 1 of 2…"); empty otherwise. */
  progress: string;
}

export type ChatStreamAction =
  | { type: "opened"; chatId: string; messages: UiMessage[] }
  | { type: "cleared" }
  | { type: "selected"; selected: Selection }
  /** Focus moved into an answer: select it, keeping its chosen source if it already was. */
  | { type: "focused"; key: string }
  | { type: "asked"; question: string; questionKey: string; answerKey: string }
  | { type: "event"; answerKey: string; event: AnswerEvent }
  /** The stream closed; an answer that never got its `done` or `error` stopped short. */
  | { type: "closed"; answerKey: string }
  /** The request failed or was stopped before the stream closed. */
  | { type: "failed"; answerKey: string; error: string };

export const initialChatStream: ChatStreamState = { chatId: null, messages: [], phase: "idle", selected: null, announcement: "", progress: "" };

function progressOf(event: Extract<AnswerEvent, { type: "status" }>): string {
  if (event.stage !== "summarizing") return "";
  const part = event.parts && event.parts > 1 && event.part ? `: part ${event.part} of ${event.parts}` : event.parts && event.parts > 1 ? `: combining ${event.parts} parts` : "";
  return `Summarizing ${event.fileName ?? "the document"}${part}…`;
}

const MARKERS = /\s*\[\d+(?:\s*,\s*\d+)*\]/g;

/** What a screen reader hears when an answer finishes: the answer without its [n] markers. */
export function announcementFor(answer: string): string {
  return `Answer: ${answer.replace(MARKERS, "").trim()}`;
}

function patch(state: ChatStreamState, key: string, f: (m: UiMessage) => UiMessage): UiMessage[] {
  return state.messages.map((m) => (m.key === key ? f(m) : m));
}

export function chatStreamReducer(state: ChatStreamState, action: ChatStreamAction): ChatStreamState {
  switch (action.type) {
    case "opened":
      return { ...state, chatId: action.chatId, messages: action.messages, selected: null, announcement: "" };
    case "cleared":
      return { ...state, chatId: null, messages: [], selected: null, announcement: "" };
    case "selected":
      return { ...state, selected: action.selected };
    case "focused":
      return state.selected?.key === action.key ? state : { ...state, selected: { key: action.key, n: null } };
    case "asked":
      return {
        ...state,
        messages: [
          ...state.messages,
          { key: action.questionKey, role: "user", content: action.question },
          { key: action.answerKey, role: "assistant", content: "", streaming: true },
        ],
        selected: { key: action.answerKey, n: null },
        phase: "sending",
        announcement: "",
        progress: "",
      };
    case "event":
      return applyEvent(state, action.answerKey, action.event);
    case "closed":
      return {
        ...state,
        phase: "idle",
        messages: patch(state, action.answerKey, (m) => (m.streaming ? { ...m, streaming: false, error: m.error ?? "The answer stopped before it finished." } : m)),
      };
    case "failed":
      return { ...state, phase: "idle", messages: patch(state, action.answerKey, (m) => ({ ...m, streaming: false, error: action.error })) };
  }
}

function applyEvent(state: ChatStreamState, key: string, event: AnswerEvent): ChatStreamState {
  switch (event.type) {
    case "chat":
      return { ...state, chatId: event.chatId };
    case "status":
      return { ...state, phase: event.stage, progress: progressOf(event) };
    case "token":
      return { ...state, messages: patch(state, key, (m) => ({ ...m, content: m.content + event.text })) };
    case "done": {
      const { result } = event;
      // Only an answer still on screen is announced (not one whose chat was closed meanwhile).
      const shown = state.messages.some((m) => m.key === key);
      return {
        ...state,
        messages: patch(state, key, (m) => ({ ...m, content: result.answer, result, streaming: false })),
        announcement: shown ? announcementFor(result.answer) : state.announcement,
      };
    }
    case "error":
      return { ...state, messages: patch(state, key, (m) => ({ ...m, streaming: false, error: event.error.message })) };
  }
}
