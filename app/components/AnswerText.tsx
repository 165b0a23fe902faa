"use client";
import type { UiMessage } from "./types";

// An answer with its [n] markers as buttons and, once finished, the sentences that cite
// nothing marked (subtly: dotted underline plus a screen-reader note). Markers added after
// generation by wording (result.attributed) are chips too, dashed, and say the model did not cite.

const MARKER = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

interface Props {
  message: UiMessage;
  onCite: (n: number) => void;
  citedNumbers: Set<number>;
}

export const WORDING_NOTE = "matched by wording — the model did not cite this itself";

export function AnswerText({ message, onCite, citedNumbers }: Props) {
  const text = message.content;
  const unsupported = message.result?.unsupportedSentences ?? [];
  const byWording = new Set((message.result?.attributed ?? []).map((a) => `${a.start}:${a.end}`));
  const cuts = new Set<number>([0, text.length]);
  for (const s of unsupported) {
    cuts.add(Math.max(0, Math.min(text.length, s.start)));
    cuts.add(Math.max(0, Math.min(text.length, s.end)));
  }
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
            return citedNumbers.has(n) || message.streaming ? (
              <button
                key={n}
                type="button"
                data-testid="citation-chip"
                data-origin={wording ? "wording" : "model"}
                onClick={() => onCite(n)}
                className={`mx-0.5 inline-flex min-w-6 items-center justify-center rounded px-1.5 align-baseline text-xs font-semibold text-teal-900 hover:bg-teal-200 focus:outline-none focus:ring-2 focus:ring-teal-700 ${wording ? "border border-dashed border-teal-700 bg-white" : "bg-teal-100"}`}
                aria-label={wording ? `Source ${n}, ${WORDING_NOTE}` : `Source ${n}`}
                title={wording ? `Source ${n}: ${WORDING_NOTE}` : undefined}
              >
                {n}
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
    parts.push(
      isUnsupported ? (
        <span key={a} data-testid="unsupported" className="decoration-amber-500 underline decoration-dotted underline-offset-4" title="No source cited for this sentence">
          {piece}
          <span className="sr-only"> (no source cited)</span>
        </span>
      ) : (
        <span key={a}>{piece}</span>
      ),
    );
  }
  return <div className="whitespace-pre-wrap leading-relaxed">{parts}</div>;
}
