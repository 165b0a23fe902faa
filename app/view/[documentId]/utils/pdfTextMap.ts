// Maps a citation's charStart/charEnd (offsets into the page text the worker extracted
// with pdf-parse v2) onto pdf.js text-layer items. The page text is rebuilt here from the
// same getTextContent() items with pdf-parse's own joining rules (line breaks by y-jump,
// a tab between distant cells, "\n" after hasEOL), recording where each item lands.

export interface TextItemLike {
  str: string;
  hasEOL: boolean;
  transform: number[];
  width: number;
  height: number;
}

export interface PageTextMap {
  text: string;
  /** For each item, in order: where its `str` sits in `text`. */
  items: { start: number; end: number }[];
}

// pdf-parse v2 defaults (ParseParameters.js).
const LINE_THRESHOLD = 4.6;
const CELL_THRESHOLD = 7;

/** `toViewport` is viewport.convertToViewportPoint of a scale-1 viewport, as pdf-parse uses. */
export function buildPageTextMap(items: readonly TextItemLike[], toViewport: (x: number, y: number) => number[]): PageTextMap {
  const parts: string[] = [];
  const ranges: { start: number; end: number }[] = [];
  let length = 0;
  const push = (s: string) => {
    parts.push(s);
    length += s.length;
  };
  let lastX: number | undefined;
  let lastY: number | undefined;
  let lineHeight = 0;
  for (const item of items) {
    const [x, y] = toViewport(item.transform[4], item.transform[5]);
    if (lastY !== undefined && Math.abs(lastY - y) > LINE_THRESHOLD) {
      const lastPart = parts.length ? parts[parts.length - 1] : undefined;
      const startsLine = item.str.startsWith("\n") || (item.str.trim() === "" && item.hasEOL);
      if (lastPart !== undefined && !lastPart.endsWith("\n") && !startsLine && Math.abs(lastY - y) - 1 > lineHeight) {
        push("\n");
        lineHeight = 0;
      }
    }
    let prefix = "";
    if (lastY !== undefined && Math.abs(lastY - y) < LINE_THRESHOLD && lastX !== undefined && Math.abs(lastX - x) > CELL_THRESHOLD) prefix = "\t";
    // pdf-parse prepends the tab to the item's string; it counts as one part.
    push(prefix + item.str);
    ranges.push({ start: length - item.str.length, end: length });
    lastX = x + item.width;
    lastY = y;
    lineHeight = Math.max(lineHeight, item.height);
    if (item.hasEOL) push("\n");
    if (item.hasEOL || (prefix + item.str).endsWith("\n")) lineHeight = 0;
  }
  return { text: parts.join(""), items: ranges };
}

/** Letters and digits only, lower-cased, with a map back to original offsets. */
function squeeze(text: string): { s: string; at: number[] } {
  let s = "";
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/[\p{L}\p{N}]/u.test(ch)) {
      s += ch.toLowerCase();
      at.push(i);
    }
  }
  return { s, at };
}

export type SpanMatch = { start: number; end: number; how: "offsets" | "quote" | "quote-prefix" };

/**
 * Where the cited span is in `pageText`: the stored offsets when the text there matches the
 * quote (ignoring spacing and case), else the quote found by its letters and digits, else by
 * the first 60 of them. Null when the page does not contain it.
 */
export function locateSpan(pageText: string, start: number, end: number, quote?: string): SpanMatch | null {
  const inRange = start >= 0 && end > start && end <= pageText.length;
  if (!quote) return inRange ? { start, end, how: "offsets" } : null;
  const q = squeeze(quote).s;
  if (inRange && squeeze(pageText.slice(start, end)).s === q) return { start, end, how: "offsets" };
  if (q.length === 0) return null;
  const page = squeeze(pageText);
  const find = (needle: string, how: SpanMatch["how"]): SpanMatch | null => {
    // Prefer the occurrence nearest the stored offset.
    let best = -1;
    for (let i = page.s.indexOf(needle); i >= 0; i = page.s.indexOf(needle, i + 1)) {
      if (best < 0 || Math.abs(page.at[i] - start) < Math.abs(page.at[best] - start)) best = i;
    }
    if (best < 0) return null;
    let from = page.at[best];
    let to = page.at[best + needle.length - 1] + 1;
    // Take in the punctuation the quote opens or closes with ("V-17." keeps its period).
    const lead = /^[^\p{L}\p{N}\s]*/u.exec(quote.trimStart())![0];
    const tail = how === "quote" ? /[^\p{L}\p{N}\s]*$/u.exec(quote.trimEnd())![0] : "";
    if (lead && pageText.slice(from - lead.length, from) === lead) from -= lead.length;
    if (tail && pageText.slice(to, to + tail.length) === tail) to += tail.length;
    return { start: from, end: to, how };
  };
  return find(q, "quote") ?? (q.length > 60 ? find(q.slice(0, 60), "quote-prefix") : null);
}

/** The pieces of each item covered by [start, end): item index and offsets inside its `str`. */
export function itemPieces(map: PageTextMap, start: number, end: number): { item: number; from: number; to: number }[] {
  const out: { item: number; from: number; to: number }[] = [];
  map.items.forEach((r, item) => {
    const from = Math.max(start, r.start);
    const to = Math.min(end, r.end);
    if (to > from) out.push({ item, from: from - r.start, to: to - r.start });
  });
  return out;
}
