import { CairnError } from "@/core/errors";

// Text splitters return strings, not offsets. Split WITHOUT overlap, the pieces are
// consecutive: each one starts at the first non-whitespace character after the
// previous one (the splitter trims whitespace). So every piece has exactly one
// possible place, even when a passage repeats or the text is periodic ("xxxx…"),
// where searching for the string alone would be ambiguous.

export interface Span {
  start: number;
  end: number;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function locateConsecutivePieces(text: string, pieces: string[]): Span[] {
  const spans: Span[] = [];
  let cursor = 0;
  for (const piece of pieces) {
    if (!piece) continue;
    while (cursor < text.length && /\s/.test(text[cursor])) cursor++;
    let start = text.startsWith(piece, cursor) ? cursor : text.indexOf(piece, cursor);
    let end = start + piece.length;
    if (start < 0) {
      // A splitter that normalised whitespace: the same words with any whitespace between.
      const re = new RegExp(piece.split(/\s+/).filter(Boolean).map(escape).join("\\s+"), "g");
      re.lastIndex = cursor;
      const m = re.exec(text);
      if (!m) {
        throw new CairnError("internal:parse", `Chunking lost track of a piece of text: "${piece.slice(0, 60)}…"`, {
          reason: "chunk_offsets",
        });
      }
      start = m.index;
      end = start + m[0].length;
    }
    spans.push({ start, end });
    cursor = end;
  }
  return spans;
}
