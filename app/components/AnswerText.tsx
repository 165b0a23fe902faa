"use client";
import type { UiMessage } from "./types";

// An answer with its [n] markers as buttons and, once finished, the sentences that cite
// nothing marked (subtly: dotted underline plus a screen-reader note). Markers added after
// generation by wording (result.attributed) are chips too, dashed, and say the model did not cite.
// Each finished sentence carries its verdict (result.sentences): a chip is "verified" only when
// what the sentence states is in the cited passage; otherwise it is shown, in amber, as
// "not found in the cited passage" — a different thing from citing nothing. Sentences withheld
// for stating a value no passage holds are listed under the answer.

const MARKER = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

interface Props {
  message: UiMessage;
  onCite: (n: number) => void;
  citedNumbers: Set<number>;
  /** Source numbers whose page is a scan read by OCR with low confidence. */
  lowConfidenceOcr?: Set<number>;
}

export const WORDING_NOTE = "matched by wording — the model did not cite this itself";
export const NOT_IN_CITED_NOTE = "not found in the cited passage";
export const OTHER_DOCUMENT_NOTE = "from another document than the one asked about";
export const LOW_CONFIDENCE_OCR_NOTE = "low-confidence OCR — check the page image";

type Verdict = "verified" | "not_in_cited" | "other_document" | "uncited";
const FAILED_NOTES: Partial<Record<Verdict, string>> = { not_in_cited: NOT_IN_CITED_NOTE, other_document: OTHER_DOCUMENT_NOTE };

