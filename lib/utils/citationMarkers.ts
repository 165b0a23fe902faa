// Citation markers in generated text: [1], [1, 2], [1;2], [1-3], and adjacent [1][2].
// One rewrite rule, used both on the finished answer and on the token stream, so what
// the browser saw while streaming is exactly the final answer.

/** A marker; the optional horizontal whitespace before it belongs to it (removed with it). */
const MARKER_SOURCE = String.raw`([ \t]*)\[\s*(\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?:\s*[,;]\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?)*)\s*\]`;
/** A range wider than this is not a citation anyone means; it is dropped whole. */
const MAX_RANGE = 20;

export function markerRegex(): RegExp {
  return new RegExp(MARKER_SOURCE, "g");
}

/** Numbers named inside one marker, in order, duplicates removed. Null for an absurd range. */
export function markerNumbers(inner: string): number[] | null {
  const out: number[] = [];
  for (const part of inner.split(/[,;]/)) {
    const [a, b] = part.split(/[-–]/).map((x) => Number.parseInt(x.trim(), 10));
    if (b === undefined) {
      out.push(a);
      continue;
    }
    if (b < a || b - a > MAX_RANGE) return null;
    for (let n = a; n <= b; n++) out.push(n);
  }
  return [...new Set(out)];
}

export interface DroppedCitation {
  /** A number the answer cited that was not given to the model. */
  n: number;
  /** The marker as the model wrote it. */
  marker: string;
}

export interface MarkerSpan {
  start: number;
  end: number;
  numbers: number[];
}

/**
 * Keeps only citations to numbers in `valid`. A marker with some valid numbers is
 * rewritten canonically ("[1, 2]"); one with none is removed with the space before it.
 */
export function rewriteMarkers(text: string, valid: ReadonlySet<number>, dropped: DroppedCitation[] = []): string {
  return text.replace(markerRegex(), (whole: string, space: string, inner: string) => {
    const numbers = markerNumbers(inner);
    const marker = whole.slice(space.length);
    if (numbers === null) {
      dropped.push({ n: Number.NaN, marker });
      return "";
    }
    const kept = numbers.filter((n) => valid.has(n));
    for (const n of numbers) if (!valid.has(n)) dropped.push({ n, marker });
    return kept.length === 0 ? "" : `${space}[${kept.join(", ")}]`;
  });
}

/** Markers in (already rewritten) text, with offsets of the bracketed part. */
export function findMarkers(text: string): MarkerSpan[] {
  const out: MarkerSpan[] = [];
  for (const m of text.matchAll(markerRegex())) {
    const numbers = markerNumbers(m[2]);
    if (!numbers) continue;
    const start = m.index + m[1].length;
    out.push({ start, end: m.index + m[0].length, numbers });
  }
  return out;
}

/** True when `tail` (starting at "[") could still grow into a marker. */
function couldBeMarkerPrefix(tail: string): boolean {
  return tail.length <= 160 && /^\[[\d\s,;\-–]*$/.test(tail);
}

/**
 * Streaming version of rewriteMarkers: feed generated pieces, get text that is safe to
 * show now. Holds back only a possible unfinished marker and the whitespace before it.
 * Concatenating every push() and the final flush() equals rewriteMarkers(whole text).
 */
export class CitationStreamFilter {
  private pending = "";
  readonly dropped: DroppedCitation[] = [];

  constructor(private readonly valid: ReadonlySet<number>) {}

  push(piece: string): string {
    this.pending += piece;
    const cut = this.safeCut();
    const ready = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return rewriteMarkers(ready, this.valid, this.dropped);
  }

  flush(): string {
    const rest = rewriteMarkers(this.pending, this.valid, this.dropped);
    this.pending = "";
    return rest;
  }

  private safeCut(): number {
    const text = this.pending;
    const open = text.lastIndexOf("[");
    let cut = text.length;
    if (open >= 0 && couldBeMarkerPrefix(text.slice(open))) cut = open;
    // Whitespace just before the cut may be removed with a marker that follows it.
    while (cut > 0 && (text[cut - 1] === " " || text[cut - 1] === "\t")) cut--;
    return cut;
  }
}
