import { CairnError } from "../../lib/errors";

// Text splitters return strings, not offsets. Pieces come in order and each starts
// after the previous one's start (they may overlap), so searching forward from
// there finds the right occurrence even when a passage repeats on the page.

export interface Span {
  start: number;
  end: number;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function locatePieces(text: string, pieces: string[]): Span[] {
  const spans: Span[] = [];
  let prevStart = -1;
  for (const piece of pieces) {
    if (!piece) continue;
    let start = text.indexOf(piece, prevStart + 1);
    let end = start + piece.length;
    if (start < 0) {
      // A splitter that normalised whitespace: match the same words with any whitespace between.
      const words = piece.split(/\s+/).filter(Boolean).map(escape);
      const re = new RegExp(words.join("\\s+"), "g");
      re.lastIndex = prevStart + 1;
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
    prevStart = start;
  }
  return spans;
}
