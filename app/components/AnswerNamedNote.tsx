"use client";
import type { AnswerDone } from "./types";

// Under an answer to a question that names documents: which ones its passages came from first,
// with one click to ask the same question across every document instead.

interface Props {
  named: NonNullable<AnswerDone["named"]>;
  /** Re-asks the question without preferring the named documents; absent once widened. */
  onWiden?: () => void;
  busy: boolean;
}

export function AnswerNamedNote({ named, onWiden, busy }: Props) {
  const docs = named.documents;
  if (docs.length === 0) return null;
  const words = [...new Set(docs.flatMap((d) => d.matched))].map((w) => `“${w}”`).join(", ");
  const list = docs.map((d, i) => (
    <span key={d.documentId}>
      {i > 0 && (i === docs.length - 1 ? " and " : ", ")}
      <strong className="break-all font-medium" data-testid="answer-narrowed-document">
        {d.fileName}
      </strong>
    </span>
  ));
  return (
    <p className="mb-2 rounded border border-teal-200 bg-teal-50 px-2 py-1 text-xs text-teal-950" data-testid="answer-narrowed" data-widened={named.widened ? "yes" : "no"}>
      {named.widened ? (
        <>Asked across all documents; {words} names {list}.</>
      ) : (
        <>
          Passages from {list} first (your question names {docs.length === 1 ? "it" : "them"}: {words}).{" "}
          {onWiden && (
            <button
              type="button"
              data-testid="answer-widen"
              disabled={busy}
              onClick={onWiden}
              className="text-teal-800 underline focus:outline-none focus:ring-2 focus:ring-teal-700 disabled:opacity-50"
            >
              Ask across all documents
            </button>
          )}
        </>
      )}
    </p>
  );
}
