"use client";
import { useEffect, useState } from "react";

// OCR confidence of scanned pages, for marking citations to low-confidence OCR (source cards and chips).

export type OcrPages = Map<string, Map<number, { confidence: number; lowConfidence: boolean }>>;

/** OCR confidence of the cited documents' scanned pages (one request per document). */
export function useOcrPages(documentIds: string[]): OcrPages {
  const [pages, setPages] = useState<OcrPages>(new Map());
  const key = [...new Set(documentIds)].sort().join(",");
  useEffect(() => {
    if (!key) return;
    const ctl = new AbortController();
    Promise.all(
      key.split(",").map(async (id) => {
        const res = await fetch(`/api/documents/${encodeURIComponent(id)}/ocr`, { signal: ctl.signal });
        const body = res.ok ? ((await res.json()) as { pages: { page: number; confidence: number; lowConfidence: boolean }[] }) : { pages: [] };
        return [id, new Map(body.pages.map((p) => [p.page, p]))] as const;
      }),
    )
      .then((entries) => setPages(new Map(entries)))
      .catch(() => undefined); // a missing mark is not worth an error on the answer
    return () => ctl.abort();
  }, [key]);
  return pages;
}
