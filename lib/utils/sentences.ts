// Sentence spans of an answer, so each can be checked for a citation and styled.

export interface TextSpan {
  start: number;
  end: number;
  text: string;
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/**
 * Sentences with offsets into `text`, trimmed of surrounding whitespace. Line breaks
 * always end a sentence (list items and headings are claims of their own).
 */
export function sentenceSpans(text: string): TextSpan[] {
  const out: TextSpan[] = [];
  for (const line of text.matchAll(/[^\n]+/g)) {
    for (const seg of segmenter.segment(line[0])) {
      const lead = seg.segment.length - seg.segment.trimStart().length;
      const body = seg.segment.trim();
      if (body.length === 0) continue;
      const start = line.index + seg.index + lead;
      out.push({ start, end: start + body.length, text: body });
    }
  }
  return out;
}
