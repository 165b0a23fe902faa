"use client";
import { useEffect, useState } from "react";

export interface PageTextResponse {
  text: string;
  page: number | null;
  uncovered: number;
  /** The page was read by OCR: word boxes as fractions of the page, offsets into `text`. */
  ocr?: {
    confidence: number;
    lowConfidence: boolean;
    words: { text: string; start: number; end: number; box: [number, number, number, number] }[];
  } | null;
}

/** The page text as indexed (rebuilt from chunks), for the quote and for non-PDF documents. */
export function usePageText(documentId: string, page: number | null) {
  const [data, setData] = useState<PageTextResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    setData(null);
    setError(null);
    const qs = page !== null ? `?page=${page}` : "";
    fetch(`/api/passages/${encodeURIComponent(documentId)}${qs}`, { signal: ctl.signal })
      .then(async (res) => {
        const body = await res.json();
        if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
        setData(body);
      })
      .catch((e) => {
        if (!ctl.signal.aborted) setError((e as Error).message);
      });
    return () => ctl.abort();
  }, [documentId, page]);
  return { data, error };
}
