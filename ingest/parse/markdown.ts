import type { ParsedDocument, Section } from "../types";
import { assertHasText } from "./text";

// Markdown keeps its source text untouched (the viewer shows the source, and chunk
// offsets must match it); only the heading structure is read, CommonMark-style:
// ATX (`## Title`) and setext (`Title` over `===`/`---`), ignoring fenced code.

const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const setext = /^ {0,3}(=+|-+)[ \t]*$/;
const fence = /^ {0,3}(`{3,}|~{3,})/;
const notParagraph = /^ {0,3}([-*+>]|\d+[.)]|#|`{3}|~{3})/;

export interface Heading {
  level: number;
  title: string;
  /** Offset of the heading's first line. */
  start: number;
}

/** A quick test used by type detection for files without a .md extension. */
export function looksLikeMarkdown(text: string): boolean {
  return findHeadings(text.slice(0, 64 * 1024)).length > 0;
}

export function findHeadings(text: string): Heading[] {
  const headings: Heading[] = [];
  let openFence: string | undefined;
  let offset = 0;
  let prev: { line: string; start: number } | undefined;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    const lineStart = offset;
    offset += rawLine.length + 1;
    const f = fence.exec(line);
    if (openFence) {
      if (f && f[1][0] === openFence[0] && f[1].length >= openFence.length) openFence = undefined;
      prev = undefined;
      continue;
    }
    if (f) {
      openFence = f[1];
      prev = undefined;
      continue;
    }
    const a = atx.exec(line);
    if (a) {
      headings.push({ level: a[1].length, title: (a[2] ?? "").trim(), start: lineStart });
      prev = undefined;
      continue;
    }
    const s = setext.exec(line);
    if (s && prev && prev.line.trim() && !notParagraph.test(prev.line)) {
      headings.push({ level: s[1][0] === "=" ? 1 : 2, title: prev.line.trim(), start: prev.start });
      prev = undefined;
      continue;
    }
    prev = { line, start: lineStart };
  }
  return headings;
}

/** Turns headings into sections with heading paths; text before the first heading has an empty path. */
export function sectionsFromHeadings(headings: Heading[], textLength: number): Section[] {
  const sections: Section[] = [];
  const stack: { level: number; title: string }[] = [];
  let current: Section = { headingPath: [], start: 0, end: textLength };
  for (const h of headings) {
    current.end = h.start;
    if (current.end > current.start) sections.push(current);
    while (stack.length && stack[stack.length - 1].level >= h.level) stack.pop();
    if (h.title) stack.push({ level: h.level, title: h.title });
    current = { headingPath: stack.map((x) => x.title), start: h.start, end: textLength };
  }
  if (current.end > current.start) sections.push(current);
  return sections;
}

export function parseMarkdown(text: string, name: string): ParsedDocument {
  assertHasText(text, name);
  const headings = findHeadings(text);
  const title = headings.find((h) => h.level === 1 && h.title)?.title;
  return {
    kind: "markdown",
    title,
    pageCount: 1,
    pages: [{ number: null, text, sections: sectionsFromHeadings(headings, text.length) }],
    pagesWithoutText: [],
    warnings: [],
  };
}
