"use client";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { PDFDocumentProxy, TextLayer as TextLayerType } from "pdfjs-dist";
import { usePageText } from "./usePageText";
import type { ViewerProps } from "./viewerProps";
import { buildPageTextMap, itemPieces, locateSpan, type SpanMatch, type TextItemLike } from "./utils/pdfTextMap";
import "./textLayer.css";

// One PDF page rendered by pdf.js in the browser (worker, CMaps, fonts from our own
// origin), its text layer on top, and the cited span marked inside the text layer.

const ASSETS = "/api/pdfjs";

type Pdfjs = typeof import("pdfjs-dist");
let pdfjsLoading: Promise<Pdfjs> | undefined;
function loadPdfjs(): Promise<Pdfjs> {
  pdfjsLoading ??= import("pdfjs-dist").then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = `${ASSETS}/build/pdf.worker.min.mjs`;
    return lib;
  });
  return pdfjsLoading;
}

type HighlightState = { status: "none" } | { status: "found"; match: SpanMatch; text: string; ocr?: boolean } | { status: "missing" };

type OcrWords = NonNullable<NonNullable<ReturnType<typeof usePageText>["data"]>["ocr"]>["words"];

/**
 * An OCR'd page has no text layer: the cited words are marked with boxes drawn where OCR
 * found them (fractions of the page), strongly inside the supporting sentence.
 */
function markOcrWords(layer: HTMLElement, words: OcrWords, from: number, to: number, sFrom: number, sTo: number): HTMLElement[] {
  const marks: HTMLElement[] = [];
  for (const w of words) {
    if (w.end <= from || w.start >= to) continue;
    const strong = w.start < sTo && w.end > sFrom;
    const m = document.createElement("mark");
    m.className = strong ? "cairn-hl cairn-ocr-hl" : "cairn-hl cairn-hl-faint cairn-ocr-hl";
    m.dataset.testid = "pdf-highlight";
    m.dataset.strength = strong ? "support" : "passage";
    m.dataset.word = w.text;
    const [x0, y0, x1, y1] = w.box;
    Object.assign(m.style, { left: `${x0 * 100}%`, top: `${y0 * 100}%`, width: `${(x1 - x0) * 100}%`, height: `${(y1 - y0) * 100}%` });
    layer.append(m);
    marks.push(m);
  }
  return marks.sort((a, b) => (a.dataset.strength === b.dataset.strength ? 0 : a.dataset.strength === "support" ? -1 : 1));
}

type Piece = { item: number; from: number; to: number };

/**
 * Wraps [from, to) of each listed text-layer span's text in <mark>: the parts inside a `strong`
 * piece of the same item strongly (the supporting sentence), the rest faintly. Returns the marks, strong first.
 */
function markPieces(divs: HTMLElement[], pieces: Piece[], strong: Piece[]): HTMLElement[] {
  const marks: HTMLElement[] = [];
  const strongMarks: HTMLElement[] = [];
  const mark = (text: string, isStrong: boolean) => {
    const m = document.createElement("mark");
    m.className = isStrong ? "cairn-hl" : "cairn-hl cairn-hl-faint";
    m.dataset.testid = "pdf-highlight";
    m.dataset.strength = isStrong ? "support" : "passage";
    m.textContent = text;
    (isStrong ? strongMarks : marks).push(m);
    return m;
  };
  for (const p of pieces) {
    const div = divs[p.item];
    const text = div?.textContent ?? "";
    if (!div || p.to > text.length) continue;
    const s = strong.find((x) => x.item === p.item);
    const sFrom = s ? Math.max(p.from, s.from) : p.to;
    const sTo = s ? Math.min(p.to, s.to) : p.to;
    const parts: (string | HTMLElement)[] = [text.slice(0, p.from)];
    if (sTo > sFrom) {
      if (sFrom > p.from) parts.push(mark(text.slice(p.from, sFrom), false));
      parts.push(mark(text.slice(sFrom, sTo), true));
      if (sTo < p.to) parts.push(mark(text.slice(sTo, p.to), false));
    } else parts.push(mark(text.slice(p.from, p.to), false));
    parts.push(text.slice(p.to));
    div.replaceChildren(...parts);
  }
  return [...strongMarks, ...marks];
}

