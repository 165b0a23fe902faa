"use client";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { viewerHref, whereLabel, type Citation, type UiMessage } from "./types";
import { useOcrPages } from "./useOcrPages";

// Every passage the model was given for one answer: cited ones first, each with
// file, page, the quote and a link that opens the page with the passage highlighted.

interface Props {
  message: UiMessage | undefined;
  selected: number | null;
}

function shorten(text: string, max = 420): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function SourcesPanel({ message, selected }: Props) {
  const refs = useRef(new Map<number, HTMLElement>());
  const ocrPages = useOcrPages(message?.result?.sources.map((s) => s.documentId) ?? []);
  useEffect(() => {
    if (selected === null) return;
    const el = refs.current.get(selected);
    el?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    el?.querySelector<HTMLElement>("a")?.focus({ preventScroll: true });
  }, [selected, message?.key]);

  const result = message?.result;
  if (!message || message.role !== "assistant") {
    return <p className="text-sm text-stone-600">Sources for an answer appear here.</p>;
  }
  if (message.streaming && !result) return <p className="text-sm text-stone-600">Sources appear when the answer is finished.</p>;
  if (!result) return <p className="text-sm text-stone-600">No sources for this answer.</p>;

  const cited = new Set(result.citations.map((c) => c.n));
  // Passages only credited by wording (no [n] from the model anywhere in the answer).
  const fromModel = modelCitedNumbers(message.content, result.attributed ?? []);
  const byWording = new Set([...cited].filter((n) => !fromModel.has(n)));
  // The words of each passage that back a verified sentence (page-text offsets → quote offsets).
  const support = new Map<number, { start: number; end: number }[]>();
  for (const sentence of result.sentences ?? []) {
    if (sentence.verdict !== "verified") continue;
    for (const sp of sentence.support) {
      const src = result.sources.find((x) => x.n === sp.n);
      if (!src) continue;
      support.set(sp.n, [...(support.get(sp.n) ?? []), { start: sp.charStart - src.charStart, end: sp.charEnd - src.charStart }]);
    }
  }
  const sources = [...result.sources].sort((a, b) => Number(cited.has(b.n)) - Number(cited.has(a.n)) || a.n - b.n);
  return (
    <div className="space-y-3">
      {sources.length === 0 ? (
        <p className="text-sm text-stone-600">No passage in your documents was relevant enough, so the model was not asked.</p>
      ) : (
        <ol className="space-y-3" data-testid="sources">
          {sources.map((s) => (
            <SourceCard
              key={s.n}
              source={s}
              cited={cited.has(s.n)}
              byWording={byWording.has(s.n)}
              support={support.get(s.n) ?? []}
              ocr={s.page !== null ? ocrPages.get(s.documentId)?.get(s.page) : undefined}
              selected={selected === s.n}
              register={(el) => (el ? refs.current.set(s.n, el) : refs.current.delete(s.n))}
            />
          ))}
        </ol>
      )}
      {byWording.size > 0 && (
        <p className="text-xs text-stone-600">Dashed chips and “matched by wording”: the model did not cite these passages; the answer’s wording matches them.</p>
      )}
      {result.citations.length === 0 && sources.length > 0 && (
        <p className="text-xs text-stone-600">The answer cites no passage by number; these are the passages the model was given.</p>
      )}
      {result.leftOut.length > 0 && (
        <details className="text-xs text-stone-600">
          <summary className="cursor-pointer">{result.leftOut.length} passage(s) left out</summary>
          <ul className="mt-1 list-disc pl-5">
            {result.leftOut.map((l) => (
              <li key={l.chunkId}>
                {whereLabel(l)} — {l.reason === "not_relevant" ? "not relevant enough" : l.reason === "context_full" ? "did not fit the model's context" : l.reason === "time_budget" ? "left out to answer sooner" : "duplicate"}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Passage numbers in [n] markers the model wrote itself (every marker not added by wording). */
function modelCitedNumbers(answer: string, attributed: readonly { start: number; end: number }[]): Set<number> {
  const added = new Set(attributed.map((a) => a.start));
  const out = new Set<number>();
  for (const m of answer.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\]/g)) {
    if (added.has(m.index)) continue;
    for (const n of m[1].split(",")) out.add(Number(n.trim()));
  }
  return out;
}

interface CardProps {
  source: Citation;
  cited: boolean;
  byWording: boolean;
  /** Offsets into the quote of the words that back a verified sentence. */
  support: { start: number; end: number }[];
  /** Set when the cited page is a scan read by OCR. */
  ocr?: { confidence: number; lowConfidence: boolean };
  selected: boolean;
  register: (el: HTMLElement | null) => void;
}

/** Marks the support words inside `text` (offsets relative to `base` in the quote). */
function withWords(text: string, base: number, support: { start: number; end: number }[]): React.ReactNode[] {
  const parts: React.ReactNode[] = [];
  let at = 0;
  const spans = support
    .map((s) => ({ start: s.start - base, end: s.end - base }))
    .filter((s) => s.start >= 0 && s.end <= text.length && s.end > s.start)
    .sort((a, b) => a.start - b.start);
  for (const s of spans) {
    if (s.start < at) continue;
    parts.push(text.slice(at, s.start).replace(/\s+/g, " "));
    parts.push(
      <mark key={base + s.start} data-testid="support" className="rounded-sm bg-teal-100 px-0.5 text-stone-900">
        {text.slice(s.start, s.end).replace(/\s+/g, " ")}
      </mark>,
    );
    at = s.end;
  }
  parts.push(text.slice(at).replace(/\s+/g, " "));
  return parts;
}

const QUOTE_MAX = 420;

/**
 * The quote with the sentence(s) backing the answer (supportStart/End, as the viewer marks them)
 * strong and the rest of the passage faint, its support words marked; shortened around the
 * sentence. Without a supporting sentence, the quote with the support words marked.
 */
function QuoteWithSupport({ source, support }: { source: Citation; support: { start: number; end: number }[] }) {
  const quote = source.quote;
  const s0 = source.supportStart !== undefined ? source.supportStart - source.charStart : -1;
  const s1 = source.supportEnd !== undefined ? source.supportEnd - source.charStart : -1;
  const sentence = s0 >= 0 && s1 <= quote.length && s1 > s0 && (s0 > 0 || s1 < quote.length);
  if (!sentence) {
    const shown = quote.slice(0, QUOTE_MAX);
    return (
      <>
        {withWords(shown, 0, support)}
        {quote.length > QUOTE_MAX ? "…" : ""}
      </>
    );
  }
  // Room left beside the sentence, split between before and after.
  const room = Math.max(0, QUOTE_MAX - (s1 - s0));
  const from = Math.max(0, s0 - Math.ceil(room / 2));
  const to = Math.min(quote.length, s1 + Math.max(room - (s0 - from), 0));
  return (
    <>
      <span data-strength="passage" className="text-stone-400">
        {from > 0 ? "…" : ""}
        {quote.slice(from, s0).replace(/\s+/g, " ")}
      </span>
      <span data-testid="support-sentence" data-strength="support" className="rounded-sm bg-amber-100 font-medium text-stone-900">
        {withWords(quote.slice(s0, s1), s0, support)}
      </span>
      <span data-strength="passage" className="text-stone-400">
        {quote.slice(s1, to).replace(/\s+/g, " ")}
        {to < quote.length ? "…" : ""}
      </span>
    </>
  );
}

const hasSentence = (s: Citation) =>
  s.supportStart !== undefined && s.supportEnd !== undefined && s.supportEnd > s.supportStart && (s.supportStart > s.charStart || s.supportEnd < s.charEnd);

function SourceCard({ source, cited, byWording, support, ocr, selected, register }: CardProps) {
  return (
    <li
      ref={register}
      data-testid="source"
      data-n={source.n}
      data-cited={!cited ? "no" : byWording ? "wording" : "model"}
      className={`rounded border bg-white p-3 text-sm ${selected ? "border-teal-600 ring-2 ring-teal-600" : "border-stone-200"}`}
    >
      <div className="flex items-baseline justify-between gap-2">
        <span className="font-semibold text-teal-900">[{source.n}]</span>
        <span className="flex-1 break-all font-medium">{whereLabel(source)}</span>
        {!cited && <span className="text-xs text-stone-500">not cited</span>}
        {byWording && (
          <span className="rounded border border-dashed border-teal-700 px-1 text-xs text-teal-900" title="The model did not cite this passage itself; the answer's wording matches it.">
            matched by wording
          </span>
        )}
        {ocr?.lowConfidence && (
          <span data-testid="low-confidence-ocr" className="rounded bg-amber-100 px-1 text-xs text-amber-900" title={`This page is a scan read by OCR with low confidence (${ocr.confidence}%): check the page image.`}>
            low-confidence OCR
          </span>
        )}
      </div>
      {source.headingPath && <div className="text-xs text-stone-500">{source.headingPath}</div>}
      <blockquote className="mt-1 border-l-2 border-stone-300 pl-2 text-stone-700">
        {support.length || source.supportStart !== undefined ? <QuoteWithSupport source={source} support={support} /> : shorten(source.quote)}
      </blockquote>
      {support.length > 0 && (
        <p className="mt-1 text-xs text-teal-800">
          {hasSentence(source) ? "Strong: the sentence that supports the answer; marked: its words that back it; faint: the rest of the passage." : "Marked: the words that back the verified sentences citing it."}
        </p>
      )}
      <Link
        href={viewerHref(source)}
        data-testid="open-source"
        className="mt-2 inline-block rounded text-teal-800 underline underline-offset-2 hover:text-teal-950 focus:outline-none focus:ring-2 focus:ring-teal-700"
      >
        Open {source.page !== null ? `page ${source.page}` : "passage"}
        <span className="sr-only"> of {source.fileName}</span>
      </Link>
    </li>
  );
}
