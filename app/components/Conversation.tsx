"use client";
import { useEffect, useRef } from "react";
import { AnswerNamedNote } from "./AnswerNamedNote";
import { AnswerText } from "./AnswerText";
import { useOcrPages } from "./useOcrPages";
import type { UiMessage } from "./types";
import type { Phase, Selection } from "./utils/chatStream";

// The questions and answers of the open chat. Not a live region itself (a screen reader would
// read every streamed token): a streaming answer is aria-busy, and the finished answer goes to
// a separate, visually hidden status region (see AnswerAnnouncer).

interface Props {
  messages: UiMessage[];
  phase: Phase;
  /** A summary's progress line while it streams. */
  progress?: string;
  selected: Selection | null;
  onSelect: (selected: Selection) => void;
  onFocusAnswer: (key: string) => void;
  /** Asks `question` again without preferring the documents it names. */
  onWiden?: (question: string) => void;
}

export function Conversation({ messages, phase, progress = "", selected, onSelect, onFocusAnswer, onWiden }: Props) {
  const endRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: "end" });
  }, [messages]);

  return (
    <div className="space-y-4" data-testid="conversation">
      {messages.length === 0 && (
        <p className="text-stone-600">Ask about anything in your library. Answers quote the exact page; sentences without a source are marked.</p>
      )}
      {messages.map((m, i) =>
        m.role === "user" ? (
          <QuestionMessage key={m.key} message={m} />
        ) : (
          <AnswerMessage
            key={m.key}
            message={m}
            phase={phase}
            progress={progress}
            isSelected={selected?.key === m.key}
            onSelect={(n) => onSelect({ key: m.key, n })}
            onFocusWithin={() => onFocusAnswer(m.key)}
            onWiden={onWiden && messages[i - 1]?.role === "user" ? () => onWiden(messages[i - 1]!.content) : undefined}
            busy={phase !== "idle"}
          />
        ),
      )}
      <div ref={endRef} />
    </div>
  );
}

function QuestionMessage({ message }: { message: UiMessage }) {
  return <div className="ml-auto max-w-[85%] whitespace-pre-wrap rounded-lg bg-teal-700 px-3 py-2 text-white">{message.content}</div>;
}

interface AnswerProps {
  message: UiMessage;
  phase: Phase;
  progress: string;
  isSelected: boolean;
  /** A chip picked source `n`, or (null) "show sources" was pressed. */
  onSelect: (n: number | null) => void;
  onFocusWithin: () => void;
  onWiden?: () => void;
  busy: boolean;
}

function AnswerMessage({ message: m, phase, progress, isSelected, onSelect, onFocusWithin, onWiden, busy }: AnswerProps) {
  const summary = m.result?.summary;
  const citations = m.streaming ? [] : (m.result?.citations ?? []);
  const ocrPages = useOcrPages(citations.map((c) => c.documentId));
  const lowConfidenceOcr = new Set(citations.filter((c) => c.page !== null && ocrPages.get(c.documentId)?.get(c.page)?.lowConfidence).map((c) => c.n));
  return (
    <article
      data-testid="answer"
      aria-busy={m.streaming === true}
      className={`rounded-lg border bg-white px-3 py-2 ${isSelected ? "border-teal-600" : "border-stone-200"}`}
      onFocus={onFocusWithin}
    >
      {m.streaming && phase === "summarizing" && progress ? (
        <p className="text-sm text-stone-500" data-testid="phase">
          {progress}
        </p>
      ) : (
        m.streaming &&
        m.content === "" && (
          <p className="text-sm text-stone-500" data-testid="phase">
            {phase === "loading_model" ? "Loading the language model (first question after a start)…" : "Searching your documents…"}
          </p>
        )
      )}
      {summary && !m.streaming && (
        <p className="mb-1 text-xs text-stone-500" data-testid="summary-note">
          Summary of {summary.fileName} · {summary.mode === "single" ? "one pass" : `map-reduce over ${summary.parts} parts`}
          {summary.cached ? " · from cache" : ""} · every sentence checked against the page it cites
        </p>
      )}
      {m.result?.named && !m.streaming && <AnswerNamedNote named={m.result.named} onWiden={onWiden} busy={busy} />}
      <AnswerText message={m} citedNumbers={new Set(m.result?.citations.map((c) => c.n) ?? [])} onCite={(n) => onSelect(n)} lowConfidenceOcr={lowConfidenceOcr} />
      {m.error && (
        <p role="alert" className="mt-2 rounded bg-red-50 px-2 py-1 text-sm text-red-800">
          {m.error}
        </p>
      )}
      {m.result && !m.streaming && (
        <button
          type="button"
          onClick={() => onSelect(null)}
          className="mt-2 text-xs text-stone-600 underline underline-offset-2 focus:outline-none focus:ring-2 focus:ring-teal-700 xl:hidden"
        >
          Show {m.result.sources.length} source{m.result.sources.length === 1 ? "" : "s"}
        </button>
      )}
    </article>
  );
}

/** Visually hidden; tells a screen reader the finished answer once, not token by token. */
export function AnswerAnnouncer({ text }: { text: string }) {
  return (
    <div role="status" aria-live="polite" aria-atomic="true" className="sr-only" data-testid="answer-announcer">
      {text}
    </div>
  );
}
