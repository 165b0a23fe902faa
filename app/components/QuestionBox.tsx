"use client";
import { useState } from "react";

const MAX = 2000;

// Enter sends, Shift+Enter starts a new line; Stop cancels a running answer.
interface Props {
  busy: boolean;
  onAsk: (q: string) => void;
  onStop: () => void;
  inputRef?: React.Ref<HTMLTextAreaElement>;
}

export function QuestionBox({ busy, onAsk, onStop, inputRef }: Props) {
  const [text, setText] = useState("");
  const send = () => {
    const q = text.trim();
    if (!q || busy) return;
    onAsk(q);
    setText("");
  };
  return (
    <form
      className="sticky bottom-0 space-y-1 bg-stone-50 pb-2 pt-1"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label htmlFor="question" className="sr-only">
        Your question
      </label>
      <div className="flex items-end gap-2">
        <textarea
          id="question"
          ref={inputRef}
          rows={2}
          value={text}
          maxLength={MAX}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          placeholder="Ask a question about your documents…"
          aria-describedby="question-help"
          className="min-h-12 flex-1 resize-y rounded border border-stone-300 bg-white px-3 py-2 focus:outline-none focus:ring-2 focus:ring-teal-700"
        />
        {busy ? (
          <button type="button" onClick={onStop} className="rounded bg-stone-700 px-4 py-2 text-white hover:bg-stone-800 focus:outline-none focus:ring-2 focus:ring-stone-900">
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!text.trim()} className="rounded bg-teal-700 px-4 py-2 text-white hover:bg-teal-800 disabled:opacity-50 focus:outline-none focus:ring-2 focus:ring-teal-900">
            Ask
          </button>
        )}
      </div>
      <p id="question-help" className="text-xs text-stone-500">
        Enter to send · Shift+Enter for a new line
      </p>
    </form>
  );
}