export function AnswerText({ message, onCite, citedNumbers, lowConfidenceOcr }: Props) {
  const text = message.content;
  const unsupported = message.result?.unsupportedSentences ?? [];
  const byWording = new Set((message.result?.attributed ?? []).map((a) => `${a.start}:${a.end}`));
  const sentences = message.streaming ? [] : (message.result?.sentences ?? []);
  const unverified = sentences.filter((s) => FAILED_NOTES[s.verdict] !== undefined);
  const cuts = new Set<number>([0, text.length]);
  for (const s of [...unsupported, ...unverified]) {
    cuts.add(Math.max(0, Math.min(text.length, s.start)));
    cuts.add(Math.max(0, Math.min(text.length, s.end)));
  }
  // A marker's verdict is its sentence's: the one it sits in, or the last one ending before it.
  const verdictAt = (pos: number): Verdict | undefined => {
    let found: Verdict | undefined;
    for (const s of sentences) if (s.start <= pos) found = s.verdict;
    return found;
  };
  const markers: { start: number; end: number; numbers: number[] }[] = [];
  for (const m of text.matchAll(MARKER)) {
    const numbers = m[1].split(",").map((n) => Number(n.trim()));
    markers.push({ start: m.index, end: m.index + m[0].length, numbers });
    cuts.add(m.index);
    cuts.add(m.index + m[0].length);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const parts: React.ReactNode[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const marker = markers.find((m) => m.start === a && m.end === b);
    if (marker) {
      parts.push(
        <span key={a} className="whitespace-nowrap">
          {marker.numbers.map((n) => {
            const wording = !message.streaming && byWording.has(`${marker.start}:${marker.end}`);
            const verdict = verdictAt(marker.start);
            const failed = verdict !== undefined && FAILED_NOTES[verdict] !== undefined;
            const lowOcr = lowConfidenceOcr?.has(n) === true;
            const notes = [
              verdict === "verified" ? "verified" : failed ? FAILED_NOTES[verdict!] : null,
              wording ? WORDING_NOTE : null,
              lowOcr ? LOW_CONFIDENCE_OCR_NOTE : null,
            ].filter(Boolean);
            const tone = failed
              ? "border border-amber-600 bg-amber-50 text-amber-900 hover:bg-amber-100"
              : wording
                ? "border border-dashed border-teal-700 bg-white text-teal-900 hover:bg-teal-200"
                : "bg-teal-100 text-teal-900 hover:bg-teal-200";
            return citedNumbers.has(n) || message.streaming ? (
              <button
                key={n}
                type="button"
                data-testid="citation-chip"
                data-origin={wording ? "wording" : "model"}
                data-verdict={verdict ?? "pending"}
                data-ocr={lowOcr ? "low" : undefined}
                onClick={() => onCite(n)}
                className={`mx-0.5 inline-flex min-w-6 items-center justify-center rounded px-1.5 align-baseline text-xs font-semibold focus:outline-none focus:ring-2 focus:ring-teal-700 ${tone}`}
                aria-label={[`Source ${n}`, ...notes].join(", ")}
                title={notes.length ? `Source ${n}: ${notes.join("; ")}` : undefined}
              >
                {n}
                {lowOcr && (
                  <span aria-hidden className="ml-0.5 text-amber-700">
                    ⚠
                  </span>
                )}
              </button>
            ) : (
              <span key={n} className="mx-0.5 text-xs text-stone-500">[{n}]</span>
            );
          })}
        </span>,
      );
      continue;
    }
    const piece = text.slice(a, b);
    const isUnsupported = !message.streaming && unsupported.some((s) => s.start <= a && b <= s.end);
    const failedSentence = unverified.find((s) => s.start <= a && b <= s.end);
    const failedNote = failedSentence ? FAILED_NOTES[failedSentence.verdict] : undefined;
    parts.push(
      failedNote ? (
        <span key={a} data-testid="not-in-cited" data-verdict={failedSentence!.verdict} className="decoration-amber-600 underline decoration-wavy underline-offset-4" title={`Not verified: ${failedNote}`}>
          {piece}
          <span className="sr-only"> ({failedNote})</span>
        </span>
      ) : isUnsupported ? (
        <span key={a} data-testid="unsupported" className="decoration-amber-500 underline decoration-dotted underline-offset-4" title="No source cited for this sentence">
          {piece}
          <span className="sr-only"> (no source cited)</span>
        </span>
      ) : (
        <span key={a}>{piece}</span>
      ),
    );
  }
  const withheld = message.streaming ? [] : (message.result?.withheld ?? []);
  const refusal = message.streaming ? null : message.result?.refusal;
  const quoted = message.streaming ? null : message.result?.quoted;
  return (
    <div>
      <div className="whitespace-pre-wrap leading-relaxed">{parts}</div>
      {refusal && refusal.reason !== "no_relevant_passages" && (
        <div data-testid="refusal-note" data-reason={refusal.reason} className="mt-2 text-xs text-stone-600">
          {REFUSAL_NOTES[refusal.reason]}
          {refusal.modelAnswer && (
            <details className="mt-1">
              <summary className="cursor-pointer underline">show what the model wrote (not verified)</summary>
              <span data-testid="model-answer" className="mt-1 block whitespace-pre-wrap text-stone-500">{refusal.modelAnswer}</span>
            </details>
          )}
        </div>
      )}
      {quoted && (
        <div data-testid="quoted-note" data-reason={quoted.reason} className="mt-2 text-xs text-stone-600">
          {QUOTED_NOTES[quoted.reason]}
          <details className="mt-1">
            <summary className="cursor-pointer underline">show what the model wrote (not verified)</summary>
            <span data-testid="model-answer" className="mt-1 block whitespace-pre-wrap text-stone-500">{quoted.modelAnswer}</span>
          </details>
        </div>
      )}
      {withheld.length > 0 && (
        <div data-testid="withheld-note" className="mt-2 rounded border border-amber-300 bg-amber-50 px-2 py-1 text-xs text-amber-900">
          <p className="font-semibold">
            {withheld.length === 1 ? "1 sentence was withheld" : `${withheld.length} sentences were withheld`}: not backed by the passages.
          </p>
          <ul className="list-inside list-disc">
            {withheld.map((w, i) => (
              <li key={i}>
                {withheldReason(w)}{" "}
                <details className="inline">
                  <summary className="inline cursor-pointer underline">show the withheld text</summary>
                  <s className="ml-1 text-amber-800">{w.text}</s>
                </details>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

const QUOTED_NOTES = {
  model_declined: "The document's own words, quoted by Cairn: the model found no answer, but this sentence holds what the question asks.",
  nothing_verified: "The document's own words, quoted by Cairn: nothing the model wrote could be found in the passages, so its answer is not shown.",
} as const;

const REFUSAL_NOTES = {
  terms_missing: "Cairn's own words: the passages lack what the question is about, so the model was not asked.",
  model_declined: "Cairn's own words: the model found no answer in the passages.",
  nothing_verified: "Cairn's own words: nothing the model wrote could be found in the passages, so its answer is not shown.",
} as const;

/** Why a sentence was left out, in the user's words. */
export function withheldReason(w: { reason: string; values: readonly string[] }): string {
  const values = w.values.map((v) => `“${v}”`).join(", ");
  if (w.reason === "opposite_of_passage") return `Says “${w.values[0]}”, the opposite of what its passage says.`;
  if (w.reason === "uncited") return "Cites no passage.";
  if (w.reason === "not_in_cited") return values ? `States ${values}, not in the passage it cites.` : "Not backed by the passage it cites.";
  return values ? `States ${values}, found in no passage.` : "States nothing (an unfinished sentence).";
}
