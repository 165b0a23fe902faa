"use client";
import { useEffect, useRef } from "react";
import { usePageText } from "./usePageText";
import type { ViewerProps } from "./viewerProps";

// DOCX, TXT, Markdown, HTML: the extracted text, with the cited span highlighted.
export function TextPassageView({ documentId, span, support }: ViewerProps) {
  const { data, error } = usePageText(documentId, null);
  const markRef = useRef<HTMLElement>(null);
  useEffect(() => {
    markRef.current?.scrollIntoView({ block: "center" });
  }, [data]);
  if (error) return <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">Could not load the text: {error}</p>;
  if (!data) return <p className="text-stone-600">Loading the text…</p>;
  const s = span && span.end <= data.text.length ? span : null;
  // Supporting sentence(s) strong, the rest of the cited passage faint; the whole span strong without them.
  const sup = s && support && support.start >= s.start && support.end <= s.end ? support : s;
  return (
    <div className="rounded border border-stone-200 bg-white p-4">
      {span && !s && <p className="mb-2 text-sm text-amber-800">The cited passage is no longer at this place; the document may have changed.</p>}
      <div className="max-w-none whitespace-pre-wrap break-words font-serif leading-relaxed text-stone-900" data-testid="text-view">
        {s ? (
          <>
            {data.text.slice(0, s.start)}
            {sup!.start > s.start && (
              <mark data-testid="text-highlight" data-strength="passage" className="bg-amber-50">
                {data.text.slice(s.start, sup!.start)}
              </mark>
            )}
            <mark ref={markRef} data-testid="text-highlight" data-strength="support" className="rounded bg-amber-200 px-0.5">
              {data.text.slice(sup!.start, sup!.end)}
            </mark>
            {sup!.end < s.end && (
              <mark data-testid="text-highlight" data-strength="passage" className="bg-amber-50">
                {data.text.slice(sup!.end, s.end)}
              </mark>
            )}
            {data.text.slice(s.end)}
          </>
        ) : (
          data.text
        )}
      </div>
    </div>
  );
}