export function PdfPageView({ documentId, pageCount, page, span, support }: ViewerProps & { page: number }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [current, setCurrent] = useState(page);
  const [error, setError] = useState<string | null>(null);
  const [rendering, setRendering] = useState(true);
  const [highlight, setHighlight] = useState<HighlightState>({ status: "none" });
  const total = pdf?.numPages ?? pageCount ?? null;
  const onCitedPage = current === page && span !== null;
  const { data: indexed } = usePageText(documentId, page);
  const quote = indexed && span && span.end <= indexed.text.length ? indexed.text.slice(span.start, span.end) : undefined;
  const ocr = indexed?.page === current ? indexed.ocr ?? null : null;
  const ocrWords = onCitedPage ? ocr?.words : undefined;
  // The cited span as plain numbers, so a new but equal span object does not re-render the page.
  const spanStart = span?.start;
  const spanEnd = span?.end;
  const supportStart = support?.start;
  const supportEnd = support?.end;

  useEffect(() => {
    let cancelled = false;
    let doc: PDFDocumentProxy | undefined;
    loadPdfjs()
      .then((lib) =>
        lib.getDocument({
          url: `/api/documents/${encodeURIComponent(documentId)}/file`,
          cMapUrl: `${ASSETS}/cmaps/`,
          cMapPacked: true,
          standardFontDataUrl: `${ASSETS}/standard_fonts/`,
          wasmUrl: `${ASSETS}/wasm/`,
          iccUrl: `${ASSETS}/iccs/`,
          isEvalSupported: false,
          enableXfa: false,
        }).promise,
      )
      .then((d) => {
        doc = d;
        if (cancelled) d.destroy();
        else setPdf(d);
      })
      .catch((e) => !cancelled && setError(`Could not open the PDF: ${(e as Error).message}`));
    return () => {
      cancelled = true;
      doc?.destroy();
    };
  }, [documentId]);

  useEffect(() => {
    const container = containerRef.current;
    if (!pdf || !container) return;
    let cancelled = false;
    let textLayer: TextLayerType | undefined;
    let renderTask: { cancel(): void; promise: Promise<void> } | undefined;
    setRendering(true);
    setHighlight({ status: "none" });
    (async () => {
      const lib = await loadPdfjs();
      const p = await pdf.getPage(current);
      const base = p.getViewport({ scale: 1 });
      const scale = Math.min(2, Math.max(0.5, (container.parentElement?.clientWidth ?? 800) / base.width));
      const viewport = p.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      canvas.setAttribute("aria-hidden", "true");
      const layer = document.createElement("div");
      layer.className = "textLayer";
      container.replaceChildren(canvas, layer);
      container.style.setProperty("--scale-factor", String(scale));
      container.style.width = `${Math.floor(viewport.width)}px`;
      container.style.height = `${Math.floor(viewport.height)}px`;
      renderTask = p.render({ canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined });
      // The same call, with the same options, that pdf-parse made when the worker indexed the page.
      const content = await p.getTextContent();
      textLayer = new lib.TextLayer({ textContentSource: content, container: layer, viewport });
      await Promise.all([renderTask.promise, textLayer.render()]);
      if (cancelled) return;
      setRendering(false);
      if (!onCitedPage || spanStart === undefined || spanEnd === undefined) return;
      if (ocrWords) {
        const ocrLayer = document.createElement("div");
        ocrLayer.className = "cairn-ocr-layer";
        ocrLayer.dataset.testid = "ocr-layer";
        container.append(ocrLayer);
        const sFrom = supportStart ?? spanStart;
        const sTo = supportEnd ?? spanEnd;
        const marks = markOcrWords(ocrLayer, ocrWords, spanStart, spanEnd, sFrom, sTo);
        if (marks.length === 0) return setHighlight({ status: "missing" });
        marks[0].scrollIntoView({ block: "center" });
        const text = quote ?? "";
        return setHighlight({ status: "found", match: { start: spanStart, end: spanEnd, how: "offsets" }, text, ocr: true });
      }
      const items = content.items.filter((i): i is (typeof content.items)[number] & TextItemLike => "str" in i);
      const map = buildPageTextMap(items, (x, y) => base.convertToViewportPoint(x, y));
      const match = locateSpan(map.text, spanStart, spanEnd, quote);
      if (!match) return setHighlight({ status: "missing" });
      // The supporting sentence(s), moved with the passage when it was found by its words; none: all of it strong.
      const shift = match.start - spanStart;
      const sFrom = supportStart !== undefined ? Math.max(match.start, supportStart + shift) : match.start;
      const sTo = supportEnd !== undefined ? Math.min(match.end, supportEnd + shift) : match.end;
      const strong = itemPieces(map, sTo > sFrom ? sFrom : match.start, sTo > sFrom ? sTo : match.end);
      const marks = markPieces(textLayer.textDivs, itemPieces(map, match.start, match.end), strong);
      if (marks.length === 0) return setHighlight({ status: "missing" });
      marks[0].scrollIntoView({ block: "center" });
      setHighlight({ status: "found", match, text: map.text.slice(match.start, match.end) });
    })().catch((e) => {
      if (!cancelled && (e as Error).name !== "RenderingCancelledException") setError(`Could not show page ${current}: ${(e as Error).message}`);
    });
    return () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    };
    // `quote` arrives a moment later than the PDF; re-render then so the highlight can use it.
  }, [pdf, current, onCitedPage, spanStart, spanEnd, supportStart, supportEnd, quote, ocrWords]);

  const go = (n: number) => total !== null && n >= 1 && n <= total && setCurrent(n);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <button type="button" onClick={() => go(current - 1)} disabled={current <= 1} className="rounded border border-stone-300 bg-white px-3 py-1 disabled:opacity-40 focus:outline-none focus:ring-2 focus:ring-teal-700">
          Previous page
        </button>
        <span data-testid="viewer-page" aria-live="polite">
          Page {current}
          {total !== null ? ` of ${total}` : ""}
        </span>
        <button type="button" onClick={() => go(current + 1)} disabled={total === null || current >= total} className="rounded border border-stone-300 bg-white px-3 py-1 disabled:opacity-40 focus:outline-none focus:ring-2 focus:ring-teal-700">
          Next page
        </button>
        {current !== page && span && (
          <button type="button" onClick={() => setCurrent(page)} className="rounded px-2 py-1 text-teal-800 underline focus:outline-none focus:ring-2 focus:ring-teal-700">
            Back to the cited page {page}
          </button>
        )}
        <Link href={`/api/documents/${encodeURIComponent(documentId)}/file`} className="ml-auto text-teal-800 underline" target="_blank">
          Open the original file
        </Link>
      </div>
      {error && <p role="alert" className="rounded bg-red-50 px-3 py-2 text-red-800">{error}</p>}
      {onCitedPage && highlight.status === "found" && (
        <p className="text-sm text-stone-700" data-testid="highlight-note">
          Highlighted: {supportStart !== undefined ? "the sentence that supports the answer, strongly; the rest of the cited passage, lightly" : "the cited passage"}
          {highlight.match.how !== "offsets" ? " (found by its words; the stored position had drifted)" : ""}
          {highlight.ocr ? ", drawn from the words OCR found on the page image" : ""}.
        </p>
      )}
      {ocr && (
        <p
          data-testid="ocr-note"
          data-low-confidence={ocr.lowConfidence ? "true" : "false"}
          className={ocr.lowConfidence ? "rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" : "text-sm text-stone-600"}
        >
          {ocr.lowConfidence
            ? `Low-confidence OCR (${ocr.confidence}%): this page is a scan and its text was read by OCR with doubts; check the page image before relying on it.`
            : `This page is a scan; its text was read by OCR (confidence ${ocr.confidence}%).`}
        </p>
      )}
      {onCitedPage && highlight.status === "missing" && !rendering && (
        <p role="status" className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          The cited passage could not be located on this page{quote ? `; it reads: “${quote.slice(0, 300)}”` : "."}
        </p>
      )}
      {rendering && !error && <p className="text-sm text-stone-600">Rendering page {current}…</p>}
      <div className="overflow-auto rounded border border-stone-200 bg-stone-200 p-2">
        <div ref={containerRef} className="cairn-pdf-page mx-auto bg-white shadow" data-testid="pdf-page" data-page={current} />
      </div>
    </div>
  );
}
