// Clause-sized pieces of a page, and the page furniture (EDGAR "Source: …, 10-K, 3/21/2019"
// lines, running headers and footers) that repeats across a document and is never a deadline.

export interface PageInput {
  page: number | null;
  text: string;
}

export interface Clause {
  page: number | null;
  /** Offsets into that page's text. */
  start: number;
  end: number;
  text: string;
}

/** A line repeated this often in one document, short and with its digits masked, is furniture… */
const FURNITURE_MIN_REPEATS = 3;
const FURNITURE_MAX_CHARS = 160;
/** …when it recurs like a page header does: on separate pages, or (page-less text) a page's length apart, not in a cluster like a signature block's "Title: President Date: Dec 28, 1990". */
const PAGE_LIKE_GAP_CHARS = 800;

const lineKey = (line: string) => line.replace(/\s+/g, " ").trim().replace(/\d+/g, "#").toLowerCase();

/** The keys of lines that repeat across the document as page furniture does. */
export function furnitureLines(pages: readonly PageInput[]): Set<string> {
  const seen = new Map<string, { page: number | null; at: number }[]>();
  let at = 0;
  for (const p of pages) {
    for (const line of p.text.split("\n")) {
      const key = lineKey(line);
      if (key.length >= 4 && key.length <= FURNITURE_MAX_CHARS) {
        const list = seen.get(key) ?? [];
        list.push({ page: p.page, at });
        seen.set(key, list);
      }
      at += line.length + 1;
    }
  }
  const out = new Set<string>();
  for (const [key, hits] of seen) {
    if (hits.length < FURNITURE_MIN_REPEATS) continue;
    const paged = hits.every((h) => h.page !== null);
    if (paged) {
      if (new Set(hits.map((h) => h.page)).size >= FURNITURE_MIN_REPEATS) out.add(key);
      continue;
    }
    const gaps = hits.slice(1).map((h, i) => h.at - hits[i]!.at).sort((a, b) => a - b);
    if (gaps[Math.floor(gaps.length / 2)]! >= PAGE_LIKE_GAP_CHARS) out.add(key);
  }
  return out;
}

// Sentence ends: ".", ";" or a line break; "4.4", "U.S." and "e.g." do not end one.
const CLAUSE = /(?:[^.;\n]|\.(?=\d|[A-Za-z]\.|\s+[a-z(]))+[.;]?/g;

/** Clause-sized pieces of each page, furniture lines left out; offsets stay those of the page text. */
export function splitClauses(pages: readonly PageInput[], furniture: ReadonlySet<string> = furnitureLines(pages)): Clause[] {
  const out: Clause[] = [];
  for (const p of pages) {
    let lineStart = 0;
    for (const line of p.text.split("\n")) {
      const at = lineStart;
      lineStart += line.length + 1;
      if (furniture.has(lineKey(line))) continue;
      CLAUSE.lastIndex = 0;
      for (let m = CLAUSE.exec(line); m; m = CLAUSE.exec(line)) {
        const lead = m[0].length - m[0].trimStart().length;
        const text = m[0].trim();
        if (text.length < 8) continue;
        out.push({ page: p.page, start: at + m.index + lead, end: at + m.index + lead + text.length, text });
      }
    }
  }
  return out;
}
